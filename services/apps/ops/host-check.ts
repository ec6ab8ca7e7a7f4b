import { BlockList, isIP } from 'node:net';

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

/** 127.0.0.0/8, ::1 (also IPv4-mapped) or `localhost`: an address no other machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost') return true;
  const family = isIP(bare);
  return family !== 0 && loopback.check(bare, family === 4 ? 'ipv4' : 'ipv6');
}

/** `host` or `host:port` as a browser sends it, lower-cased, the port explicit; undefined when malformed. */
function normalise(hostHeader: string): { host: string; port: string } | undefined {
  const bracketed = isIP(hostHeader) === 6 ? `[${hostHeader}]` : hostHeader;
  try {
    const url = new URL(`http://${bracketed}`);
    if (url.username || url.password || url.pathname !== '/' || url.search || url.hash) return undefined;
    return { host: url.hostname, port: url.port || '80' };
  } catch {
    return undefined;
  }
}

const UNSPECIFIED = new Set(['0.0.0.0', '::', '[::]']);

/** The default allowlist: the bound host (unless it is 0.0.0.0 or ::) and the loopback names, with the port. */
export function defaultAllowedHosts(boundHost: string, port: number): string[] {
  const bound = isIP(boundHost) === 6 ? `[${boundHost}]` : boundHost;
  const names = UNSPECIFIED.has(boundHost) ? [] : [bound];
  for (const name of ['localhost', '127.0.0.1', '[::1]']) if (!names.includes(name)) names.push(name);
  return names.map((name) => `${name}:${port}`);
}

/**
 * Whether a request's Host header names this board. An entry without a port allows that name on any
 * port. A page on another site that rebinds its own name to this address still sends its own name, so
 * it is refused before anything is read.
 */
export function hostAllowlist(entries: readonly string[]): (hostHeader: string | undefined) => boolean {
  const exact = new Set<string>();
  const anyPort = new Set<string>();
  for (const entry of entries) {
    const parsed = normalise(entry);
    if (!parsed) throw new Error(`not a host or host:port: ${entry}`);
    if (/:\d+$/.test(entry)) exact.add(`${parsed.host}:${parsed.port}`);
    else anyPort.add(parsed.host);
  }
  return (hostHeader) => {
    const parsed = hostHeader ? normalise(hostHeader) : undefined;
    return !!parsed && (anyPort.has(parsed.host) || exact.has(`${parsed.host}:${parsed.port}`));
  };
}
