/**
 * The fingerprint of a conflict report. Accept carries it, and is refused when the conflicts changed
 * between the report the operator saw and the moment of accepting.
 */
import { createHash } from 'node:crypto';
import type { Conflict } from './types.js';

export function conflictsFingerprint(conflicts: readonly Conflict[]): string {
  const rows = conflicts
    .map((c) => [c.property, c.planValue, c.availableValue] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return createHash('sha256').update(JSON.stringify(rows)).digest('hex').slice(0, 16);
}
