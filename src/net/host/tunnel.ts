// The protected side on a Linux host: a TUN device. Routes for the remote protected networks
// point into it, so the kernel hands us the cleartext packets to encrypt; decrypted packets
// are written back into it and the kernel forwards them on.

import { writeFileSync } from 'node:fs';
import type { PacketTunnel } from '../types.js';
import { WriteBatcher } from './batch.js';
import { runIp } from './ipCommand.js';
import { nativeAddon, splitBatch, type NativeReader } from './native.js';
import { RAW_SOCKET_MARK } from './raw.js';

export interface HostTunnelOptions {
  /** Interface name, at most 15 bytes (default `tsw<pid mod 10000>`). */
  readonly name?: string;
  /** Leaves room for the ESP/AH overhead below the WAN's 1500 (default 1400, as strongSwan's ipsec0). */
  readonly mtu?: number;
  /** Packets drained per readiness event (default 64). */
  readonly readBatch?: number;
}

/** A route we added, kept to remove exactly that route (and its rules) again. */
interface AddedRoute {
  readonly destination: string;
  /** Policy-routed (see addRouteExceptIpsec): the `ip rule` preferences we added. */
  readonly rules?: readonly { readonly pref: number; readonly args: readonly string[] }[];
}

/**
 * Routing table and rule preferences for destinations that also carry our own IKE/ESP traffic
 * (transport mode between the routers' own addresses): the TUN route goes into this table and
 * rules send IKE (UDP 500/4500) and our raw ESP/AH to the peer through the main table first.
 */
export const TUNNEL_TABLE = 7450;
const RULE_PREF_BASE = 7450;
/** Table and rule preferences that hand UDP 500 toward a TED-protected network to the TUN. */
export const IKE_CAPTURE_TABLE = 7449;
const CAPTURE_PREF_BASE = 7400;

export class HostTunnel implements PacketTunnel {
  readonly name: string;
  readonly mtu: number;
  private readonly fd: number;
  private readonly reader: NativeReader;
  private readonly writer: WriteBatcher;
  private readonly handlers: ((packet: Uint8Array) => void)[] = [];
  private readonly routes: AddedRoute[] = [];
  private readonly captures: { readonly destination: string; readonly pref: number }[] = [];
  private closed = false;

  constructor(options: HostTunnelOptions = {}) {
    const addon = nativeAddon();
    this.mtu = options.mtu ?? 1400;
    const opened = addon.openTun(options.name ?? `tsw${process.pid % 10000}`);
    this.fd = opened.fd;
    this.name = opened.name;
    try {
      addon.setLinkUp(this.name, this.mtu);
      disableReversePathFilter(this.name);
      // Slots hold the largest packet the device can hand us (the MTU) with headroom.
      const slot = Math.max(2048, this.mtu + 64);
      this.reader = addon.startReader(this.fd, options.readBatch ?? 64, slot, (buffer, lengths) => {
        for (const packet of splitBatch(buffer, lengths)) {
          for (const handler of this.handlers) handler(packet);
        }
      });
    } catch (error) {
      addon.closeFd(this.fd);
      throw error;
    }
    this.writer = new WriteBatcher((packets) => addon.writeTun(this.fd, packets));
  }

  writePacket(packet: Uint8Array): void {
    if (!this.closed) this.writer.push(packet);
  }

  onPacket(handler: (packet: Uint8Array) => void): void {
    this.handlers.push(handler);
  }

  /** Packets the device did not take since opening. */
  get dropped(): number {
    return this.writer.dropped;
  }

  /** Routes `destination` (`10.2.0.0/24`) into this device; replaces a route that was there. */
  addRoute(destination: string): void {
    runIp(['route', 'replace', destination, 'dev', this.name]);
    if (!this.routes.some((r) => r.destination === destination)) this.routes.push({ destination });
  }

