/**
 * Filesystem user quotas for the webspaces (`hosting.hard_quota`): reported as component `quota`
 * when both hold — the quota tools are installed (`setquota -V`: `Quota utilities version 4.09.`)
 * and the filesystem holding the vhosts root is mounted with user quotas on (`usrquota`,
 * `usrjquota=…`, `quota` or XFS's `uquota`/`uqnoenforce`, in its mount or superblock options of
 * /proc/self/mountinfo). Either alone cannot enforce anything, so it is not reported.
 */
import { readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import type { Detector } from '../detector.js';
import { versionProbe } from '../version-probe.js';
import { capture } from '../version.js';

const setquota = versionProbe({
  component: 'quota',
  names: ['setquota'],
  args: ['-V'],
  parse: ({ text }) => {
    const version = capture(text, /Quota utilities version (\d+(?:\.\d+)+)/);
    return version ? { version } : undefined;
  },
});

const USER_QUOTA_OPTIONS = /^(usrquota|usrjquota=.*|quota|uquota|uqnoenforce)$/;

/** Unescapes a mountinfo path field (`\040` is a space). */
function unescape(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/**
 * The mount point holding `target` (a real path) in /proc/self/mountinfo text, and whether user
 * quotas are on for it; undefined when no line matches.
 */
export function userQuotaMount(mountinfo: string, target: string): { mount: string; userQuota: boolean } | undefined {
  let best: { mount: string; options: string[] } | undefined;
  for (const line of mountinfo.split('\n')) {
    const [left, right] = line.split(' - ');
    if (!left || !right) continue;
    const fields = left.split(' ');
    const mount = fields[4] === undefined ? undefined : unescape(fields[4]);
    if (!mount?.startsWith('/')) continue;
    const prefix = mount.endsWith('/') ? mount : `${mount}/`;
    if (target !== mount && !target.startsWith(prefix)) continue;
    if (best && best.mount.length > mount.length) continue;
    const superOptions = right.split(' ')[2] ?? '';
    best = { mount, options: [...(fields[5] ?? '').split(','), ...superOptions.split(',')] };
  }
  return best && { mount: best.mount, userQuota: best.options.some((o) => USER_QUOTA_OPTIONS.test(o)) };
}

async function nearestRealPath(p: string): Promise<string> {
  for (let current = path.resolve(p); ; current = path.dirname(current)) {
    try {
      return await realpath(current);
    } catch (err) {
      if (path.dirname(current) === current) throw err;
    }
  }
}

export const quota: Detector = {
  name: 'quota',
  async detect(env) {
    const tools = (await setquota.detect(env)).components ?? [];
    if (tools.length === 0) return { components: [] };
    const mount = userQuotaMount(await readFile(env.mountinfo, 'utf8'), await nearestRealPath(env.vhostsRoot));
    return { components: mount?.userQuota ? tools.slice(0, 1) : [] };
  },
};
