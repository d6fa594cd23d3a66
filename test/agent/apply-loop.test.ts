/**
 * The apply loop with a real applier on a sandbox: a pass refused by the validate command is
 * retried with backoff until the cause is gone, with no one asking; retryNow skips the wait;
 * changes during a pass fold into one more pass; stop waits for the running pass.
 */
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApplyLoop } from '../../agent/src/index.js';
import { Applier, SharedSiteUser, type ApplyOutcome } from '../../agent/src/realize/index.js';
import { makeSandbox, sub, writeScript, type Sandbox } from './realize/helpers.js';

let s: Sandbox;
let loop: ApplyLoop | undefined;
beforeEach(async () => {
  s = await makeSandbox();
});
afterEach(async () => {
  await loop?.stop();
  loop = undefined;
  await s.cleanup();
});

const log = pino({ level: 'silent' });

/** A loop whose nginx validate command refuses while `<sandbox>/broken` exists. */
async function setup(retryMinMs: number, retryMaxMs: number) {
  const broken = path.join(s.root, 'broken');
  const validate = await writeScript(s, 'validate', 'validate', `[ -e '${broken}' ] && { echo "broken on purpose" >&2; exit 1; }\nexit 0`);
  const applier = new Applier({ vhostsRoot: s.vhostsRoot, configDir: s.configDir, stateDir: s.stateDir, users: await SharedSiteUser.current(), nginx: { validate: [validate] } });
  const outcomes: ApplyOutcome[] = [];
  loop = new ApplyLoop(applier, { retryMinMs, retryMaxMs, onOutcome: (o) => outcomes.push(o) }, log);
  await loop.start();
  return { broken, outcomes, loop };
}

async function until(fn: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('ApplyLoop', () => {
  it('retries a refused pass with backoff until the cause is gone, then rests', async () => {
    const { broken, outcomes, loop } = await setup(100, 200);
    await fs.writeFile(broken, '');
    loop.snapshot(1, [sub('a.com')]);
    await until(() => outcomes.length >= 3); // refused, then retried by itself (twice at least)
    expect(outcomes.every((o) => o.results[0]!.error.includes('broken on purpose'))).toBe(true);
    expect(loop.current).toBe('waiting-retry');
    await fs.rm(broken);
    await until(() => outcomes.at(-1)!.results[0]!.error === '');
    expect(outcomes.at(-1)!.results[0]!.appliedGeneration).toBe(1);
    expect(existsSync(path.join(s.configDir, 'nginx', 'a.com.conf'))).toBe(true);
    await until(() => loop.current === 'idle');
    const n = outcomes.length;
    await new Promise((r) => setTimeout(r, 400));
    expect(outcomes.length).toBe(n); // converged: no more passes
  });

  it('retryNow does not wait for the backoff', async () => {
    const { broken, outcomes, loop } = await setup(60_000, 60_000);
    await fs.writeFile(broken, '');
    loop.snapshot(1, [sub('a.com')]);
    await until(() => outcomes.length === 1);
    expect(loop.current).toBe('waiting-retry');
    await fs.rm(broken);
    loop.retryNow();
    await until(() => outcomes.length === 2);
    expect(outcomes[1]!.results[0]!.error).toBe('');
  });

  it('folds changes that arrive during a pass into one more pass, and keeps the latest revision', async () => {
    const { outcomes, loop } = await setup(100, 200);
    loop.snapshot(1, [sub('a.com')]);
    loop.delta({ revision: 2, upserts: [sub('b.com')], removals: [] });
    loop.delta({ revision: 3, upserts: [], removals: ['a.com'] });
    await until(() => loop.current === 'idle' && outcomes.at(-1)?.revision === 3);
    expect(outcomes.length).toBeLessThanOrEqual(2);
    expect(outcomes.at(-1)!.results.map((r) => r.name)).toEqual(['b.com']);
    expect(loop.desiredRevision).toBe(3);
  });

  it('retryNow before any desired state does nothing; stop waits and then applies nothing more', async () => {
    const { outcomes, loop } = await setup(100, 200);
    loop.retryNow();
    await new Promise((r) => setTimeout(r, 50));
    expect(outcomes).toEqual([]);
    loop.snapshot(1, [sub('a.com')]);
    await loop.stop();
    const n = outcomes.length;
    loop.snapshot(2, [sub('b.com')]);
    await new Promise((r) => setTimeout(r, 100));
    expect(outcomes.length).toBe(n);
    expect(loop.current).toBe('stopped');
  });
});
