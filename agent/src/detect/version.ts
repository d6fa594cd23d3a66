/** Version strings as tools print them: `8.2.12`, `10.11.6`, `2.23-08`, `1.3.8b`. */

/**
 * Orders versions by their numeric parts (`8.9` < `8.10`), then as text; an absent version sorts
 * first. Deterministic for any pair of strings.
 */
export function compareVersions(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  const na = a.match(/\d+/g) ?? [];
  const nb = b.match(/\d+/g) ?? [];
  for (let i = 0; i < Math.max(na.length, nb.length); i++) {
    const x = na[i] === undefined ? -1 : Number(na[i]);
    const y = nb[i] === undefined ? -1 : Number(nb[i]);
    if (x !== y) return x < y ? -1 : 1;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The first capture group of `pattern` in `text`, if any. */
export function capture(text: string, pattern: RegExp): string | undefined {
  return pattern.exec(text)?.[1];
}
