// A GRE tunnel interface (`interface TunnelN`) on a Linux host: a TUN device of its own, named
// as the interface, with the interface's `ip address` and the `ip route`s that point into it.
// The kernel has no GRE here; the gateway encapsulates what the device hands it and writes
// back what it decapsulates, so a routing daemon sees an ordinary point-to-point interface
// (multicast included: a TUN device is IFF_POINTOPOINT | IFF_MULTICAST | IFF_NOARP).
//
// The line protocol is the device's state: keepalives that go unanswered set it down, which
// takes the kernel's routes through it away (and tells a routing daemon the interface went
// down), as IOS withdraws the routes of a tunnel whose line protocol is down; the first
// answer sets it up again and the configured routes come back.

import type { PacketTunnel } from '../types.js';
import { runIp } from './ipCommand.js';
import { HostTunnel } from './tunnel.js';

export interface TunnelInterfaceOptions {
  /** Interface (and device) name, `Tunnel0`. */
  readonly name: string;
  readonly mtu: number;
  /** `A/LEN`. */
  readonly address?: string;
  readonly routes: readonly { readonly destination: string; readonly metric: number }[];
}

export class HostTunnelInterface implements PacketTunnel {
  private readonly device: HostTunnel;
  private up = true;

  constructor(private readonly options: TunnelInterfaceOptions) {
    this.device = new HostTunnel({ name: options.name, mtu: options.mtu });
    try {
      if (options.address !== undefined)
        runIp(['address', 'replace', options.address, 'dev', this.device.name]);
      this.addRoutes();
    } catch (error) {
      this.device.close();
      throw error;
    }
  }

  get name(): string {
    return this.device.name;
  }

  writePacket(packet: Uint8Array): void {
    this.device.writePacket(packet);
  }

  onPacket(handler: (packet: Uint8Array) => void): void {
    this.device.onPacket(handler);
  }

  setLinkUp(up: boolean): void {
    if (up === this.up) return;
    this.up = up;
    runIp(['link', 'set', 'dev', this.device.name, up ? 'up' : 'down']);
    if (up) this.addRoutes();
  }

  private addRoutes(): void {
    for (const r of this.options.routes)
      runIp(['route', 'replace', r.destination, 'dev', this.device.name, 'metric', String(r.metric)]);
  }

  /** Closing the device takes its address and routes with it. */
  close(): void {
    this.device.close();
  }
}
