// A host on a LAN: answers ICMP echo and pings like an IOS router's `ping` does — the next
// echo goes out when the reply arrives or the timeout expires.

import { buildIcmpEcho, IPPROTO_ICMP, ipv4ToText, parseIpv4 } from '../../packet/index.js';
import { buildIpv4, parseIcmpEcho, parsed } from './ip.js';
import { VirtualNode, type NodeInterface } from './node.js';
import type { VirtualScheduler } from './scheduler.js';

export interface PingOptions {
  readonly count: number; // IOS "Repeat count [5]"
  readonly size: number; // IOS "Datagram size [100]": the whole IP packet
  readonly timeout: number; // seconds, IOS "Timeout in seconds [2]"
  readonly source?: string;
}

export interface PingResult {
  readonly destination: string;
  readonly size: number;
  readonly timeout: number;
  /** One entry per echo: round-trip time in seconds, or undefined for a timeout. */
  readonly replies: readonly (number | undefined)[];
}

export const DEFAULT_PING: PingOptions = { count: 5, size: 100, timeout: 2 };

export class VirtualHost extends VirtualNode {
  echoRequestsAnswered = 0;
  private readonly waiting = new Map<string, (time: number) => void>();
  private nextIdentifier = 1;

  constructor(
    name: string,
    private readonly scheduler: VirtualScheduler,
  ) {
    super(name);
  }

  get address(): string {
    const first = this.interfaces[0];
    if (first === undefined) throw new Error(`host ${this.name} has no interface`);
    return first.address;
  }

  /** Starts a ping; `done` runs in virtual time once every echo has a reply or timed out. */
  ping(destination: string, options: PingOptions, done: (result: PingResult) => void): void {
    const identifier = this.nextIdentifier++ & 0xffff;
    const replies: (number | undefined)[] = [];
    const source = options.source ?? this.address;
    const dataLength = Math.max(0, options.size - 28);
    const sendOne = (sequence: number): void => {
      if (sequence >= options.count) {
        done({ destination, size: options.size, timeout: options.timeout, replies });
        return;
      }
      const data = new Uint8Array(dataLength);
      for (let i = 0; i < dataLength; i++) data[i] = i % 2 === 0 ? 0xab : 0xcd; // IOS pattern 0xABCD
      const sentAt = this.scheduler.now();
      const key = `${identifier}/${sequence}`;
      let finished = false;
      const timer = this.scheduler.after(options.timeout, () => {
        if (finished) return;
        finished = true;
        this.waiting.delete(key);
        replies.push(undefined);
        sendOne(sequence + 1);
      });
      this.waiting.set(key, (time) => {
        if (finished) return;
        finished = true;
        timer.cancel();
        this.waiting.delete(key);
        replies.push(time - sentAt);
        sendOne(sequence + 1);
      });
      const packet = buildIpv4({
        source,
        destination,
        protocol: IPPROTO_ICMP,
        identification: this.nextIdentification(),
        payload: buildIcmpEcho(true, identifier, sequence, data),
      });
      this.route(destination, packet);
    };
    sendOne(0);
  }

  protected receive(_iface: NodeInterface, packet: Uint8Array): void {
    const header = parsed(() => parseIpv4(packet));
    if (header === undefined || header.protocol !== IPPROTO_ICMP) return;
    const source = ipv4ToText(header.source);
    const destination = ipv4ToText(header.destination);
    if (!this.ownsAddress(destination)) return;
    const echo = parseIcmpEcho(header.payload);
    if (echo === undefined) return;
    if (echo.request) {
      this.echoRequestsAnswered++;
      const reply = buildIpv4({
        source: destination,
        destination: source,
        protocol: IPPROTO_ICMP,
        identification: this.nextIdentification(),
        payload: buildIcmpEcho(false, echo.identifier, echo.sequence, echo.data),
      });
      this.route(source, reply);
    } else {
      this.waiting.get(`${echo.identifier}/${echo.sequence}`)?.(this.scheduler.now());
    }
  }
}
