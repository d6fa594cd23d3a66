/** The one version order (shared/) and the "unset PHP version = highest installed" rule. */
import { describe, expect, it } from 'vitest';
import { compareComponents, compareVersions, highestPhpVersion, type Component } from '@hostplane/shared';

interface OrderRow {
  rule: string;
  /** Expected: lower < higher. Equal rows give the same string twice. */
  lower: string | undefined;
  higher: string | undefined;
}

const ORDER: OrderRow[] = [
  { rule: 'minor parts compare as numbers: 8.9 < 8.10', lower: '8.9', higher: '8.10' },
  { rule: 'major parts compare as numbers: 9.99 < 10.0', lower: '9.99', higher: '10.0' },
  { rule: 'patch parts compare as numbers: 8.2.9 < 8.2.12', lower: '8.2.9', higher: '8.2.12' },
  { rule: 'the major decides before the minor: 7.4 < 8.0', lower: '7.4', higher: '8.0' },
  { rule: 'a version that goes on is higher: 8.2 < 8.2.1', lower: '8.2', higher: '8.2.1' },
  { rule: 'parts after a dash compare as numbers too: 2.23-08 < 2.23-10', lower: '2.23-08', higher: '2.23-10' },
  { rule: 'a letter suffix comes after the release: 1.3.8 < 1.3.8b', lower: '1.3.8', higher: '1.3.8b' },
  { rule: 'letter suffixes compare as text: 1.3.8a < 1.3.8b', lower: '1.3.8a', higher: '1.3.8b' },
  { rule: 'a patch level comes after the release: 9.6 < 9.6p1', lower: '9.6', higher: '9.6p1' },
  { rule: 'a letter suffix comes before a further number: 1.3.8b < 1.3.8.1', lower: '1.3.8b', higher: '1.3.8.1' },
  { rule: 'a release candidate comes before the release: 8.4.0RC1 < 8.4.0', lower: '8.4.0RC1', higher: '8.4.0' },
  { rule: 'release candidates compare by number: 8.4.0RC2 < 8.4.0RC10', lower: '8.4.0RC2', higher: '8.4.0RC10' },
  { rule: 'pre-releases in order: alpha < beta', lower: '8.4.0alpha3', higher: '8.4.0beta1' },
  { rule: 'pre-releases in order: beta < rc, whatever the case', lower: '8.4.0-BETA2', higher: '8.4.0-rc1' },
  { rule: 'pre-releases in order: dev < alpha', lower: '8.4.0-dev', higher: '8.4.0alpha1' },
  { rule: 'a pre-release of the next version is above the previous one: 8.3.9 < 8.4.0RC1', lower: '8.3.9', higher: '8.4.0RC1' },
  { rule: 'an absent version sorts first', lower: undefined, higher: '0.1' },
  { rule: 'an empty version sorts before any other', lower: '', higher: '0' },
  { rule: 'numerically equal versions are ordered by text, never 0: 2.23-08 vs 2.23-8', lower: '2.23-08', higher: '2.23-8' },
  { rule: 'very long numbers compare exactly', lower: '1.99999999999999999998', higher: '1.99999999999999999999' },
  { rule: 'identical versions are equal', lower: '10.11.6', higher: '10.11.6' },
];

describe('compareVersions', () => {
  it.each(ORDER)('$rule', ({ lower, higher }) => {
    const sign = lower === higher ? 0 : -1;
    expect(Math.sign(compareVersions(lower, higher))).toBe(sign);
    expect(Math.sign(compareVersions(higher, lower))).toBe(-sign || 0);
  });

  it('sorts a mixed list in one order, whatever the input order', () => {
    const sorted = ['7.4.33', '8.0', '8.2', '8.4.0RC1', '8.4.0', '8.9.1', '8.10.0', '10.0'];
    for (const input of [[...sorted].reverse(), [...sorted].sort(), ['8.10.0', '8.0', '10.0', '8.4.0', '7.4.33', '8.9.1', '8.4.0RC1', '8.2']]) {
      expect(input.sort(compareVersions)).toEqual(sorted);
    }
  });
});

interface HighestRow {
  rule: string;
  components: Component[];
  highest: string | undefined;
}

const php = (version?: string): Component => ({ name: 'php', ...(version ? { version } : {}) });

const HIGHEST: HighestRow[] = [
  { rule: 'the X.Y of the highest installed php', components: [php('7.4.33'), php('8.2.12'), php('8.1.27')], highest: '8.2' },
  { rule: 'numerically: 8.10 above 8.9', components: [php('8.9.1'), php('8.10.0')], highest: '8.10' },
  { rule: 'php-fpm alone does not count', components: [php('8.1.2'), { name: 'php-fpm', version: '8.3.1' }], highest: '8.1' },
  { rule: 'a php without a version does not count', components: [php(), php('7.4.33')], highest: '7.4' },
  { rule: 'a version without X.Y does not count', components: [php('8'), php('7.4.33')], highest: '7.4' },
  { rule: 'no php: none', components: [{ name: 'nginx', version: '1.22.1' }], highest: undefined },
  { rule: 'an empty report: none', components: [], highest: undefined },
];

describe('highestPhpVersion', () => {
  it.each(HIGHEST)('$rule', ({ components, highest }) => {
    expect(highestPhpVersion({ components })).toBe(highest);
  });
});

describe('compareComponents', () => {
  it('orders by name (code units), then version numerically, then path', () => {
    const list: Component[] = [
      { name: 'php', version: '8.10.0', path: '/b' },
      { name: 'php-fpm', version: '8.2.0' },
      { name: 'php', version: '8.10.0', path: '/a' },
      { name: 'nginx', version: '1.22.1' },
      { name: 'php', version: '8.9.1' },
      { name: 'php' },
    ];
    expect(list.sort(compareComponents).map((c) => `${c.name} ${c.version ?? '-'} ${c.path ?? '-'}`)).toEqual([
      'nginx 1.22.1 -',
      'php - -',
      'php 8.9.1 -',
      'php 8.10.0 /a',
      'php 8.10.0 /b',
      'php-fpm 8.2.0 -',
    ]);
  });
});
