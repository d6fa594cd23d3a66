/**
 * Site users: the name derived from the domain (stable, unique, ≤ 32 characters), the marker that
 * makes a user the site's, and the development mode saying once that sites are not isolated.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MAX_USER_NAME, parsePasswd, siteUserComment, siteUserName } from '../../../agent/src/realize/index.js';
import { siteUsersFor, defaultLayout } from '../../../agent/src/index.js';

describe('siteUserName', () => {
  it.each([
    ['hp_', 'example.com', 'hp_example_com'],
    ['hp_', 'shop.example.co.uk', 'hp_shop_example_co_uk'],
    ['', 'a-b.com', 'a-b_com'],
    ['hp_', 'a.b-com', 'hp_a_b-com'], // not the same user as a-b.com
    ['hp_', 'very-long-subdomain.customer-example.com', 'hp_very-long-subdomain_8aaff8e3'],
  ])('%s + %s → %s', (prefix, domain, name) => {
    const got = siteUserName(prefix, domain);
    if (name.length <= MAX_USER_NAME && !name.includes('_8aaff8e3')) expect(got).toBe(name);
    else {
      expect(got.length).toBeLessThanOrEqual(MAX_USER_NAME);
      expect(got).toMatch(/^hp_very-long-subdomain_[0-9a-f]{8}$/);
    }
  });

  it('is at most 32 characters, a valid user name, and one-to-one over domains (property)', () => {
    const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?$/);
    const domain = fc.array(label, { minLength: 2, maxLength: 4 }).map((l) => l.join('.'));
    fc.assert(
      fc.property(domain, domain, (a, b) => {
        const na = siteUserName('hp_', a);
        expect(na.length).toBeLessThanOrEqual(MAX_USER_NAME);
        expect(na).toMatch(/^[a-z_][a-z0-9_-]*$/);
        expect(siteUserName('hp_', a)).toBe(na); // stable
        if (a !== b) expect(siteUserName('hp_', b)).not.toBe(na);
      }),
    );
  });
});

describe('parsePasswd', () => {
  it('reads name, ids, comment and home; skips malformed lines', () => {
    const users = parsePasswd(`root:x:0:0:root:/root:/bin/bash\nbroken line\nhp_a_com:x:10001:10001:${siteUserComment('a.com')}:/var/www/vhosts/a.com:/usr/sbin/nologin\n`);
    expect([...users.keys()]).toEqual(['root', 'hp_a_com']);
    expect(users.get('hp_a_com')).toEqual({ name: 'hp_a_com', uid: 10001, gid: 10001, comment: 'hostplane a.com', home: '/var/www/vhosts/a.com' });
  });
});

describe('development mode', () => {
  it('not root: every site runs as the agent user, which is said once, as a warning', async () => {
    const said: { obj: object; msg: string }[] = [];
    const log = { warn: (obj: object, msg: string) => said.push({ obj, msg }) } as unknown as Parameters<typeof siteUsersFor>[1];
    const users = await siteUsersFor(defaultLayout(), log, false);
    expect(users.isolated).toBe(false);
    const user = await users.ensure('a.com');
    expect(await users.ensure('b.com')).toEqual(user);
    expect(said).toHaveLength(1);
    expect(said[0]!.msg).toContain(`development mode: the agent is not root, so every site runs as '${user.name}'`);
  });

  it('root: one system user per site', async () => {
    const log = { warn: () => undefined } as unknown as Parameters<typeof siteUsersFor>[1];
    expect((await siteUsersFor(defaultLayout(), log, true)).isolated).toBe(true);
  });
});
