/**
 * Finding executables on the probe path. Each probe directory is listed once per detection cycle;
 * a detector asks for the names it knows (`php8.2`, `postgres`, …) through a predicate, so a file
 * name read from a directory is joined into a path only after it passed that predicate — every
 * detector's predicate is an exact name or an anchored pattern of letters, digits, dots and dashes.
 *
 * A candidate is used only if it is a regular file (after symlinks) with an execute bit, is not
 * writable by group or others, and is owned by root or by the agent's own user: the agent runs as
 * root and executes what it finds, so a file that someone else could have planted or changed is
 * skipped. Symlinks and hard links to one file (`php` → `php8.2`, `mysqld` → `mariadbd`) yield one
 * executable, reported under its real path and found under the first name in probe-path order.
 */
import { promises as fs, type Dirent } from 'node:fs';
import path from 'node:path';

export interface Executable {
  /** The name it was found under (`php`, `php8.2`). */
  readonly name: string;
  /** Where it was found: probe directory + name. */
  readonly foundAt: string;
  /** The real path (symlinks resolved); what gets run and reported. */
  readonly path: string;
}

/** Safe file names only: no separators, no leading dot, no shell or glob characters. */
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;

export class ExecutableIndex {
  private listing: Promise<ReadonlyArray<readonly [dir: string, names: readonly string[]]>> | undefined;
  private readonly resolved = new Map<string, Promise<{ path: string; id: string } | undefined>>();
  private readonly euid = typeof process.geteuid === 'function' ? process.geteuid() : undefined;

  constructor(private readonly dirs: readonly string[]) {}

  /** Executables whose name passes `accept`, in probe-path order (names sorted within a directory). */
  async find(accept: (name: string) => boolean): Promise<readonly Executable[]> {
    const listing = await this.list();
    const candidates: { name: string; foundAt: string }[] = [];
    for (const [dir, names] of listing) {
      for (const name of names) {
        if (SAFE_NAME.test(name) && accept(name)) candidates.push({ name, foundAt: path.join(dir, name) });
      }
    }
    const resolved = await Promise.all(candidates.map((c) => this.resolve(c.foundAt)));
    const seen = new Set<string>();
    const out: Executable[] = [];
    candidates.forEach((c, i) => {
      const r = resolved[i];
      if (!r || seen.has(r.id)) return;
      seen.add(r.id);
      out.push({ name: c.name, foundAt: c.foundAt, path: r.path });
    });
    return out;
  }

  private list() {
    this.listing ??= (async () => {
      const real = await Promise.all(this.dirs.map((d) => fs.realpath(d).catch(() => undefined)));
      const unique: string[] = [];
      real.forEach((r, i) => {
        if (r !== undefined && !real.slice(0, i).includes(r)) unique.push(this.dirs[i]!);
      });
      return Promise.all(
        unique.map(async (dir) => {
          const entries: Dirent[] = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
          const names = entries.filter((e) => e.isFile() || e.isSymbolicLink()).map((e) => e.name);
          return [dir, names.sort(byCodeUnits)] as const;
        }),
      );
    })();
    return this.listing;
  }

  private resolve(file: string) {
    let hit = this.resolved.get(file);
    if (!hit) {
      hit = (async () => {
        try {
          const st = await fs.stat(file);
          if (!st.isFile() || (st.mode & 0o111) === 0 || (st.mode & 0o022) !== 0) return undefined;
          if (this.euid !== undefined && st.uid !== 0 && st.uid !== this.euid) return undefined;
          return { path: await fs.realpath(file), id: `${st.dev}:${st.ino}` };
        } catch {
          return undefined;
        }
      })();
      this.resolved.set(file, hit);
    }
    return hit;
  }
}

export function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
