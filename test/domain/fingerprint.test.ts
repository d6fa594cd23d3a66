import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { UNLIMITED } from '@hostplane/shared';
import { checkFeasibility, combinePlanValues, conflictsFingerprint, type Conflict } from '../../controller/src/domain/index.js';
import { FULL_REPORT, GiB, report } from './fixtures.js';

const MIVA: Conflict = { property: 'hosting.miva', planValue: true, availableValue: false, reason: 'Miva Empresa (mivavm) is not installed on the host' };
const DISK: Conflict = { property: 'limits.disk_space', planValue: 300 * GiB, availableValue: 180 * GiB, reason: 'too big' };
const PHPV: Conflict = { property: 'hosting.php_version', planValue: '8.3', availableValue: '8.2', reason: 'PHP 8.3 is not installed' };
const MAIL: Conflict = { property: 'limits.mailboxes', planValue: UNLIMITED, availableValue: 0, reason: 'no mail server' };

describe('conflictsFingerprint', () => {
  it('is a 16-hex-digit digest, stable across calls', () => {
    const fp = conflictsFingerprint([MIVA, DISK]);
    expect(fp).toMatch(/^[0-9a-f]{16}$/);
    expect(conflictsFingerprint([{ ...MIVA }, { ...DISK }])).toBe(fp);
  });

  it('is order-independent', () => {
    const all = [MIVA, DISK, PHPV, MAIL];
    const fp = conflictsFingerprint(all);
    fc.assert(
      fc.property(fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }), (order) => {
        expect(conflictsFingerprint(order)).toBe(fp);
      }),
    );
  });

  it('does not modify its argument', () => {
    const list = [MIVA, DISK];
    conflictsFingerprint(list);
    expect(list).toEqual([MIVA, DISK]);
  });

  it('changes when an available value changes', () => {
    const base = conflictsFingerprint([DISK, PHPV]);
    expect(conflictsFingerprint([{ ...DISK, availableValue: 170 * GiB }, PHPV])).not.toBe(base);
    expect(conflictsFingerprint([DISK, { ...PHPV, availableValue: '7.4' }])).not.toBe(base);
  });

  it('changes when a plan value changes', () => {
    expect(conflictsFingerprint([{ ...DISK, planValue: 400 * GiB }])).not.toBe(conflictsFingerprint([DISK]));
  });

  it('changes when a row appears or disappears', () => {
    expect(conflictsFingerprint([MIVA])).not.toBe(conflictsFingerprint([MIVA, DISK]));
    expect(conflictsFingerprint([])).not.toBe(conflictsFingerprint([MIVA]));
  });

  it('distinguishes values of different types that print alike', () => {
    expect(conflictsFingerprint([{ ...MAIL, availableValue: 0 }])).not.toBe(conflictsFingerprint([{ ...MAIL, availableValue: '0' }]));
    expect(conflictsFingerprint([{ ...MIVA, availableValue: false }])).not.toBe(conflictsFingerprint([{ ...MIVA, availableValue: 'false' }]));
  });

  it('ignores the human-readable reason', () => {
    expect(conflictsFingerprint([{ ...MIVA, reason: 'reworded' }])).toBe(conflictsFingerprint([MIVA]));
  });

  it('the empty report has a fixed fingerprint', () => {
    expect(conflictsFingerprint([])).toBe(conflictsFingerprint([]));
  });

  it('follows the host: a report whose allocatable disk changed gives another fingerprint', () => {
    const desired = combinePlanValues({ 'limits.disk_space': 300 * GiB }, []);
    const before = conflictsFingerprint(checkFeasibility(desired, FULL_REPORT).conflicts);
    const same = conflictsFingerprint(checkFeasibility(desired, report()).conflicts);
    const after = conflictsFingerprint(checkFeasibility(desired, report({ allocatable: 150 * GiB })).conflicts);
    expect(same).toBe(before);
    expect(after).not.toBe(before);
  });
});
