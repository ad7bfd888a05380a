// ESP (IP protocol 50) and AH (51) to and from peers without NAT, over raw IPv4 sockets. This
// kernel has no ESP/AH of its own, so nothing else consumes these packets.

import type { RawIpEndpoint } from '../types.js';
import { WriteBatcher } from './batch.js';
import { nativeAddon, splitBatch, type NativeReader } from './native.js';

export const IPPROTO_ESP = 50;
export const IPPROTO_AH = 51;

/** SO_MARK of our raw sockets: `ip rule fwmark` keeps their packets out of the TUN routes. */
export const RAW_SOCKET_MARK = 0x7e57;

/** Packets drained per readiness event, and the largest IPv4 packet a raw socket can deliver. */
const READ_BATCH = 64;
const RAW_SLOT = 65536;

interface RawSocket {
  readonly protocol: number;
  readonly fd: number;
  readonly reader: NativeReader;
  readonly writer: WriteBatcher;
}

export class HostRawIpEndpoint implements RawIpEndpoint {
  private readonly handlers: ((packet: Uint8Array) => void)[] = [];
  private readonly sockets: RawSocket[] = [];
  private closed = false;

  /**
   * Opens one raw socket per protocol, bound to `localAddress` so that only packets addressed
   * to it arrive. Needs CAP_NET_RAW.
   */
  constructor(
    readonly localAddress: string,
    protocols: readonly number[] = [IPPROTO_ESP, IPPROTO_AH],
  ) {
    const addon = nativeAddon();
    try {
      for (const protocol of protocols) {
        const fd = addon.openRaw(protocol, localAddress, RAW_SOCKET_MARK);
        let reader: NativeReader;
        try {
          reader = addon.startReader(fd, READ_BATCH, RAW_SLOT, (buffer, lengths) => {
            for (const packet of splitBatch(buffer, lengths)) {
              for (const handler of this.handlers) handler(packet);
            }
          });
        } catch (error) {
          addon.closeFd(fd);
          throw error;
        }
        const writer = new WriteBatcher((packets) => addon.sendRaw(fd, packets));
        this.sockets.push({ protocol, fd, reader, writer });
      }
    } catch (error) {
      this.close();
      throw error;
    }
  }

  /** Sends a whole IPv4 packet; it leaves on the socket of its own protocol (byte 9). */
  sendPacket(packet: Uint8Array): void {
    if (this.closed || packet.length < 20) return;
    const protocol = packet[9];
    const socket = this.sockets.find((s) => s.protocol === protocol) ?? this.sockets[0];
    socket?.writer.push(packet);
  }

  onPacket(handler: (packet: Uint8Array) => void): void {
    this.handlers.push(handler);
  }

  /** Packets dropped on send since opening (kernel buffer full or refused). */
  get dropped(): number {
    return this.sockets.reduce((sum, s) => sum + s.writer.dropped, 0);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    const addon = nativeAddon();
    for (const socket of this.sockets) {
      socket.writer.flush();
      socket.writer.discard();
      addon.stopReader(socket.reader);
      addon.closeFd(socket.fd);
    }
    this.sockets.length = 0;
  }
}
