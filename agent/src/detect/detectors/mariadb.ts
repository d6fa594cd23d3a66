/**
 * MariaDB server: `mariadbd --version` (10.4+) or `mysqld --version` (older MariaDB, and the
 * compatibility link in newer ones) prints
 * `mariadbd  Ver 10.11.6-MariaDB-0+deb12u1 for debian-linux-gnu on x86_64 (Debian 12)`.
 * The `-MariaDB` suffix is what tells it from MySQL.
 */
import { versionProbe } from '../version-probe.js';
import { capture } from '../version.js';

export const mariadb = versionProbe({
  component: 'mariadb',
  names: ['mariadbd', 'mysqld'],
  args: ['--version'],
  parse: ({ text }) => {
    const version = capture(text, /\bVer (\d+\.\d+\.\d+)-MariaDB/);
    return version ? { version } : undefined;
  },
});
