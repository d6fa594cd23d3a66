import { describe, expect, it } from 'vitest';
import { withOwnerReason, type OwnerStates, type SuspensionReason } from '../../controller/src/domain/index.js';

interface Row {
  rule: string;
  reasons: SuspensionReason[];
  owners: OwnerStates;
  next: SuspensionReason[];
}

const ACTIVE: OwnerStates = { customerSuspended: false, resellerSuspended: false };
const CUSTOMER: OwnerStates = { customerSuspended: true, resellerSuspended: false };
const RESELLER: OwnerStates = { customerSuspended: false, resellerSuspended: true };
const BOTH: OwnerStates = { customerSuspended: true, resellerSuspended: true };

const ROWS: Row[] = [
  // ---- the customer ----
  { rule: 'suspending the customer suspends its subscription (reason customer)', reasons: [], owners: CUSTOMER, next: ['customer'] },
  { rule: 'suspending the customer keeps the other reasons, in canonical order', reasons: ['manual', 'expired'], owners: CUSTOMER, next: ['manual', 'expired', 'customer'] },
  { rule: 'suspending a suspended customer again adds nothing', reasons: ['customer'], owners: CUSTOMER, next: ['customer'] },
  { rule: 'activating the customer removes customer', reasons: ['customer'], owners: ACTIVE, next: [] },
  { rule: 'activating the customer removes customer only: a manual suspension survives', reasons: ['manual', 'customer'], owners: ACTIVE, next: ['manual'] },
  { rule: 'activating the customer removes customer only: an expiry survives', reasons: ['expired', 'customer'], owners: ACTIVE, next: ['expired'] },
  { rule: 'activating the customer of a suspended reseller keeps customer (suspended through the reseller)', reasons: ['customer'], owners: RESELLER, next: ['customer'] },
  { rule: 'owners active and no customer reason: nothing changes', reasons: ['manual'], owners: ACTIVE, next: ['manual'] },

  // ---- the reseller ----
  { rule: 'suspending the reseller suspends its customers\' subscriptions (reason customer)', reasons: [], owners: RESELLER, next: ['customer'] },
  { rule: 'suspending the reseller keeps the other reasons', reasons: ['expired'], owners: RESELLER, next: ['expired', 'customer'] },
  { rule: 'suspending the reseller of a suspended customer adds nothing', reasons: ['customer'], owners: BOTH, next: ['customer'] },
  { rule: 'activating the reseller removes customer from an active customer\'s subscription', reasons: ['customer'], owners: ACTIVE, next: [] },
  { rule: 'activating the reseller leaves a customer suspended on its own suspended', reasons: ['customer'], owners: CUSTOMER, next: ['customer'] },
];

describe('withOwnerReason: one row per rule', () => {
  it.each(ROWS)('$rule', ({ reasons, owners, next }) => {
    expect(withOwnerReason(reasons, owners)).toEqual(next);
  });

  it('does not change the reasons it is given', () => {
    const reasons: SuspensionReason[] = ['manual', 'customer'];
    withOwnerReason(reasons, ACTIVE);
    expect(reasons).toEqual(['manual', 'customer']);
  });
});
