/**
 * PHP-FPM, per PHP version: `php-fpm8.2` (Debian), `php-fpm82` (Alpine), `php-fpm` (RHEL and the
 * vendor sbin directories: `/opt/plesk/php/8.2/sbin/php-fpm`, `/opt/remi/php82/root/usr/sbin/php-fpm`).
 * Banner: `PHP 8.2.12 (fpm-fcgi) (built: Oct 27 2023 13:00:00)` — the SAPI must be fpm-fcgi.
 */
import { versionProbe } from '../version-probe.js';
import { capture } from '../version.js';

export const FPM_BANNER = /^PHP (\d+\.\d+\.\d+)\S* \(fpm-fcgi\)/m;

export const phpFpm = versionProbe({
  component: 'php-fpm',
  names: /^php-fpm(?:\d+(?:\.\d+)?)?$/,
  args: ['-n', '-v'],
  parse: ({ text }) => {
    const version = capture(text, FPM_BANNER);
    return version ? { version } : undefined;
  },
});
