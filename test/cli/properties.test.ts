/** `hostplane properties`: the catalogue for people and for tools, without a controller. */
import { PROPERTIES } from '@hostplane/shared';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';

describe('hostplane properties', () => {
  it('lists every key of the catalogue with its type, default, add-on rule, delegation and host need', async () => {
    const res = await runCli(['properties'], { HOSTPLANE_CONTROLLER: '127.0.0.1:1' });
    expect(res.code).toBe(0);
    for (const key of PROPERTIES.keys()) expect(res.stdout).toMatch(new RegExp(`^${key.replace('.', '\\.')}\\s`, 'm'));
    expect(res.stdout).toMatch(/^limits\.mailboxes\s+count or unlimited\s+0\s+sum\s+-\s+a mail server \(postfix or exim\) \(when > 0\)$/m);
    expect(res.stdout).toMatch(/^hosting\.cgi\s+bool\s+false\s+or\s+permissions\.manage_hosting\s+fcgiwrap .* \(when true\)$/m);
    expect(res.stdout).toMatch(/^hosting\.php_version\s+version\s+\(not set\)\s+not in add-ons\s+permissions\.manage_php_version\s+PHP of that version/m);
  });

  it('--json: one object per key, for tools', async () => {
    const res = await runCli(['properties', '--json'], {});
    const rows = JSON.parse(res.stdout) as { key: string; default: unknown; addons: string; hostNeeds: string | null }[];
    expect(rows.map((r) => r.key)).toEqual([...PROPERTIES.keys()]);
    expect(rows.find((r) => r.key === 'limits.validity')).toMatchObject({ addons: 'not in add-ons', hostNeeds: null });
    expect(rows.find((r) => r.key === 'hosting.web')).toMatchObject({ default: true });
  });
});

