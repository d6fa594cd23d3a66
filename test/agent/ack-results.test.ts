/**
 * What an agent's acknowledgement carries: failures and new system users only, and never more than
 * the controller takes — each error cut to 1,000 characters, all of them to 2 MiB together — even
 * when every site of a big host fails with a long message.
 */
import { ACK_ERRORS_BUDGET_CHARS, APPLY_ERROR_UNTOLD, MAX_APPLY_ERROR_CHARS, MAX_MESSAGE_BYTES } from '@hostplane/shared';
import { AgentAck } from '@hostplane/proto/hostplane/v1/agent.js';
import { describe, expect, it } from 'vitest';
import { ackResults } from '../../agent/src/session.js';

const result = (name: string, error = '', systemUser = '') => ({ name, appliedGeneration: 3, error, systemUser });

describe('ackResults', () => {
  it('carries failures and system users not sent yet; applied ones are said by the revision', () => {
    const sent = new Map([['b.example', 'hp_b_example']]);
    const results = ackResults({ revision: 9, results: [result('a.example'), result('b.example', '', 'hp_b_example'), result('c.example', 'boom', 'hp_c_example')] }, sent);
    expect(results).toEqual([{ name: 'c.example', appliedGeneration: '3', error: 'boom', systemUser: 'hp_c_example' }]);
    expect(sent.get('c.example')).toBe('hp_c_example');
  });

  it('20,000 sites failing with 64 KB messages: each cut, the whole under the message limit', () => {
    const long = 'nginx: [emerg] '.padEnd(64 * 1024, 'x');
    const outcome = { revision: 9, results: Array.from({ length: 20_000 }, (_, i) => result(`site${i}.example`, long)) };
    const results = ackResults(outcome, new Map());
    expect(results).toHaveLength(20_000);
    expect(results[0]!.error).toHaveLength(MAX_APPLY_ERROR_CHARS);
    expect(results.at(-1)!.error).toBe(APPLY_ERROR_UNTOLD);
    const untold = results.filter((r) => r.error === APPLY_ERROR_UNTOLD).length;
    expect(results.filter((r) => r.error !== APPLY_ERROR_UNTOLD).reduce((n, r) => n + r.error.length, 0)).toBeLessThanOrEqual(ACK_ERRORS_BUDGET_CHARS);
    expect(untold).toBeGreaterThan(17_000);
    const bytes = AgentAck.encode({ observedRevision: '9', results }).finish().length;
    expect(bytes).toBeLessThan(MAX_MESSAGE_BYTES);
  });
});
