/**
 * Version strings as tools print them (`8.2.12`, `10.11.6`, `2.23-08`, `1.3.8b`, `8.4.0RC1`,
 * `9.6p1`): one order for the agent's reports, the controller's canonical reports and feasibility,
 * and the one rule for "an unset PHP version means the highest installed".
 */
import { majorMinor, type CapabilityReport } from './catalogue/components.js';

/**
 * Orders two versions: part by part, where a part is a run of digits (compared as a number, so
 * 8.9 < 8.10 and 08 = 8) or of letters. A version that ends where the other goes on is lower
 * (8.2 < 8.2.1), except before a pre-release tag — `dev` < `alpha` < `beta` < `rc`, any case —
 * which comes before the release (8.4.0RC1 < 8.4.0). Other letters come after it (1.3.8 <
 * 1.3.8b, 9.6 < 9.6p1) and before a further number. Versions equal part by part are ordered by
 * their text, so only identical strings compare 0. An absent version sorts first.
 */
export function compareVersions(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  const pa = parts(a);
  const pb = parts(b);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const order = comparePart(pa[i], pb[i]);
    if (order !== 0) return order;
  }
  return a < b ? -1 : 1;
}

/** X.Y of the highest installed `php`, the version an unset `hosting.php_version` stands for. */
export function highestPhpVersion(report: CapabilityReport): string | undefined {
  let highest: string | undefined;
  for (const c of report.components) {
    const version = c.name === 'php' ? majorMinor(c.version) : undefined;
    if (version !== undefined && (highest === undefined || compareVersions(version, highest) > 0)) highest = version;
  }
  return highest;
}

const PRE_RELEASE = ['dev', 'alpha', 'beta', 'rc'];

/** A part's kind, by rank: pre-release tag < end of the version < other letters < number. */
const Kind = { PreRelease: 0, End: 1, Letters: 2, Number: 3 } as const;
type Kind = (typeof Kind)[keyof typeof Kind];

interface Part {
  readonly kind: Kind;
  /** Numbers: the digits without leading zeros. Letters: lower case. */
  readonly text: string;
}

function parts(version: string): Part[] {
  return (version.match(/\d+|[a-z]+/gi) ?? []).map((p) => {
    if (/^\d/.test(p)) return { kind: Kind.Number, text: p.replace(/^0+(?=\d)/, '') };
    const text = p.toLowerCase();
    return { kind: PRE_RELEASE.includes(text) ? Kind.PreRelease : Kind.Letters, text };
  });
}

const END: Part = { kind: Kind.End, text: '' };

function comparePart(x: Part = END, y: Part = END): number {
  if (x.kind !== y.kind) return x.kind - y.kind;
  switch (x.kind) {
    case Kind.Number:
      return x.text.length - y.text.length || byCodeUnits(x.text, y.text);
    case Kind.PreRelease:
      return PRE_RELEASE.indexOf(x.text) - PRE_RELEASE.indexOf(y.text);
    default:
      return byCodeUnits(x.text, y.text);
  }
}

/** Plain string order (by UTF-16 code units), the same on every machine whatever its locale. */
export function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
