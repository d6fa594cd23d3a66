/**
 * Once per test run: the prefix of the system users this run's agents create, the temporary folder
 * its controllers, agents and servers work in, and the removal of both at the end (also of those of
 * earlier runs whose process is gone).
 */
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alive, removeStaleTestUsers, removeTestUsers } from './helpers/test-users.js';

const RUN_DIR = /^hostplane-run-([0-9a-z]+)-/;

function removeStaleRunDirs(): void {
  for (const name of readdirSync(tmpdir())) {
    const m = RUN_DIR.exec(name);
    if (m && !alive(parseInt(m[1]!, 36))) rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}

export default function setup(): () => void {
  const id = process.pid.toString(36);
  const prefix = `t${id}_`;
  process.env.HOSTPLANE_TEST_USER_PREFIX = prefix;
  removeStaleTestUsers();
  removeStaleRunDirs();
  const runDir = mkdtempSync(join(tmpdir(), `hostplane-run-${id}-`));
  chmodSync(runDir, 0o755); // site users and nginx's workers traverse it to the webspaces under it
  process.env.HOSTPLANE_TEST_TMP = runDir;
  return () => {
    removeTestUsers(prefix);
    rmSync(runDir, { recursive: true, force: true });
  };
}
