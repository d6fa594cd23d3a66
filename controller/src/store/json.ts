/** JSON columns: values maps and conflict lists, parsed once per distinct text. */
import type { Values } from '@hostplane/shared';
import type { Conflict, SuspensionReason } from '../domain/index.js';

/** Parses JSON column text, memoizing identical texts (bulk loads repeat the same few values). */
export class JsonCache<T> {
  private readonly memo = new Map<string, T>();
  parse(text: string): T {
    let v = this.memo.get(text);
    if (v === undefined) {
      v = JSON.parse(text) as T;
      this.memo.set(text, v);
    }
    return v;
  }
}

export const parseValuesJson = (text: string): Values => JSON.parse(text) as Values;
export const parseConflictsJson = (text: string): Conflict[] => JSON.parse(text) as Conflict[];

export function parseReasons(text: string): SuspensionReason[] {
  return text === '' ? [] : (text.split(',') as SuspensionReason[]);
}

export function formatReasons(reasons: readonly SuspensionReason[]): string {
  return reasons.join(',');
}
