/**
 * The agent's UsageMeter on real directories and logs: disk by du, traffic counted once across a
 * restart of the agent (the offsets are kept in the state dir, 0600), sites no longer applied
 * forgotten.
 */
import { appendFileSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { trafficLogPath, webspaceDir, type Layout } from '../../../agent/src/realize/layout.js';
import { USAGE_STATE_FILE, UsageMeter } from '../../../agent/src/usage/meter.js';
import { tempDir } from '../../helpers/processes.js';

const line = (bytes: number) => `${Math.floor(Date.now() / 1000)}.5 ${bytes}\n`;

describe('UsageMeter', () => {
  it('measures disk and this month’s traffic, and counts each log line once across a restart', async () => {
    const root = tempDir('hostplane-usage-');
    const layout: Layout = { vhostsRoot: path.join(root, 'vhosts'), configDir: path.join(root, 'config') };
    const stateDir = path.join(root, 'state');
    mkdirSync(path.join(webspaceDir(layout, 'a.example'), 'httpdocs'), { recursive: true });
    writeFileSync(path.join(webspaceDir(layout, 'a.example'), 'httpdocs', 'f.bin'), Buffer.alloc(300_000));
    mkdirSync(path.dirname(trafficLogPath(layout, 'a.example')), { recursive: true });
    writeFileSync(trafficLogPath(layout, 'a.example'), line(1000) + line(24));

    const [a] = await new UsageMeter(layout, stateDir).measure(['a.example']);
    expect(a!.diskBytes).toBeGreaterThanOrEqual(300_000);
    expect(a!.trafficBytes).toBe(1024);
    expect(statSync(path.join(stateDir, USAGE_STATE_FILE)).mode & 0o777).toBe(0o600);

    appendFileSync(trafficLogPath(layout, 'a.example'), line(76));
    const restarted = new UsageMeter(layout, stateDir); // a new agent process: offsets from the state dir
    const [again, missing] = await restarted.measure(['a.example', 'gone.example']);
    expect(again!.trafficBytes).toBe(1100);
    expect(missing).toMatchObject({ name: 'gone.example', diskBytes: 0, trafficBytes: 0 });
  });
});
