/**
 * The canonical order of a capability report's components — by name, then version (numerically:
 * 8.9 before 8.10), then path — used by the agent when it assembles a report and by the controller
 * when it stores one, so that an unchanged host compares equal whichever order it was listed in.
 */
import type { Component } from './catalogue/components.js';
import { byCodeUnits, compareVersions } from './versions.js';

export function compareComponents(a: Component, b: Component): number {
  return byCodeUnits(a.name, b.name) || compareVersions(a.version, b.version) || byCodeUnits(a.path ?? '', b.path ?? '');
}
