/**
 * Postfix: `postconf -h mail_version` prints the bare version (`3.7.11`); without `-h` it is
 * `mail_version = 3.7.11`. Both forms are accepted.
 */
import { versionProbe } from '../version-probe.js';
import { capture } from '../version.js';

export const postfix = versionProbe({
  component: 'postfix',
  names: ['postconf'],
  args: ['-h', 'mail_version'],
  parse: ({ stdout }) => {
    const version = capture(stdout, /^(?:mail_version = )?(\d+\.\d+(?:\.\d+)*)\s*$/m);
    return version ? { version } : undefined;
  },
});
