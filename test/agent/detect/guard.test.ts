/** The retry/deadline wrapper around every detector. */
import { describe, expect, it } from 'vitest';
import { DetectorTimeoutError, guard, type DetectEnv, type Detector } from '../../../agent/src/index.js';

const env = {} as DetectEnv;

function flaky(failures: number): Detector & { calls: number } {
  const d = {
    name: 'flaky',
    calls: 0,
    async detect() {
      d.calls++;
      if (d.calls <= failures) throw new Error(`failure ${d.calls}`);
      return { components: [{ name: 'nginx' as const, version: '1.22.1' }] };
    },
  };
  return d;
}

describe('guard', () => {
  it('retries a detector that threw', async () => {
    const d = flaky(1);
    await expect(guard(d, { timeoutMs: 1000, retries: 1 }).detect(env)).resolves.toEqual({ components: [{ name: 'nginx', version: '1.22.1' }] });
    expect(d.calls).toBe(2);
  });

  it('gives up after the retries, with the last error', async () => {
    const d = flaky(5);
    await expect(guard(d, { timeoutMs: 1000, retries: 2 }).detect(env)).rejects.toThrow('failure 3');
    expect(d.calls).toBe(3);
  });

  it('abandons an attempt at the deadline and does not retry it', async () => {
    let calls = 0;
    const slow: Detector = {
      name: 'slow',
      detect: () => {
        calls++;
        return new Promise(() => undefined);
      },
    };
    const started = performance.now();
    await expect(guard(slow, { timeoutMs: 100, retries: 3 }).detect(env)).rejects.toBeInstanceOf(DetectorTimeoutError);
    expect(calls).toBe(1);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('keeps the name', () => {
    const g = guard({ name: 'disk', detect: async () => ({}) }, { timeoutMs: 1, retries: 0 });
    expect(g.name).toBe('disk');
  });
});
