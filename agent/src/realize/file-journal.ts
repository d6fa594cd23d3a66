/**
 * Configuration writes that can be taken back. Each write or removal that really changes a file is
 * recorded with the file's previous content, so that a subscription that fails halfway, or a batch
 * whose configuration the web server refuses, is rolled back to what was there before. A write of
 * the content already there records nothing and touches nothing (idempotence: mtimes stay).
 *
 * Only files strictly inside the journal's roots (or that its predicate accepts) are ever written or
 * removed.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isErrno, readFileOrNull, writeFileAtomic } from './fs-atomic.js';
import { isInside } from './layout.js';

interface Entry {
  readonly path: string;
  /** The content before the change; `null` when the file did not exist. */
  readonly previous: string | null;
}

export const CONFIG_FILE_MODE = 0o644;

export class FileJournal {
  private readonly entries: Entry[] = [];

  private readonly allowed: (file: string) => boolean;

  constructor(private readonly roots: readonly string[] | ((file: string) => boolean)) {
    this.allowed = typeof roots === 'function' ? roots : (file) => roots.some((root) => isInside(root, file));
  }

  /** Whether any file was changed. */
  get changed(): boolean {
    return this.entries.length > 0;
  }

  /** The files changed, in order. */
  get paths(): string[] {
    return this.entries.map((e) => e.path);
  }

  /** Writes `content` unless the file holds it already; returns whether it changed. */
  async write(file: string, content: string, mode = CONFIG_FILE_MODE): Promise<boolean> {
    this.check(file);
    const previous = await readFileOrNull(file);
    if (previous === content) return false;
    await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o755 });
    await writeFileAtomic(file, content, mode);
    this.entries.push({ path: file, previous });
    return true;
  }

  /** Removes the file if it exists; returns whether it did. */
  async remove(file: string): Promise<boolean> {
    this.check(file);
    const previous = await readFileOrNull(file);
    if (previous === null) return false;
    try {
      await fs.unlink(file);
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return false;
      throw err;
    }
    this.entries.push({ path: file, previous });
    return true;
  }

  /** Adopts another journal's entries (a subscription's, into its batch). */
  absorb(other: FileJournal): void {
    this.entries.push(...other.entries);
    other.entries.length = 0;
  }

  /**
   * Restores every changed file to its previous content, newest change first. Returns the errors of
   * files that could not be restored (the others are restored regardless).
   */
  async rollback(): Promise<Error[]> {
    const errors: Error[] = [];
    for (const entry of this.entries.reverse()) {
      try {
        if (entry.previous === null) await fs.rm(entry.path, { force: true });
        else await writeFileAtomic(entry.path, entry.previous, CONFIG_FILE_MODE);
      } catch (err) {
        errors.push(err instanceof Error ? err : new Error(String(err)));
      }
    }
    this.entries.length = 0;
    return errors;
  }

  private check(file: string): void {
    if (!path.isAbsolute(file) || !this.allowed(file)) {
      throw new Error(`refusing to change '${file}': outside ${typeof this.roots === 'function' ? "the agent's configuration dirs" : this.roots.join(', ')}`);
    }
  }
}
