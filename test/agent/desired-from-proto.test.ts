/**
 * The desired state as the agent reads it from the controller's messages: values from the message's
 * value sets (protocol 2) or inline (protocol 1); a reference to a set the message lacks is refused.
 */
import { describe, expect, it } from 'vitest';
import { SubscriptionState } from '@hostplane/proto/hostplane/v1/subscription.js';
import { valuesToProto } from '@hostplane/shared';
import { desiredFromProto } from '../../agent/src/session.js';

const ACTIVE = SubscriptionState.SUBSCRIPTION_STATE_ACTIVE;
const SUSPENDED = SubscriptionState.SUBSCRIPTION_STATE_SUSPENDED;
const php = valuesToProto({ 'hosting.php': true, 'php.memory_limit': 256 * 1024 ** 2 });

describe('desiredFromProto', () => {
  it('takes each subscription’s values from its value set, or inline', () => {
    const subs = desiredFromProto(
      [
        { name: 'a.com', generation: '3', state: ACTIVE, values: {}, valueSet: '7' },
        { name: 'b.com', generation: '1', state: SUSPENDED, values: {}, valueSet: '7' },
        { name: 'c.com', generation: '2', state: ACTIVE, values: valuesToProto({ 'hosting.ssl': true }), valueSet: '0' },
      ],
      [{ id: '7', values: php }],
    );
    expect(subs).toEqual([
      { name: 'a.com', generation: 3, state: 'active', values: { 'hosting.php': true, 'php.memory_limit': 256 * 1024 ** 2 } },
      { name: 'b.com', generation: 1, state: 'suspended', values: { 'hosting.php': true, 'php.memory_limit': 256 * 1024 ** 2 } },
      { name: 'c.com', generation: 2, state: 'active', values: { 'hosting.ssl': true } },
    ]);
    expect(subs[0]!.values).toBe(subs[1]!.values); // decoded once
  });

  it('refuses a reference to a value set the message does not carry (never realizes defaults instead)', () => {
    expect(() => desiredFromProto([{ name: 'a.com', generation: '1', state: ACTIVE, values: {}, valueSet: '9' }], [{ id: '7', values: php }])).toThrow(
      /a\.com refers to value set 9, which the message does not carry/,
    );
  });
});
