/**
 * The target side of a move: only a staging the agent itself marked complete (its marker in the
 * root-owned `.incoming/`, never inside the site user's staging dir) is adopted as a webspace, never
 * over an existing one; a restart sweeps whatever was staged.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { adoptIncoming, incomingDir, sweepIncoming } from '../../agent/src/move.js';
import { webspaceDir } from '../../agent/src/realize/layout.js';
import { tempDir } from '../helpers/processes.js';

const layoutOf = () => {
  const root = tempDir('hostplane-move-');
  return { vhostsRoot: path.join(root, 'vhosts'), configDir: path.join(root, 'config') };
};
const stage = (layout: ReturnType<typeof layoutOf>, name: string) => {
  const staging = incomingDir(layout, name);
  mkdirSync(path.join(staging, name, 'httpdocs'), { recursive: true });
  writeFileSync(path.join(staging, name, 'httpdocs', 'index.html'), 'moved');
  return staging;
};

describe('adoptIncoming', () => {
  it('a marker the archive (the site user) placed inside the staging dir adopts nothing', async () => {
    const layout = layoutOf();
    const staging = stage(layout, 'a.example');
    writeFileSync(path.join(staging, '.complete'), '');
    expect(await adoptIncoming(layout, 'a.example')).toBe(false);
    expect(existsSync(webspaceDir(layout, 'a.example'))).toBe(false);
  });

  it("the agent's own marker beside it adopts the tree as the webspace, and clears the staging", async () => {
    const layout = layoutOf();
    const staging = stage(layout, 'b.example');
    writeFileSync(`${staging}.complete`, '');
    expect(await adoptIncoming(layout, 'b.example')).toBe(true);
    expect(existsSync(path.join(webspaceDir(layout, 'b.example'), 'httpdocs', 'index.html'))).toBe(true);
    expect(existsSync(staging) || existsSync(`${staging}.complete`)).toBe(false);
  });

  it('never over an existing webspace; a restart sweeps what was staged', async () => {
    const layout = layoutOf();
    const staging = stage(layout, 'c.example');
    writeFileSync(`${staging}.complete`, '');
    mkdirSync(webspaceDir(layout, 'c.example'), { recursive: true });
    expect(await adoptIncoming(layout, 'c.example')).toBe(false);
    await sweepIncoming(layout);
    expect(existsSync(path.dirname(staging))).toBe(false);
  });
});
