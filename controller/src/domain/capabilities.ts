/** An index over a host's capability report, built once per report and reused across subscriptions. */
import { compareVersions, highestPhpVersion, majorMinor, type CapabilityReport, type ComponentName } from '@hostplane/shared';

/** Re-exported for the domain's callers; the order itself lives in shared/ with the agent's. */
export { compareVersions };

export interface HostCapabilities {
  has(component: ComponentName): boolean;
  /** Installed PHP versions as X.Y, ascending. */
  readonly phpVersions: readonly string[];
  /** What an unset `hosting.php_version` stands for: the highest installed PHP, as the agent reads it. */
  readonly highestPhp: string | undefined;
  hasFpm(version: string): boolean;
  /** Allocatable bytes of the vhosts filesystem, floored to whole MiB; undefined when not reported. */
  readonly allocatableBytes: number | undefined;
}

const MIB = 1024 * 1024;
const cache = new WeakMap<CapabilityReport, HostCapabilities>();

export function capabilitiesOf(report: CapabilityReport): HostCapabilities {
  const hit = cache.get(report);
  if (hit) return hit;
  const names = new Set<ComponentName>();
  const php = new Set<string>();
  const fpm = new Set<string>();
  for (const c of report.components) {
    names.add(c.name);
    const mm = majorMinor(c.version);
    if (c.name === 'php' && mm) php.add(mm);
    if (c.name === 'php-fpm' && mm) fpm.add(mm);
  }
  const disk = report.disk;
  const caps: HostCapabilities = {
    has: (name) => names.has(name),
    phpVersions: [...php].sort(compareVersions),
    highestPhp: highestPhpVersion(report),
    hasFpm: (version) => fpm.has(version),
    allocatableBytes: disk ? Math.max(0, Math.floor(disk.allocatableBytes / MIB) * MIB) : undefined,
  };
  cache.set(report, caps);
  return caps;
}
