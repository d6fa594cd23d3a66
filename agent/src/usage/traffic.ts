/**
 * Traffic of one site in the current calendar month (UTC), from the access log nginx writes for
 * its names in the agent's own format (`<msec> <bytes_sent>` per line). Read incrementally: the
 * offset (and the file's inode) are kept across runs and restarts; a rotated log (`<file>.1` with
 * the inode read last) is finished before the new one is read from its start; a truncated one is
 * read again from its start. Lines that are not exactly the agent's format — binary, huge, forged —
 * are skipped: only nginx writes this file, in a directory no tenant can reach, and even so a bad
 * line can neither stop the reading nor count for anything.
 */
import { open, stat } from 'node:fs/promises';

export interface TrafficState {
  /** Inode of the log file at `offset`; 0 before the first read. */
  readonly inode: number;
  /** Bytes of the file already counted (always at a line's end). */
  readonly offset: number;
  /** `YYYY-MM` (UTC) the bytes belong to. */
  readonly month: string;
  readonly bytes: number;
}

export const EMPTY_TRAFFIC: TrafficState = { inode: 0, offset: 0, month: '', bytes: 0 };

/** The nginx `log_format` of the agent's traffic logs. */
export const TRAFFIC_LOG_FORMAT = "'$msec $bytes_sent'";

const CHUNK = 1 << 20;
/** A line longer than this is not one of ours: skipped. */
const MAX_LINE = 64;

export function monthOf(date: Date): string {
  return date.toISOString().slice(0, 7);
}

/** [start, end) in Unix seconds of the month `YYYY-MM`. */
function monthBounds(month: string): [number, number] {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return [Date.UTC(y, m - 1, 1) / 1000, Date.UTC(y, m, 1) / 1000];
}

/** Counts lines into a month; a line of a later month starts that month from zero. */
class Counter {
  month: string;
  bytes: number;
  private start: number;
  private end: number;

  /** Lines timed after this (a clock that jumped ahead) are not counted: they would move the month. */
  private readonly latest: number;

  constructor(state: TrafficState, now: Date) {
    // Counting is for the clock's month: a state of another month (a new month began, or the clock
    // was ahead when it was written) starts from zero.
    this.month = monthOf(now);
    this.bytes = state.month === this.month ? state.bytes : 0;
    [this.start, this.end] = monthBounds(this.month);
    this.latest = now.getTime() / 1000 + 86_400;
  }

  add(seconds: number, bytes: number): void {
    if (seconds > this.latest) return;
    if (seconds >= this.end) {
      this.month = monthOf(new Date(seconds * 1000));
      this.bytes = 0;
      [this.start, this.end] = monthBounds(this.month);
    }
    if (seconds >= this.start && seconds < this.end) this.bytes += bytes;
  }
}

/**
 * Parses complete lines of `buf` from `from` to `to`; returns where the last complete line ended.
 * Byte by byte, no strings: hundreds of MB/s.
 */
function parse(buf: Buffer, to: number, counter: Counter): number {
  let i = 0;
  let lineStart = 0;
  while (i < to) {
    // One line: digits, optional .digits, one space, digits, newline; anything else skips the line.
    let seconds = 0;
    let digits = 0;
    let c = buf[i]!;
    while (c >= 48 && c <= 57 && digits < 12) {
      seconds = seconds * 10 + (c - 48);
      digits++;
      c = buf[++i]!;
    }
    let ok = digits > 0 && i < to;
    if (ok && c === 46) {
      c = buf[++i]!;
      while (c >= 48 && c <= 57 && i < to) c = buf[++i]!;
    }
    let bytes = 0;
    if (ok && c === 32 && i < to) {
      digits = 0;
      c = buf[++i]!;
      while (c >= 48 && c <= 57 && digits < 15 && i < to) {
        bytes = bytes * 10 + (c - 48);
        digits++;
        c = buf[++i]!;
      }
      ok = digits > 0;
    } else ok = false;
    if (ok && i < to && c === 10) {
      counter.add(seconds, bytes);
      lineStart = ++i;
      continue;
    }
    // Not our line: to the next newline (if the buffer holds it).
    const nl = buf.indexOf(10, i);
    if (nl < 0 || nl >= to) break;
    lineStart = i = nl + 1;
  }
  return lineStart;
}

/** Reads `file` from `offset` to its end; returns the offset after its last complete line. */
async function readFrom(file: string, offset: number, counter: Counter): Promise<number> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(CHUNK);
    let pos = offset;
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, CHUNK, pos);
      if (bytesRead === 0) return pos;
      const used = parse(buf, bytesRead, counter);
      if (used === 0) {
        // No complete line in a whole chunk: garbage without newline. Skip it if the file goes on
        // (more than a line's worth), else wait for the rest of the line.
        if (bytesRead < CHUNK && bytesRead <= MAX_LINE) return pos;
        pos += bytesRead;
        continue;
      }
      pos += used;
      if (bytesRead < CHUNK) return pos;
    }
  } finally {
    await fh.close();
  }
}

async function inodeOf(file: string): Promise<{ ino: number; size: number } | undefined> {
  try {
    const s = await stat(file);
    return { ino: s.ino, size: s.size };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** What `file` adds to `state` since it was last read, at `now`. */
export async function readTraffic(file: string, state: TrafficState, now: Date): Promise<TrafficState> {
  const counter = new Counter(state, now);
  let { inode, offset } = state;
  const current = await inodeOf(file);
  if (current && inode !== 0 && current.ino !== inode) {
    // Rotated since the last read: finish the old file (now `<file>.1`) first.
    const old = await inodeOf(`${file}.1`);
    if (old && old.ino === inode && old.size > offset) await readFrom(`${file}.1`, offset, counter);
    offset = 0;
  }
  if (current) {
    if (current.size < offset) offset = 0; // truncated in place
    offset = await readFrom(file, offset, counter);
    inode = current.ino;
  }
  // No line of the current month yet: the current month, at zero.
  const month = monthOf(now);
  if (counter.month < month) return { inode, offset, month, bytes: 0 };
  return { inode, offset, month: counter.month, bytes: counter.bytes };
}
