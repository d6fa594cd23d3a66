/** Secrets at rest: written whole (temp file, then rename) with their mode, 0600 unless told. */
import { chmodSync, renameSync, writeFileSync } from 'node:fs';

export function writeSecretFile(file: string, content: string, mode = 0o600): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, content, { mode });
  chmodSync(tmp, mode);
  renameSync(tmp, file);
}
