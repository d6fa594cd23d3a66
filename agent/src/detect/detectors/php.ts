/**
 * PHP CLI, every installed version: `php`, `php8.2` (Debian, Ubuntu), `php82` (Alpine), and `php`
 * in the vendor directories of the default probe path (`/opt/plesk/php/8.2/bin/php`,
 * `/opt/remi/php82/root/usr/bin/php`, `/opt/cpanel/ea-php82/root/usr/bin/php`). The version comes
 * from the banner, never from the file name: `PHP 8.2.12 (cli) (built: Oct 27 2023 13:00:00) (NTS)`
 * (a distribution suffix such as `8.1.2-1ubuntu2.14` is dropped). `-n` skips php.ini, which is
 * faster and avoids startup warnings about missing extensions.
 */
import { versionProbe } from '../version-probe.js';
import { capture } from '../version.js';

export const PHP_BANNER = /^PHP (\d+\.\d+\.\d+)\S* \((?:cli|cgi-fcgi)\)/m;

export const php = versionProbe({
  component: 'php',
  names: /^php(?:\d+(?:\.\d+)?)?$/,
  args: ['-n', '-v'],
  parse: ({ text }) => {
    const version = capture(text, PHP_BANNER);
    return version ? { version } : undefined;
  },
});
