// The DNS servers and default domain Mode Config gave `typeswan client` (INTERNAL_IP4_DNS,
// UNITY_DEF_DOMAIN), written as a resolv.conf(5) to the file the operator names with
// `--resolv-conf` (no file of the system is touched otherwise). What was there before comes
// back when the client leaves; a file that was not there is removed. A file someone changed
// after us is left alone: it is theirs now.

import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';

export interface ResolverSettings {
  readonly gateway: string;
  readonly dns: readonly string[];
  readonly domain?: string;
}

/** RFC 1123 §2.1 host name labels, dot-separated, at most 253 characters; a final dot allowed. */
const DOMAIN =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

/**
 * The gateway's UNITY_DEF_DOMAIN if it is a domain name (trailing NULs, as some gateways send
 * them, dropped); anything else would put the gateway's words into the resolver's file (a
 * newline and `nameserver X`), so it is none.
 */
export function searchDomain(domain: string | undefined): string | undefined {
  const name = domain?.replace(/\0+$/, '');
  return name !== undefined && DOMAIN.test(name) ? name : undefined;
}

/** resolv.conf(5) lines: `search DOMAIN`, then one `nameserver` per server in the gateway's order. */
export function resolvConfText(s: ResolverSettings): string {
  const domain = searchDomain(s.domain);
  return [
    `# written by typeswan client: Mode Config of ${s.gateway}; put back when it disconnects`,
    ...(domain !== undefined ? [`search ${domain}`] : []),
    ...s.dns.map((server) => `nameserver ${server}`),
    '',
  ].join('\n');
}

function readIfThere(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Rewritten in place, not renamed over: /etc/resolv.conf is often a symlink or a bind mount
 * (`ip netns exec` mounts /etc/netns/NS/resolv.conf over it), which a rename would break.
 */
function replaceFile(path: string, text: string): void {
  writeFileSync(path, text, { mode: 0o644 });
}

export class ResolverFile {
  /** What the file held before our first write; undefined: there was none. */
  private before: string | undefined;
  private written: string | undefined;

  constructor(readonly path: string) {}

  /** Writes the servers; the first call keeps what was there. Nothing to write: no change. */
  install(s: ResolverSettings): boolean {
    if (s.dns.length === 0) return false;
    const text = resolvConfText(s);
    if (this.written === undefined) this.before = readIfThere(this.path);
    replaceFile(this.path, text);
    this.written = text;
    return true;
  }

  /** Puts back what was there: 'restored', 'removed', 'changed' (not ours any more) or 'untouched'. */
  restore(): 'restored' | 'removed' | 'changed' | 'untouched' {
    const written = this.written;
    if (written === undefined) return 'untouched';
    this.written = undefined;
    if (readIfThere(this.path) !== written) return 'changed';
    if (this.before === undefined) {
      unlinkSync(this.path);
      return 'removed';
    }
    replaceFile(this.path, this.before);
    return 'restored';
  }
}
