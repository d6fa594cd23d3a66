/**
 * Network addresses as hostplane takes them (`HOST:PORT`, `[::1]:50051` for IPv6), and the one
 * rule of what counts as loopback: plaintext is allowed there only (the controller serves, the
 * agent and the CLI talk, TLS everywhere else unless told `--insecure`).
 */
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** Splits `HOST:PORT`; undefined when it is not of that form. */
export function splitHostPort(address: string): { host: string; port: number } | undefined {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s/]+)):(\d{1,5})$/.exec(address);
  const port = m ? Number(m[3]) : NaN;
  return m && port <= 65535 ? { host: (m[1] ?? m[2])!, port } : undefined;
}

/** `localhost`, 127.0.0.0/8 or ::1. */
export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost') return true;
  if (IPV4.test(host)) return host.startsWith('127.');
  return host === '::1';
}

/** Whether `HOST:PORT` names this machine over loopback. */
export function isLoopbackAddress(address: string): boolean {
  const hp = splitHostPort(address);
  return hp !== undefined && isLoopbackHost(hp.host);
}
