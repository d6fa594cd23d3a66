import { describe, expect, it } from 'vitest';
import { COMPONENT_NAMES } from '@hostplane/shared';
import { capabilitiesOf, compareVersions } from '../../controller/src/domain/index.js';
import { FULL_REPORT, GiB, MiB, report } from './fixtures.js';

describe('capabilitiesOf', () => {
  it('indexes a realistic report', () => {
    const caps = capabilitiesOf(FULL_REPORT);
    expect(caps.phpVersions).toEqual(['7.4', '8.1', '8.2']);
    expect(caps.hasFpm('8.2')).toBe(true);
    expect(caps.hasFpm('8.3')).toBe(false);
    expect(caps.hasFpm('8.2.12')).toBe(false); // X.Y only
    expect(caps.has('nginx')).toBe(true);
    expect(caps.has('mivavm')).toBe(true);
    expect(caps.has('apache')).toBe(false);
    expect(caps.has('exim')).toBe(false);
    expect(caps.allocatableBytes).toBe(180 * GiB);
  });

  it('knows exactly the components reported', () => {
    const caps = capabilitiesOf(FULL_REPORT);
    const present = new Set(FULL_REPORT.components.map((c) => c.name));
    for (const name of COMPONENT_NAMES) expect(caps.has(name), name).toBe(present.has(name));
  });

  it('sorts PHP versions numerically and deduplicates patch releases', () => {
    const caps = capabilitiesOf(report({ php: ['8.10.1', '8.9.30', '7.4.33', '8.9.29', '8.10.0'], fpm: ['8.9.30', '8.9.1'] }));
    expect(caps.phpVersions).toEqual(['7.4', '8.9', '8.10']);
    expect(caps.hasFpm('8.9')).toBe(true);
    expect(caps.hasFpm('8.10')).toBe(false);
  });

  it('a PHP without a usable version counts as installed but adds no version', () => {
    const caps = capabilitiesOf(report({ php: [], extra: [{ name: 'php' }, { name: 'php', version: 'unknown' }] }));
    expect(caps.has('php')).toBe(true);
    expect(caps.phpVersions).toEqual([]);
  });

  it('floors allocatable bytes to whole MiB', () => {
    expect(capabilitiesOf(report({ allocatable: 10 * GiB + MiB - 1 })).allocatableBytes).toBe(10 * GiB);
    expect(capabilitiesOf(report({ allocatable: 3 * MiB + 1 })).allocatableBytes).toBe(3 * MiB);
    expect(capabilitiesOf(report({ allocatable: MiB - 1 })).allocatableBytes).toBe(0);
    expect(capabilitiesOf(report({ allocatable: 0 })).allocatableBytes).toBe(0);
  });

  it('never reports negative allocatable bytes', () => {
    expect(capabilitiesOf(report({ allocatable: -5 * GiB })).allocatableBytes).toBe(0);
  });

  it('allocatable is undefined without a disk in the report', () => {
    expect(capabilitiesOf(report({ allocatable: null })).allocatableBytes).toBeUndefined();
  });

  it('an empty report has nothing', () => {
    const caps = capabilitiesOf({ components: [] });
    expect(caps.phpVersions).toEqual([]);
    expect(caps.has('nginx')).toBe(false);
    expect(caps.allocatableBytes).toBeUndefined();
  });

  it('is computed once per report object', () => {
    const r = report();
    expect(capabilitiesOf(r)).toBe(capabilitiesOf(r));
    expect(capabilitiesOf(report())).not.toBe(capabilitiesOf(r));
  });
});

describe('compareVersions', () => {
  it.each([
    ['8.2', '8.2', 0],
    ['8.2', '8.10', -1],
    ['8.10', '8.9', 1],
    ['7.4', '8.0', -1],
    ['10.0', '9.99', 1],
  ] as const)('%s vs %s → sign %d', (a, b, sign) => {
    expect(Math.sign(compareVersions(a, b))).toBe(sign);
  });
});

describe('highestPhp (the shared rule the agent applies too)', () => {
  const ROWS = [
    { rule: 'the X.Y of the highest installed php', php: ['7.4.33', '8.2.12', '8.1.27'], highest: '8.2' },
    { rule: 'numerically: 8.10 above 8.9', php: ['8.9.1', '8.10.0'], highest: '8.10' },
    { rule: 'no php: none', php: [], highest: undefined },
  ];
  it.each(ROWS)('$rule', ({ php, highest }) => {
    const caps = capabilitiesOf(report({ php, fpm: [] }));
    expect(caps.highestPhp).toBe(highest);
    expect(caps.phpVersions.at(-1)).toBe(highest);
  });
});
