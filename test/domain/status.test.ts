import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  SUSPENSION_REASONS,
  addReason,
  normalizeReasons,
  removeReason,
  stateOf,
  type SuspensionReason,
} from '../../controller/src/domain/index.js';

describe('suspension reasons (SPEC §4)', () => {
  it('the reasons, in canonical order', () => {
    expect(SUSPENSION_REASONS).toEqual(['manual', 'expired', 'customer', 'overuse']);
  });

  it.each([
    [[], 'active'],
    [['manual'], 'suspended'],
    [['expired'], 'suspended'],
    [['customer'], 'suspended'],
    [['overuse'], 'suspended'],
    [['manual', 'expired', 'customer'], 'suspended'],
  ] as [SuspensionReason[], string][])('%j → %s', (reasons, state) => {
    expect(stateOf(reasons)).toBe(state);
  });

  it('normalizeReasons sorts canonically and removes duplicates', () => {
    expect(normalizeReasons(['customer', 'manual', 'customer', 'expired'])).toEqual(['manual', 'expired', 'customer']);
    expect(normalizeReasons(new Set<SuspensionReason>(['overuse', 'manual']))).toEqual(['manual', 'overuse']);
    expect(normalizeReasons([])).toEqual([]);
  });

  it('addReason adds once, in canonical order', () => {
    expect(addReason([], 'manual')).toEqual(['manual']);
    expect(addReason(['customer'], 'expired')).toEqual(['expired', 'customer']);
    expect(addReason(['manual'], 'manual')).toEqual(['manual']);
  });

  it('removeReason removes that reason only', () => {
    expect(removeReason(['manual', 'expired'], 'expired')).toEqual(['manual']);
    expect(removeReason(['manual'], 'customer')).toEqual(['manual']);
    expect(removeReason([], 'manual')).toEqual([]);
  });

  it('activating removes manual; renewing removes expired; activating the customer removes customer only', () => {
    const all: SuspensionReason[] = ['manual', 'expired', 'customer'];
    // activate the customer: the individual suspensions survive
    const afterCustomer = removeReason(all, 'customer');
    expect(afterCustomer).toEqual(['manual', 'expired']);
    expect(stateOf(afterCustomer)).toBe('suspended');
    // renew
    const afterRenew = removeReason(afterCustomer, 'expired');
    expect(afterRenew).toEqual(['manual']);
    expect(stateOf(afterRenew)).toBe('suspended');
    // activate
    const afterActivate = removeReason(afterRenew, 'manual');
    expect(afterActivate).toEqual([]);
    expect(stateOf(afterActivate)).toBe('active');
  });

  it('active exactly when the set is empty, whatever the order of additions and removals', () => {
    const op = fc.tuple(fc.boolean(), fc.constantFrom(...SUSPENSION_REASONS));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 20 }), (ops) => {
        let reasons: SuspensionReason[] = [];
        const model = new Set<SuspensionReason>();
        for (const [add, r] of ops) {
          reasons = add ? addReason(reasons, r) : removeReason(reasons, r);
          if (add) model.add(r);
          else model.delete(r);
        }
        expect(reasons).toEqual(SUSPENSION_REASONS.filter((r) => model.has(r)));
        expect(stateOf(reasons)).toBe(model.size === 0 ? 'active' : 'suspended');
      }),
    );
  });

  it('does not modify its argument', () => {
    const reasons: SuspensionReason[] = ['manual', 'customer'];
    addReason(reasons, 'expired');
    removeReason(reasons, 'manual');
    expect(reasons).toEqual(['manual', 'customer']);
  });
});
