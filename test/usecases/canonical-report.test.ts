/**
 * The controller's canonical form of a capability report orders components as the agent does
 * (name, then version numerically, then path), so an unchanged host compares equal.
 */
import { describe, expect, it } from 'vitest';
import type { CapabilityReport, Component } from '@hostplane/shared';
import { canonicalReport } from '../../controller/src/usecases/hosts.js';
import { assembleReport } from '../../agent/src/index.js';
import { MIVA, STANDARD, openTestCore, report } from '../helpers/core.js';

const PHP_89: Component = { name: 'php', version: '8.9.1', path: '/usr/bin/php8.9' };
const PHP_810: Component = { name: 'php', version: '8.10.0', path: '/usr/bin/php8.10' };
const PHP_74: Component = { name: 'php', version: '7.4.33', path: '/usr/bin/php7.4' };
const NGINX: Component = { name: 'nginx', version: '1.22.1', path: '/usr/sbin/nginx' };
const FPM_810: Component = { name: 'php-fpm', version: '8.10.0', path: '/usr/sbin/php-fpm8.10' };

const versions = (r: CapabilityReport) => r.components.map((c) => `${c.name} ${c.version ?? ''}`);

describe('canonicalReport', () => {
  it('orders versions numerically: 8.9 before 8.10', () => {
    expect(versions(canonicalReport({ components: [PHP_810, PHP_89, PHP_74] }))).toEqual(['php 7.4.33', 'php 8.9.1', 'php 8.10.0']);
  });

  it('puts components in the order the agent sends them', () => {
    const components = [FPM_810, PHP_810, NGINX, PHP_89, PHP_74];
    const fromAgent = assembleReport([{ components }]);
    expect(canonicalReport({ components }).components).toEqual(fromAgent.components);
  });

  it('two reports differing only in component order are equal once canonical', () => {
    const a = canonicalReport({ components: [NGINX, PHP_89, PHP_810, FPM_810] });
    const b = canonicalReport({ components: [PHP_810, FPM_810, PHP_89, NGINX] });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });

  it('a report re-sent in another order is not a change', () => {
    const t = openTestCore();
    try {
      expect(t.core.reportCapabilities('web1.example.net', report([NGINX, PHP_89, PHP_810])).changed).toBe(true);
      expect(t.core.reportCapabilities('web1.example.net', report([PHP_810, NGINX, PHP_89])).changed).toBe(false);
    } finally {
      t.close();
    }
  });
});

describe('a report that moved only a little free disk', () => {
  it('is no change: no event, no re-evaluation; a component change still is', () => {
    const t = openTestCore();
    try {
      const base = report(STANDARD);
      t.core.reportCapabilities('web9.example.net', base);
      const events = () => t.core.eventsAfter(0, 1000).filter((e) => e.type === 'host.capabilities_changed').length;
      const n = events();
      const moved = { ...base, disk: { ...base.disk!, freeBytes: base.disk!.freeBytes - 5 * 1024 * 1024, allocatableBytes: base.disk!.allocatableBytes - 5 * 1024 * 1024 } };
      expect(t.core.reportCapabilities('web9.example.net', moved).changed).toBe(false);
      expect(events()).toBe(n);
      expect(t.core.reportCapabilities('web9.example.net', report([...STANDARD, MIVA])).changed).toBe(true);
      expect(events()).toBe(n + 1);
    } finally {
      t.close();
    }
  });
});
