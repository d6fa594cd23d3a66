/**
 * Feasibility: which desired values a host can provide, given its capability report.
 * Each property whose value the host cannot provide yields one conflict row with the closest value
 * the host can provide. A requirement that depends on another property is checked against
 * that property's provided value, so one missing component yields one row, not a cascade.
 */
import {
  PROPERTIES,
  PROPERTY_KEYS,
  UNLIMITED,
  compareVersions,
  formatValue,
  type CapabilityReport,
  type PropertyDef,
  type Value,
  type Values,
} from '@hostplane/shared';
import { capabilitiesOf, type HostCapabilities } from './capabilities.js';
import type { Conflict } from './types.js';

export interface Feasibility {
  readonly providedValues: Values;
  readonly conflicts: Conflict[];
}

type Check = { available: Value; reason: string } | null;

function wants(value: Value | undefined): boolean {
  return value === true || value === UNLIMITED || (typeof value === 'number' && value > 0);
}

/** The closest PHP version: highest installed not above the requested one, else the lowest installed. */
export function nearestPhpVersion(requested: string, installed: readonly string[]): string | undefined {
  let best: string | undefined;
  let lowest: string | undefined;
  // Does not rely on `installed` being sorted: callers outside capabilitiesOf may pass any order.
  for (const v of installed) {
    if (compareVersions(v, requested) <= 0 && (best === undefined || compareVersions(v, best) > 0)) best = v;
    if (lowest === undefined || compareVersions(v, lowest) < 0) lowest = v;
  }
  return best ?? lowest;
}

function check(def: PropertyDef, value: Value | undefined, provided: Values, caps: HostCapabilities, current: Readonly<Values> | null): Check {
  const req = def.requires;
  if (!req || value === undefined) return null;
  const key = def.key;
  switch (req.kind) {
    case 'component': {
      if (!wants(value) || req.anyOf.some((c) => caps.has(c))) return null;
      return { available: def.type.kind === 'bool' ? false : 0, reason: `${req.label} is not installed on the host` };
    }
    case 'disk': {
      const allocatable = caps.allocatableBytes;
      if (typeof value !== 'number' || allocatable === undefined || value <= allocatable) return null;
      const cur = current?.[key];
      const available = typeof cur === 'number' && cur <= allocatable && cur < value ? cur : allocatable;
      return {
        available,
        reason: `the quota ${formatValue(key, value)} exceeds the ${formatValue(key, allocatable)} allocatable on the vhosts filesystem`,
      };
    }
    case 'php-version': {
      const installed = caps.phpVersions;
      if (typeof value !== 'string' || installed.includes(value)) return null;
      const cur = current?.[key];
      const available = typeof cur === 'string' && installed.includes(cur) ? cur : nearestPhpVersion(value, installed);
      if (available === undefined) return null; // no PHP at all: hosting.php carries the conflict
      return { available, reason: `PHP ${value} is not installed (installed: ${installed.join(', ')})` };
    }
    case 'php-fpm': {
      const version = provided['hosting.php_version'];
      if (value !== 'fpm' || typeof version !== 'string' || caps.hasFpm(version)) return null;
      const cur = current?.[key];
      const available = cur === 'fastcgi' || cur === 'cgi' ? cur : 'fastcgi';
      return { available, reason: `php-fpm ${version} is not installed` };
    }
    case 'tool-by-value': {
      if (typeof value !== 'string' || value === 'none') return null;
      if (caps.has(value as 'awstats' | 'webalizer')) return null;
      const cur = current?.[key];
      const available = typeof cur === 'string' && (cur === 'none' || caps.has(cur as 'awstats')) ? cur : 'none';
      return { available, reason: `${value} is not installed on the host` };
    }
  }
}

/**
 * Checks `desired` against `report`. Without a report (a host that never reported), every desired
 * value is taken as provided. `current` is the subscription's stored provided values, so that an
 * available value that the host still provides stays as it is.
 */
export function checkFeasibility(
  desired: Readonly<Values>,
  report: CapabilityReport | null,
  current: Readonly<Values> | null = null,
): Feasibility {
  const provided: Values = { ...desired };
  const conflicts: Conflict[] = [];
  if (!report) return { providedValues: provided, conflicts };
  const caps = capabilitiesOf(report);
  for (const key of PROPERTY_KEYS) {
    const def = PROPERTIES.get(key)!;
    if (def.dependsOn && provided[def.dependsOn] !== true) continue;
    const value = desired[key];
    if (value === undefined && def.requires?.kind === 'php-version') {
      // An unset PHP version means the host's highest installed PHP.
      const highest = caps.highestPhp;
      if (highest !== undefined) provided[key] = highest;
      continue;
    }
    const found = check(def, value, provided, caps, current);
    if (found) {
      provided[key] = found.available;
      conflicts.push({ property: key, planValue: value ?? null, availableValue: found.available, reason: found.reason });
    }
  }
  return { providedValues: provided, conflicts };
}
