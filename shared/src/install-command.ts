/** The one-command node install, as the CLI prints it and the console shows it. */

/**
 * The one pasteable command that installs a node from the controller's HTTP listener, or undefined
 * when it has none. Over HTTPS with the controller's own CA, the CA is fetched first and checked
 * against the token's CA hash before anything is trusted with it.
 */
export function installCommand(address: string, token: string, caHash: string, port: number, tls: boolean): string | undefined {
  if (!port) return undefined;
  const host = address.slice(0, address.lastIndexOf(':'));
  const base = `${tls ? 'https' : 'http'}://${host}:${port}`;
  const pin = caHash ? ` --ca-hash ${caHash}` : '';
  const run = `sh -s -- --controller ${address}${pin}`;
  if (!tls) return `curl -fsS ${base}/install.sh | HOSTPLANE_JOIN_TOKEN=${token} ${run}`;
  if (!caHash) return `curl -fsS ${base}/install.sh | HOSTPLANE_JOIN_TOKEN=${token} ${run}`;
  const hex = caHash.slice('sha256:'.length);
  return (
    `curl -fsSk ${base}/install/ca.pem -o /tmp/hostplane-ca.pem && ` +
    `[ "$(openssl x509 -in /tmp/hostplane-ca.pem -outform der | sha256sum | cut -c1-64)" = ${hex} ] && ` +
    `curl -fsS --cacert /tmp/hostplane-ca.pem ${base}/install.sh | HOSTPLANE_INSTALL_CA=/tmp/hostplane-ca.pem HOSTPLANE_JOIN_TOKEN=${token} ${run}`
  );
}
