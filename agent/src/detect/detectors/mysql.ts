/**
 * MySQL server (Oracle MySQL, Percona): `mysqld --version` prints
 * `/usr/sbin/mysqld  Ver 8.0.35 for Linux on x86_64 (MySQL Community Server - GPL)`. A `mysqld`
 * whose banner says MariaDB is MariaDB's compatibility name and belongs to the mariadb detector.
 */
import { versionProbe } from '../version-probe.js';
import { capture } from '../version.js';

export const mysql = versionProbe({
  component: 'mysql',
  names: ['mysqld'],
  args: ['--version'],
  parse: ({ text }) => {
    if (/MariaDB/i.test(text)) return undefined;
    const version = capture(text, /\bVer (\d+\.\d+\.\d+)/);
    return version ? { version } : undefined;
  },
});
