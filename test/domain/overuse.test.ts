/** The overuse policy (`limits.overuse`), one row per rule. */
import { describe, expect, it } from 'vitest';
import { UNLIMITED, type Values } from '@hostplane/shared';
import { applyOverusePolicy, type SuspensionReason } from '../../controller/src/domain/index.js';

const M = 1024 ** 2;
const limits = (policy: string | undefined, disk: number | string = 10 * M, traffic: number | string = 100 * M): Values => ({
  'limits.disk_space': disk,
  'limits.traffic': traffic,
  ...(policy ? { 'limits.overuse': policy } : {}),
});

interface Row {
  rule: string;
  values: Values;
  usage: [disk: number, traffic: number];
  before: { overused: boolean; reasons: SuspensionReason[] };
  overused: boolean;
  exceeded: string[];
  announce: boolean;
  reasons: SuspensionReason[];
}

const UNDER: [number, number] = [5 * M, 50 * M];
const DISK_OVER: [number, number] = [11 * M, 50 * M];
const TRAFFIC_OVER: [number, number] = [5 * M, 101 * M];
const FRESH = { overused: false, reasons: [] as SuspensionReason[] };
const OVER = { overused: true, reasons: [] as SuspensionReason[] };
const SUSPENDED = { overused: true, reasons: ['overuse'] as SuspensionReason[] };

const ROWS: Row[] = [
  { rule: 'under the limits: nothing', values: limits('suspend'), usage: UNDER, before: FRESH, overused: false, exceeded: [], announce: false, reasons: [] },
  { rule: 'exactly at the limit is not over it', values: limits('suspend'), usage: [10 * M, 100 * M], before: FRESH, overused: false, exceeded: [], announce: false, reasons: [] },
  { rule: 'notify (the default): crossing the disk limit is announced', values: limits(undefined), usage: DISK_OVER, before: FRESH, overused: true, exceeded: ['limits.disk_space'], announce: true, reasons: [] },
  { rule: 'notify: once per crossing, not at every measurement', values: limits('notify'), usage: DISK_OVER, before: OVER, overused: true, exceeded: ['limits.disk_space'], announce: false, reasons: [] },
  { rule: 'notify: back under, then over again is a new crossing', values: limits('notify'), usage: TRAFFIC_OVER, before: FRESH, overused: true, exceeded: ['limits.traffic'], announce: true, reasons: [] },
  { rule: 'allow: shown (overused) but never announced', values: limits('allow'), usage: TRAFFIC_OVER, before: FRESH, overused: true, exceeded: ['limits.traffic'], announce: false, reasons: [] },
  { rule: 'suspend: announced and suspended (reason overuse)', values: limits('suspend'), usage: TRAFFIC_OVER, before: FRESH, overused: true, exceeded: ['limits.traffic'], announce: true, reasons: ['overuse'] },
  { rule: 'suspend: both limits exceeded are named', values: limits('suspend'), usage: [11 * M, 101 * M], before: FRESH, overused: true, exceeded: ['limits.disk_space', 'limits.traffic'], announce: true, reasons: ['overuse'] },
  { rule: 'suspend: other reasons are kept, in canonical order', values: limits('suspend'), usage: DISK_OVER, before: { overused: false, reasons: ['manual'] }, overused: true, exceeded: ['limits.disk_space'], announce: true, reasons: ['manual', 'overuse'] },
  { rule: 'suspend: back under (files deleted, a new month) lifts it by itself', values: limits('suspend'), usage: UNDER, before: SUSPENDED, overused: false, exceeded: [], announce: false, reasons: [] },
  { rule: 'suspend: a raised limit lifts it', values: limits('suspend', 20 * M), usage: DISK_OVER, before: SUSPENDED, overused: false, exceeded: [], announce: false, reasons: [] },
  { rule: 'suspend: an unlimited limit is never exceeded', values: limits('suspend', UNLIMITED, UNLIMITED), usage: [10 ** 15, 10 ** 15], before: SUSPENDED, overused: false, exceeded: [], announce: false, reasons: [] },
  { rule: 'the policy changed from suspend to notify: still over, no longer suspended', values: limits('notify'), usage: DISK_OVER, before: SUSPENDED, overused: true, exceeded: ['limits.disk_space'], announce: false, reasons: [] },
  { rule: 'lifting overuse leaves a manual suspension in place', values: limits('suspend'), usage: UNDER, before: { overused: true, reasons: ['manual', 'overuse'] }, overused: false, exceeded: [], announce: false, reasons: ['manual'] },
];

describe('applyOverusePolicy', () => {
  it.each(ROWS)('$rule', ({ values, usage, before, overused, exceeded, announce, reasons }) => {
    const out = applyOverusePolicy(before, values, { diskBytes: usage[0], trafficBytes: usage[1] });
    expect(out).toEqual({ overused, exceeded, announce, reasons });
  });
});
