/**
 * PostgreSQL server: `postgres --version` prints `postgres (PostgreSQL) 15.5 (Debian 15.5-0+deb12u1)`.
 * Debian keeps each major version's server in `/usr/lib/postgresql/<N>/bin`, PGDG RPMs in
 * `/usr/pgsql-<N>/bin`; the default probe path includes both.
 */
import { versionProbe } from '../version-probe.js';
import { capture } from '../version.js';

export const postgresql = versionProbe({
  component: 'postgresql',
  names: ['postgres'],
  args: ['--version'],
  parse: ({ text }) => {
    const version = capture(text, /^postgres \(PostgreSQL\) (\d+(?:\.\d+)*)/m);
    return version ? { version } : undefined;
  },
});
