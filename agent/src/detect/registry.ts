/**
 * Every detector, in one list. A new component needs a file under `detectors/` and a line here
 * (and its name in the shared component catalogue).
 */
import type { Detector } from './detector.js';
import { apache } from './detectors/apache.js';
import { awstats } from './detectors/awstats.js';
import { cpu } from './detectors/cpu.js';
import { fcgiwrap } from './detectors/fcgiwrap.js';
import { disk } from './detectors/disk.js';
import { exim } from './detectors/exim.js';
import { mariadb } from './detectors/mariadb.js';
import { memory } from './detectors/memory.js';
import { mivavm } from './detectors/mivavm.js';
import { mysql } from './detectors/mysql.js';
import { nginx } from './detectors/nginx.js';
import { node } from './detectors/node.js';
import { osRelease } from './detectors/os.js';
import { perl } from './detectors/perl.js';
import { phpFpm } from './detectors/php-fpm.js';
import { php } from './detectors/php.js';
import { postfix } from './detectors/postfix.js';
import { postgresql } from './detectors/postgresql.js';
import { proftpd } from './detectors/proftpd.js';
import { pureFtpd } from './detectors/pure-ftpd.js';
import { python3 } from './detectors/python3.js';
import { quota } from './detectors/quota.js';
import { vsftpd } from './detectors/vsftpd.js';
import { webalizer } from './detectors/webalizer.js';

/** One detector per component of the shared catalogue, named after it. */
export const COMPONENT_DETECTORS: readonly Detector[] = [
  nginx,
  apache,
  php,
  phpFpm,
  mivavm,
  perl,
  python3,
  node,
  postfix,
  exim,
  mariadb,
  mysql,
  postgresql,
  proftpd,
  vsftpd,
  pureFtpd,
  awstats,
  webalizer,
  fcgiwrap,
  quota,
];

/** Host facts: disk of the vhosts root, OS, CPU, memory. */
export const FACT_DETECTORS: readonly Detector[] = [disk, osRelease, cpu, memory];

export const DETECTORS: readonly Detector[] = [...COMPONENT_DETECTORS, ...FACT_DETECTORS];

export function detectorNamed(name: string): Detector | undefined {
  return DETECTORS.find((d) => d.name === name);
}
