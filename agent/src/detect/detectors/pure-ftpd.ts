/**
 * Pure-FTPd: `pure-ftpd --help` starts with `pure-ftpd v1.0.50 [privsep]` when run as root, and is
 * only the option list (`-0<TAB>--notruncate`, …) otherwise. With the banner it is reported with
 * its version; with the option list alone, without one. The Debian flavours with a built-in
 * authentication backend are separate binaries (`pure-ftpd-mysql`, …); `pure-ftpd-wrapper` is not
 * probed, since it starts the server.
 */
import { versionProbe } from '../version-probe.js';
import { capture } from '../version.js';

export const pureFtpd = versionProbe({
  component: 'pure-ftpd',
  names: ['pure-ftpd', 'pure-ftpd-mysql', 'pure-ftpd-postgresql', 'pure-ftpd-ldap'],
  args: ['--help'],
  parse: ({ stdout }) => {
    const version = capture(stdout, /^pure-ftpd v(\d+\.\d+\.\d+)/m);
    if (version) return { version };
    return /^-0\t--notruncate/m.test(stdout) ? {} : undefined;
  },
});
