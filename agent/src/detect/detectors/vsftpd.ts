/**
 * vsftpd: `vsftpd -v` writes `vsftpd: version 3.0.3` to its file descriptor 0 — its control
 * connection when it serves — and exits 0 (hence the shell idiom `vsftpd -v 0>&1`); some patched
 * builds print it on stderr and exit non-zero. All three streams are read.
 */
import { versionProbe } from '../version-probe.js';
import { capture } from '../version.js';

export const vsftpd = versionProbe({
  component: 'vsftpd',
  names: ['vsftpd'],
  args: ['-v'],
  captureStdin: true,
  parse: ({ text }) => {
    const version = capture(text, /vsftpd: version (\d+\.\d+\.\d+)/);
    return version ? { version } : undefined;
  },
});
