import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Values } from '@hostplane/shared';
import { choosePlacement, combinePlanValues, type HostState, type PlacementCandidate } from '../../controller/src/domain/index.js';
import { GiB, report, type ReportOptions } from './fixtures.js';

let nextId = 1;
function host(name: string, opts: ReportOptions & { state?: HostState; allocated?: number; noReport?: boolean; gone?: boolean } = {}): PlacementCandidate {
  return {
    id: nextId++,
    name,
    state: opts.state ?? 'ready',
    report: opts.noReport ? null : report(opts),
    allocatedBytes: opts.allocated ?? 0,
    connected: !opts.gone,
  };
}

const WANTS = combinePlanValues({ 'limits.disk_space': 10 * GiB, 'hosting.php': true, 'hosting.miva': true, 'limits.mailboxes': 10 }, []);

describe('choosePlacement', () => {
  it('null when there are no hosts', () => {
    expect(choosePlacement(WANTS, [])).toBeNull();
  });

  it('null when no host is ready', () => {
    const hosts = [host('a', { state: 'unknown' }), host('b', { state: 'maintenance' }), host('c', { state: 'incompatible' })];
    expect(choosePlacement(WANTS, hosts)).toBeNull();
  });

  it.each(['unknown', 'maintenance', 'incompatible'] as HostState[])('never a host in state %s, even a better one', (state) => {
    const better = host('better', { state, allocatable: 1000 * GiB });
    const ready = host('ready', { allocatable: 20 * GiB, without: ['mivavm'] });
    const choice = choosePlacement(WANTS, [better, ready]);
    expect(choice?.host.name).toBe('ready');
    expect(choice?.conflictCount).toBe(1);
  });

  it('never a ready host whose agent is not connected, even a better one', () => {
    const gone = host('gone', { allocatable: 1000 * GiB, gone: true });
    const here = host('here', { allocatable: 20 * GiB, without: ['mivavm'] });
    expect(choosePlacement(WANTS, [gone, here])?.host.name).toBe('here');
    expect(choosePlacement(WANTS, [gone])).toBeNull();
  });

  it('among hosts without conflict, the one with the most unallocated disk', () => {
    const hosts = [host('small', { allocatable: 100 * GiB }), host('big', { allocatable: 400 * GiB }), host('medium', { allocatable: 200 * GiB })];
    const choice = choosePlacement(WANTS, hosts);
    expect(choice).toEqual({ host: hosts[1], conflictCount: 0 });
  });

  it('unallocated = allocatable − already allocated', () => {
    const full = host('full', { allocatable: 500 * GiB, allocated: 450 * GiB });
    const empty = host('empty', { allocatable: 200 * GiB, allocated: 0 });
    expect(choosePlacement(WANTS, [full, empty])?.host.name).toBe('empty');
  });

  it('a host without conflict beats a host with one, however much disk it has', () => {
    const rich = host('rich', { allocatable: 10_000 * GiB, without: ['mivavm'] });
    const poor = host('poor', { allocatable: 11 * GiB });
    expect(choosePlacement(WANTS, [rich, poor])).toEqual({ host: poor, conflictCount: 0 });
  });

  it('with no conflict-free host, the one with the fewest conflicts, and reports their number', () => {
    const three = host('three', { allocatable: 900 * GiB, without: ['mivavm', 'postfix', 'php', 'php-fpm'] });
    const one = host('one', { allocatable: 50 * GiB, without: ['mivavm'] });
    const two = host('two', { allocatable: 900 * GiB, without: ['mivavm', 'postfix'] });
    expect(choosePlacement(WANTS, [three, one, two])).toEqual({ host: one, conflictCount: 1 });
  });

  it('counts a disk quota that does not fit as a conflict', () => {
    const tiny = host('tiny', { allocatable: 5 * GiB });
    const noMiva = host('no-miva', { allocatable: 5 * GiB, without: ['mivavm'] });
    const fits = host('fits', { allocatable: 10 * GiB, without: ['mivavm'] });
    expect(choosePlacement(WANTS, [tiny, noMiva])).toEqual({ host: tiny, conflictCount: 1 });
    expect(choosePlacement(WANTS, [noMiva, fits, tiny])?.conflictCount).toBe(1);
  });

  it('equal conflicts: the most unallocated disk', () => {
    const a = host('a', { allocatable: 100 * GiB, without: ['mivavm'] });
    const b = host('b', { allocatable: 300 * GiB, without: ['postfix'] });
    expect(choosePlacement(WANTS, [a, b])).toEqual({ host: b, conflictCount: 1 });
  });

  it('a full tie is broken by name, whatever the order of the candidates', () => {
    const hosts = [host('node-c'), host('node-a'), host('node-b')];
    expect(choosePlacement(WANTS, hosts)?.host.name).toBe('node-a');
    expect(choosePlacement(WANTS, [...hosts].reverse())?.host.name).toBe('node-a');
  });

  it('a host that never reported cannot be checked and is not a candidate', () => {
    const silent = host('silent', { noReport: true });
    const poor = host('poor', { without: ['mivavm'] });
    expect(choosePlacement(WANTS, [silent, poor])).toEqual({ host: poor, conflictCount: 1 });
    expect(choosePlacement(WANTS, [silent])).toBeNull();
  });

  it('a single ready host is chosen even with conflicts', () => {
    const only = host('only', { without: ['mivavm', 'postfix'] });
    expect(choosePlacement(WANTS, [only, host('down', { state: 'unknown' })])).toEqual({ host: only, conflictCount: 2 });
  });

  it('the choice does not depend on the order of the candidates', () => {
    const desired: Values = WANTS;
    const pool = [
      host('h1', { allocatable: 100 * GiB }),
      host('h2', { allocatable: 300 * GiB, allocated: 250 * GiB }),
      host('h3', { allocatable: 300 * GiB, without: ['mivavm'] }),
      host('h4', { allocatable: 150 * GiB, state: 'maintenance' }),
      host('h5', { allocatable: 100 * GiB }),
      host('h6', { allocatable: 8 * GiB }),
      host('h7', { allocatable: 120 * GiB, without: ['postfix', 'mivavm'] }),
    ];
    const expected = choosePlacement(desired, pool)?.host.name;
    expect(expected).toBe('h1');
    fc.assert(
      fc.property(fc.shuffledSubarray(pool, { minLength: pool.length, maxLength: pool.length }), (order) => {
        expect(choosePlacement(desired, order)?.host.name).toBe(expected);
      }),
      { numRuns: 100 },
    );
  });
});
