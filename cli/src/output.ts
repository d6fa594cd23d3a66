/**
 * Human output (aligned tables, label/value blocks, times, enum words) and `--json` output.
 * Pure string functions: the commands decide what to print, `Io` decides where.
 */
import { escapeControls } from '@hostplane/shared';

/** Where the CLI writes; `process` in production, buffers in tests. */
export interface Io {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Aligned columns separated by two spaces, with an upper-case header row; no trailing blanks. */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  // What the controller stores came from someone else (a reseller, a customer): never let it drive the terminal.
  const all = [headers.map((h) => h.toUpperCase()), ...rows.map((row) => row.map(escapeControls))];
  const widths = headers.map((_, i) => Math.max(...all.map((row) => width(row[i] ?? ''))));
  const lines = all.map((row) =>
    headers
      .map((_, i) => {
        const cell = row[i] ?? '';
        return i === headers.length - 1 ? cell : cell + ' '.repeat(widths[i]! - width(cell));
      })
      .join('  ')
      .trimEnd(),
  );
  return lines.join('\n') + '\n';
}

/** A table, or a sentence when there is nothing to list (`No plans.`). */
export function renderList(headers: readonly string[], rows: readonly (readonly string[])[], empty: string): string {
  return rows.length === 0 ? `${empty}\n` : renderTable(headers, rows);
}

/** `Label  value` lines with the values aligned; rows whose value is undefined are left out. */
export function renderFields(fields: readonly (readonly [label: string, value: string | undefined])[]): string {
  const shown = fields.filter((f): f is readonly [string, string] => f[1] !== undefined).map(([l, v]) => [l, escapeControls(v)] as const);
  const w = Math.max(0, ...shown.map(([label]) => width(label)));
  return shown.map(([label, value]) => `${label}${' '.repeat(w - width(label))}  ${value}`.trimEnd() + '\n').join('');
}

/** Display width of a cell: code points, so that `…` and accented names align. */
function width(text: string): number {
  return [...text].length;
}

/** Pretty JSON with a final newline. */
export function renderJson(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}

/** One line of JSON (for streams: one event per line). */
export function renderJsonLine(value: unknown): string {
  return JSON.stringify(value) + '\n';
}

/** `SYNC_STATUS_UNSYNCED` → `unsynced`: the enum's JSON name without its prefix, in lower case. */
export function enumWord(jsonName: string, prefix: string): string {
  const word = jsonName.startsWith(prefix) ? jsonName.slice(prefix.length) : jsonName;
  return word.toLowerCase();
}

/** ISO 8601 time for `--json`, `null` when absent. */
export function isoTime(date: Date | undefined): string | null {
  return date ? date.toISOString() : null;
}

/** A time for people: `2025-06-01 14:03:12Z`; `-` when absent. */
export function humanTime(date: Date | undefined): string {
  if (!date) return '-';
  return date.toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');
}

/** How long ago, for people: `12s ago`, `5m ago`, `3h ago`, `2d ago`; `never` when absent. */
export function ago(date: Date | undefined, now: Date = new Date()): string {
  if (!date) return 'never';
  const s = Math.max(0, Math.round((now.getTime() - date.getTime()) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86_400)}d ago`;
}

/** An int64 decimal string as a JSON number when safe, else the exact string. */
export function int64Json(text: string): number | string {
  const n = Number(text);
  return Number.isSafeInteger(n) && String(n) === text ? n : text;
}

/** `1 subscription`, `3 subscriptions`. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
