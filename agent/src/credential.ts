/** The host credential obtained at enrollment, kept in the state dir with mode 0600. */
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

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

export async function saveCredential(stateDir: string, c: StoredCredential): Promise<void> {
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const file = join(stateDir, CREDENTIAL_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(c, null, 2)}\n`, { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, file);
}
