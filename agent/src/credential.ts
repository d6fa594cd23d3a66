/** The host credential obtained at enrollment, kept in the state dir with mode 0600. */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { syncDir, writeFileAtomic } from './realize/fs-atomic.js';

export const CREDENTIAL_FILE = 'credential.json';

export interface StoredCredential {
  readonly host: string;
  readonly controller: string;
  readonly credential: string;
}

export async function loadCredential(stateDir: string): Promise<StoredCredential | undefined> {
  let text: string;
  try {
    text = await readFile(join(stateDir, CREDENTIAL_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const parsed = JSON.parse(text) as Partial<StoredCredential>;
  if (typeof parsed.host !== 'string' || typeof parsed.credential !== 'string') {
    throw new Error(`${join(stateDir, CREDENTIAL_FILE)} is not a hostplane credential file`);
  }
  return { host: parsed.host, controller: parsed.controller ?? '', credential: parsed.credential };
}

/** Writes the credential file atomically and durably (a unique temp file, fsync, rename, fsync of the dir). */
export async function saveCredential(stateDir: string, c: StoredCredential): Promise<void> {
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const file = join(stateDir, CREDENTIAL_FILE);
  await writeFileAtomic(file, `${JSON.stringify(c, null, 2)}\n`, 0o600);
  await syncDir(stateDir);
}
