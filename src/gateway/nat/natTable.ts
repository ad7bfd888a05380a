// The translations PAT made: one entry per flow (protocol, inside local address and port,
// outside address and port), found again from either side, with IOS's idle timeouts
// (`ip nat translation udp-timeout|icmp-timeout|tcp-timeout|syn-timeout|finrst-timeout|dns-timeout`,
// IOS 12 defaults 300/60/86400/60/60/60 seconds). The table is bounded: a full table drops
// new flows, counted. Global ports keep the inside port when it is free (IOS does), else
// come from 1024 up; UDP 500 and 4500 are never handed out, they are IKE's.

import type { NatTimeout, NatTimeouts } from '../../policy/natModel.js';
import { IPPROTO_ICMP } from '../../packet/icmp.js';
import { IPPROTO_TCP } from '../../packet/tcp.js';
import { IPPROTO_UDP } from '../../packet/udp.js';

export interface Translation {
  readonly protocol: number;
  readonly insideLocal: string;
  readonly insideLocalPort: number;
  readonly insideGlobal: string;
  readonly insideGlobalPort: number;
  readonly outside: string;
  readonly outsidePort: number;
  /** The dynamic rule that made it, as `show ip nat statistics` names it. */
  readonly rule: string;
  readonly created: number;
  lastUsed: number;
  /** Seconds idle before it expires (Infinity: never). */
  timeout: number;
}

export const DEFAULT_TIMEOUTS = {
  timeout: 86400,
  tcp: 86400,
  udp: 300,
  icmp: 60,
  dns: 60,
  finrst: 60,
  syn: 60,
};

const SYN = 0x02;
const FIN = 0x01;
const RST = 0x04;
const ACK = 0x10;
const DNS_PORT = 53;
const FIRST_PORT = 1024;
const IKE_PORTS = new Set([500, 4500]);

export class NatTable {
  private readonly byInside = new Map<string, Translation>();
  private readonly byGlobal = new Map<string, Translation>();
  expired = 0;

  constructor(
    private readonly timeouts: NatTimeouts,
    private readonly maxEntries = 8192,
  ) {}

  get size(): number {
    return this.byInside.size;
  }

  entries(): readonly Translation[] {
    return [...this.byInside.values()];
  }

  private seconds(which: keyof NatTimeouts): number {
    const v: NatTimeout = this.timeouts[which] ?? DEFAULT_TIMEOUTS[which];
    return v === 'never' ? Number.POSITIVE_INFINITY : v;
  }

  /** The idle timeout a packet of this flow sets (TCP: by the flags it carries). */
  timeoutFor(protocol: number, destinationPort: number, tcpFlags: number | undefined): number {
    if (protocol === IPPROTO_ICMP) return this.seconds('icmp');
    if (protocol === IPPROTO_UDP) return this.seconds(destinationPort === DNS_PORT ? 'dns' : 'udp');
    if (protocol === IPPROTO_TCP) {
      const flags = tcpFlags ?? 0;
      if ((flags & (FIN | RST)) !== 0) return this.seconds('finrst');
      if ((flags & SYN) !== 0 && (flags & ACK) === 0) return this.seconds('syn');
      return this.seconds('tcp');
    }
    return this.seconds('timeout');
  }

  private static insideKey(
    protocol: number,
    local: string,
    port: number,
    outside: string,
    outsidePort: number,
  ): string {
    return `${protocol}|${local}:${port}|${outside}:${outsidePort}`;
  }

  private static globalKey(
    protocol: number,
    global: string,
    port: number,
    outside: string,
    outsidePort: number,
  ): string {
    return `${protocol}|${global}:${port}|${outside}:${outsidePort}`;
  }

  findInside(
    protocol: number,
    local: string,
    port: number,
    outside: string,
    outsidePort: number,
  ): Translation | undefined {
    return this.byInside.get(NatTable.insideKey(protocol, local, port, outside, outsidePort));
  }

  /** The flow a packet arriving at the global address and port belongs to. */
  findGlobal(
    protocol: number,
    global: string,
    port: number,
    outside: string,
    outsidePort: number,
  ): Translation | undefined {
    return this.byGlobal.get(NatTable.globalKey(protocol, global, port, outside, outsidePort));
  }

  /** A new flow's translation, or why there is none. */
  create(
    flow: Omit<Translation, 'insideGlobalPort' | 'created' | 'lastUsed' | 'timeout'>,
    now: number,
    timeout: number,
  ): Translation | 'table full' | 'no free port' {
    if (this.byInside.size >= this.maxEntries) return 'table full';
    const free = (port: number): boolean =>
      port > 0 &&
      !(flow.protocol === IPPROTO_UDP && IKE_PORTS.has(port)) &&
      !this.byGlobal.has(
        NatTable.globalKey(flow.protocol, flow.insideGlobal, port, flow.outside, flow.outsidePort),
      );
    let port = free(flow.insideLocalPort) ? flow.insideLocalPort : 0;
    for (let p = FIRST_PORT; port === 0 && p <= 65535; p++) if (free(p)) port = p;
    if (port === 0) return 'no free port';
    const t: Translation = { ...flow, insideGlobalPort: port, created: now, lastUsed: now, timeout };
    this.byInside.set(
      NatTable.insideKey(t.protocol, t.insideLocal, t.insideLocalPort, t.outside, t.outsidePort),
      t,
    );
    this.byGlobal.set(NatTable.globalKey(t.protocol, t.insideGlobal, port, t.outside, t.outsidePort), t);
    return t;
  }

  private remove(t: Translation): void {
    this.byInside.delete(
      NatTable.insideKey(t.protocol, t.insideLocal, t.insideLocalPort, t.outside, t.outsidePort),
    );
    this.byGlobal.delete(
      NatTable.globalKey(t.protocol, t.insideGlobal, t.insideGlobalPort, t.outside, t.outsidePort),
    );
  }

  /** Removes what has been idle longer than its timeout; returns how many went. */
  expire(now: number): number {
    let n = 0;
    for (const t of this.byInside.values()) {
      if (now - t.lastUsed > t.timeout) {
        this.remove(t);
        n++;
      }
    }
    this.expired += n;
    return n;
  }

  /** The earliest time an entry can expire. */
  nextExpiry(): number | undefined {
    let next = Number.POSITIVE_INFINITY;
    for (const t of this.byInside.values()) next = Math.min(next, t.lastUsed + t.timeout);
    return Number.isFinite(next) ? next : undefined;
  }

  /** `clear ip nat translation *`: every dynamic entry. */
  clear(): number {
    const n = this.byInside.size;
    this.byInside.clear();
    this.byGlobal.clear();
    return n;
  }
}
