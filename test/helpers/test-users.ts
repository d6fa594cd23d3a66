/**
 * System users that test agents create (as root, every site gets one): each test run gives its
 * agents a prefix of its own, `t<pid in base 36>_`, and a uid range of its own, and removes its
 * users at the end, whether tests failed or not. Users left by a run that was killed are removed by
 * the next run (their run's process is gone); a run in parallel is never touched.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export const TEST_UID_MIN = 50000;
export const TEST_UID_MAX = 59999;
const RUN_PREFIX = /^t([0-9a-z]{1,7})_/;

/** This run's prefix: set by the global setup, else derived from this process (a script, the demo). */
export function testUserPrefix(): string {
  return process.env.HOSTPLANE_TEST_USER_PREFIX ?? `t${process.pid.toString(36)}_`;
}

interface Account {
  name: string;
  comment: string;
}

function hostplaneUsers(): Account[] {
  return readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .map((line) => line.split(':'))
    .filter((f) => f.length >= 7 && (f[4] ?? '').startsWith('hostplane '))
    .map((f) => ({ name: f[0]!, comment: f[4]! }));
}

/** Whether a process with this id runs (EPERM: it does, as another user). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function remove(name: string): void {
  spawnSync('pkill', ['-KILL', '-u', name]);
  spawnSync('userdel', [name]);
  spawnSync('groupdel', [name]);
}

/** Removes the users (and groups) of this prefix; returns their names. */
export function removeTestUsers(prefix: string): string[] {
  if (process.getuid?.() !== 0) return [];
  const names = hostplaneUsers().filter((u) => u.name.startsWith(prefix)).map((u) => u.name);
  for (const name of names) remove(name);
  return names;
}

/** Removes the users of earlier runs whose process is gone. */
export function removeStaleTestUsers(): string[] {
  if (process.getuid?.() !== 0) return [];
  const stale = hostplaneUsers().filter((u) => {
    const m = RUN_PREFIX.exec(u.name);
    return m !== null && !alive(parseInt(m[1]!, 36));
  });
  for (const u of stale) remove(u.name);
  return stale.map((u) => u.name);
}

/** Whether a user of this name exists. */
export function userExists(name: string): boolean {
  try {
    execFileSync('id', ['-u', name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