  /**
   * Routes `destination` into this device except IKE (UDP 500 and 4500), ESP and AH, which keep
   * using the main table: for a destination that is also an IPsec peer (transport mode between
   * the routers' own addresses), so our own protected packets do not loop into the tunnel.
   */
  addRouteExceptIpsec(destination: string): void {
    if (this.routes.some((r) => r.destination === destination)) return;
    const base = RULE_PREF_BASE + this.routes.filter((r) => r.rules).length * 8;
    const rules = [
      { pref: base, args: ['to', destination, 'ipproto', 'udp', 'dport', '500', 'lookup', 'main'] },
      { pref: base + 1, args: ['to', destination, 'ipproto', 'udp', 'dport', '4500', 'lookup', 'main'] },
      // Raw sockets with IP_HDRINCL route as IPPROTO_RAW, not as ESP/AH: they carry a mark.
      {
        pref: base + 2,
        args: ['to', destination, 'fwmark', `0x${RAW_SOCKET_MARK.toString(16)}`, 'lookup', 'main'],
      },
      { pref: base + 3, args: ['to', destination, 'ipproto', '50', 'lookup', 'main'] },
      { pref: base + 4, args: ['to', destination, 'ipproto', '51', 'lookup', 'main'] },
      { pref: base + 5, args: ['to', destination, 'lookup', String(TUNNEL_TABLE)] },
    ];
    runIp(['route', 'replace', destination, 'dev', this.name, 'table', String(TUNNEL_TABLE)]);
    const added: { pref: number; args: readonly string[] }[] = [];
    try {
      for (const rule of rules) {
        runIp(['rule', 'add', 'pref', String(rule.pref), ...rule.args]);
        added.push(rule);
      }
    } finally {
      this.routes.push({ destination, rules: added });
    }
  }

  /**
   * UDP 500 routed toward `destination` (a network a TED entry protects) comes into this device
   * instead, as IOS takes a peer discovery probe off its crypto map interface: the gateway
   * answers the probes for its networks and receives the answers to its own.
   */
  captureIke(destination: string): void {
    if (this.captures.some((c) => c.destination === destination)) return;
    const used = new Set(this.captures.map((c) => c.pref));
    let pref = CAPTURE_PREF_BASE;
    while (used.has(pref)) pref++;
    runIp(['route', 'replace', 'default', 'dev', this.name, 'table', String(IKE_CAPTURE_TABLE)]);
    runIp(['rule', 'add', 'pref', String(pref), ...captureArgs(destination)]);
    this.captures.push({ destination, pref });
  }

  releaseIke(destination: string): void {
    const index = this.captures.findIndex((c) => c.destination === destination);
    const capture = this.captures[index];
    if (capture === undefined) return;
    this.captures.splice(index, 1);
    try {
      runIp(['rule', 'del', 'pref', String(capture.pref), ...captureArgs(destination)]);
    } catch {
      // already gone
    }
  }

  removeRoute(destination: string): void {
    const index = this.routes.findIndex((r) => r.destination === destination);
    const route = this.routes[index];
    if (route === undefined) return;
    this.routes.splice(index, 1);
    const attempts: string[][] = [];
    for (const rule of route.rules ?? [])
      attempts.push(['rule', 'del', 'pref', String(rule.pref), ...rule.args]);
    attempts.push(
      route.rules
        ? ['route', 'del', destination, 'dev', this.name, 'table', String(TUNNEL_TABLE)]
        : ['route', 'del', destination, 'dev', this.name],
    );
    for (const args of attempts) {
      try {
        runIp(args);
      } catch {
        // already gone (the device went down, or someone removed it): nothing to undo
      }
    }
  }

  get routedNetworks(): readonly string[] {
    return this.routes.map((r) => r.destination);
  }

  /** Removes our routes and the device (closing the last fd of a non-persistent TUN deletes it). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const route of [...this.routes]) this.removeRoute(route.destination);
    for (const capture of [...this.captures]) this.releaseIke(capture.destination);
    const addon = nativeAddon();
    this.writer.flush();
    this.writer.discard();
    addon.stopReader(this.reader);
    addon.closeFd(this.fd);
  }
}

function captureArgs(destination: string): string[] {
  return ['to', destination, 'ipproto', 'udp', 'dport', '500', 'lookup', String(IKE_CAPTURE_TABLE)];
}

/**
 * Decrypted packets come out of the TUN with sources that the main table may route elsewhere
 * (policy-routed peers): strict reverse-path filtering would drop them.
 */
function disableReversePathFilter(name: string): void {
  try {
    writeFileSync(`/proc/sys/net/ipv4/conf/${name}/rp_filter`, '0');
  } catch {
    // not writable (no /proc/sys in a container): the default is usually 0 already
  }
}
