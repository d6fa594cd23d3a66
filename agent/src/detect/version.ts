/** Version strings as tools print them: `8.2.12`, `10.11.6`, `2.23-08`, `1.3.8b`. */

/** The one version order of hostplane (numeric parts first: `8.9` < `8.10`). */
export { compareVersions } from '@hostplane/shared';

/** The first capture group of `pattern` in `text`, if any. */
export function capture(text: string, pattern: RegExp): string | undefined {
  return pattern.exec(text)?.[1];
}
