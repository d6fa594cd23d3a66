/**
 * Components an agent can detect on its host, and the capability report it sends.
 * Shared by the agent (which produces reports) and the controller (which checks feasibility).
 */
export const COMPONENT_NAMES = [
  'nginx',
  'apache',
  'php',
  'php-fpm',
  'mivavm',
  'perl',
  'python3',
  'node',
  'postfix',
  'exim',
  'mariadb',
  'mysql',
  'postgresql',
  'proftpd',
  'vsftpd',
  'pure-ftpd',
  'awstats',
  'webalizer',
  'fcgiwrap',
  'quota',
] as const;
export type ComponentName = (typeof COMPONENT_NAMES)[number];

export interface Component {
  readonly name: ComponentName;
  /** Full version as detected, e.g. `8.2.12`. */
  readonly version?: string;
  /** Where it was found (executable path). */
  readonly path?: string;
}

export interface DiskCapacity {
  /** Mount point of the filesystem holding the vhosts root. */
  readonly mount?: string;
  readonly totalBytes: number;
  readonly freeBytes: number;
  /** What may be handed out as quotas: free space less the configured reserve. */
  readonly allocatableBytes: number;
}

export interface CapabilityReport {
  readonly components: readonly Component[];
  readonly disk?: DiskCapacity;
  readonly os?: { readonly platform: string; readonly distro?: string; readonly release?: string; readonly kernel?: string };
  readonly cpu?: { readonly cores: number; readonly model?: string };
  readonly memory?: { readonly totalBytes: number };
}

/** `8.2.12` → `8.2`; undefined when the version has no X.Y prefix. */
export function majorMinor(version: string | undefined): string | undefined {
  const m = version ? /^(\d+)\.(\d+)/.exec(version) : null;
  return m ? `${m[1]}.${m[2]}` : undefined;
}

export function isComponentName(name: string): name is ComponentName {
  return (COMPONENT_NAMES as readonly string[]).includes(name);
}
