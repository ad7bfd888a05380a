// In-memory ports for one Gateway: endpoints and a TUN that record what the gateway sends, a
// manual clock, and an IKE engine that answers from a script and counts its calls. With the
// real data plane, this drives the gateway one packet and one event at a time.

import type { AcquireRequest, IkeAction, IkeDatagram, IkeSaInfo, IpsecSaInfo } from '../../src/ike/types.js';
import type { RouterConfig } from '../../src/policy/model.js';
import type { IkeEngine } from '../../src/gateway/ports.js';
import type {
  PacketTunnel,
  RawIpEndpoint,
  Scheduler,
  UdpDatagram,
  UdpEndpoint,
} from '../../src/net/types.js';
import { ipv4FromText } from '../../src/packet/address.js';
import { buildIpv4 } from '../../src/packet/ipv4.js';

export class ManualScheduler implements Scheduler {
  time = 0;
  private timers: { at: number; callback: () => void; cancelled: boolean }[] = [];
  readonly clock = { now: () => this.time };

  setTimer(atSeconds: number, callback: () => void): { cancel(): void } {
    const timer = { at: atSeconds, callback, cancelled: false };
    this.timers.push(timer);
    return { cancel: () => (timer.cancelled = true) };
  }

  /** Moves the clock to `seconds`, running the timers due on the way. */
  advance(seconds: number): void {
    for (;;) {
      const due = this.timers.filter((t) => !t.cancelled && t.at <= seconds).sort((a, b) => a.at - b.at)[0];
      if (due === undefined) break;
      due.cancelled = true;
      this.time = Math.max(this.time, due.at);
      due.callback();
    }
    this.time = seconds;
    this.timers = this.timers.filter((t) => !t.cancelled);
  }
}

export class RecordingUdp implements UdpEndpoint {
  readonly sent: { dstAddress: string; dstPort: number; data: Uint8Array }[] = [];
  private handler: ((d: UdpDatagram) => void) | undefined;
  constructor(
    readonly localAddress: string,
    readonly localPort: number,
  ) {}
  send(dstAddress: string, dstPort: number, data: Uint8Array): void {
    this.sent.push({ dstAddress, dstPort, data });
  }
  onReceive(handler: (d: UdpDatagram) => void): void {
    this.handler = handler;
  }
  deliver(d: UdpDatagram): void {
    this.handler?.(d);
  }
  close(): void {}
}

export class RecordingRaw implements RawIpEndpoint {
  readonly sent: Uint8Array[] = [];
  constructor(readonly localAddress: string) {}
  sendPacket(packet: Uint8Array): void {
    this.sent.push(packet);
  }
  onPacket(): void {}
  close(): void {}
}

export class RecordingTunnel implements PacketTunnel {
  readonly name = 'tsw-test';
  readonly written: Uint8Array[] = [];
  private handler: ((p: Uint8Array) => void) | undefined;
  writePacket(packet: Uint8Array): void {
    this.written.push(packet);
  }
  onPacket(handler: (p: Uint8Array) => void): void {
    this.handler = handler;
  }
  /** A cleartext packet from the protected side. */
  inject(packet: Uint8Array): void {
    this.handler?.(packet);
  }
  close(): void {}
}

/** An IPv4 packet (protocol 253, RFC 3692 experimentation) from `source` to `destination`. */
export function cleartext(source: string, destination: string): Uint8Array {
  return buildIpv4(
    { source: ipv4FromText(source), destination: ipv4FromText(destination), protocol: 253 },
    new Uint8Array(8),
  );
}

/** An engine that answers each acquire with `onAcquire`'s actions and counts its calls. */
export class ScriptedIke implements IkeEngine {
  readonly acquires: { request: AcquireRequest; now: number }[] = [];
  nextDeadlineCalls = 0;
  deadline: number | undefined;
  onAcquire: (request: AcquireRequest, now: number) => IkeAction[] = () => [];
  onReceive: (datagram: IkeDatagram, now: number) => IkeAction[] = () => [];
  onReconfigure: (config: RouterConfig, now: number) => IkeAction[] = () => [];

  receive(datagram: IkeDatagram, now: number): IkeAction[] {
    return this.onReceive(datagram, now);
  }
  reconfigure(config: RouterConfig, now: number): IkeAction[] {
    return this.onReconfigure(config, now);
  }
  acquire(request: AcquireRequest, now: number): IkeAction[] {
    this.acquires.push({ request, now });
    return this.onAcquire(request, now);
  }
  tick(): IkeAction[] {
    return [];
  }
  nextDeadline(): number | undefined {
    this.nextDeadlineCalls++;
    return this.deadline;
  }
  clearIpsec(): IkeAction[] {
    return [];
  }
  clearIsakmp(): IkeAction[] {
    return [];
  }
  listIkeSas(): readonly IkeSaInfo[] {
    return [];
  }
  listIpsecSas(): readonly IpsecSaInfo[] {
    return [];
  }
}
