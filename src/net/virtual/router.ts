// A router in the virtual network: the adapters a gateway drives (UDP 500/4500 endpoints, a
// raw ESP/AH endpoint, a packet tunnel toward its LANs), plus forwarding and ICMP echo.
// Packets for networks routed "into the tunnel" go to the PacketTunnel's handler (the
// gateway); what the gateway writes back is forwarded like any packet.

import type { PacketTunnel, RawIpEndpoint, UdpDatagram, UdpEndpoint } from '../types.js';
import {
  buildIcmpEcho,
  buildIpv4,
  buildUdpPacket,
  ICMP_ECHO_REPLY,
  ICMP_ECHO_REQUEST,
  inSubnet,
  IPPROTO_AH,
  IPPROTO_ESP,
  IPPROTO_ICMP,
  IPPROTO_UDP,
  ipPayloadOf,
  parseIcmpEcho,
  parseIpv4,
  parseUdp,
} from './ip.js';
import { VirtualNode, type NodeInterface } from './node.js';

export interface RouterCounters {
  udpDelivered: number;
  udpNoListener: number;
  rawDelivered: number;
  rawNoListener: number;
  toTunnel: number;
  fromTunnel: number;
  tunnelNoHandler: number;
  forwarded: number;
  echoAnswered: number;
  malformed: number;
}

export class VirtualRouter extends VirtualNode {
  readonly counters: RouterCounters = {
    udpDelivered: 0,
    udpNoListener: 0,
    rawDelivered: 0,
    rawNoListener: 0,
    toTunnel: 0,
    fromTunnel: 0,
    tunnelNoHandler: 0,
    forwarded: 0,
    echoAnswered: 0,
    malformed: 0,
  };
  private readonly udpHandlers = new Map<string, (datagram: UdpDatagram) => void>();
  private readonly rawHandlers = new Map<string, (packet: Uint8Array) => void>();
  private tunnelHandler: ((packet: Uint8Array) => void) | undefined;
  private readonly tunnelRoutes: { network: string; mask: string }[] = [];

  /** Traffic to `network`/`mask` is handed to the packet tunnel (the gateway) instead of routed. */
  addTunnelRoute(network: string, mask: string): void {
    this.tunnelRoutes.push({ network, mask });
  }

  udpEndpoint(localAddress: string, localPort: number): UdpEndpoint {
    const key = `${localAddress}:${localPort}`;
    if (!this.ownsAddress(localAddress))
      throw new Error(`${this.name}: ${localAddress} is not an address of this router`);
    return {
      localAddress,
      localPort,
      send: (dstAddress, dstPort, data) => {
        this.route(dstAddress, buildUdpPacket(localAddress, dstAddress, localPort, dstPort, data));
      },
      onReceive: (handler) => {
        this.udpHandlers.set(key, handler);
      },
      close: () => {
        this.udpHandlers.delete(key);
      },
    };
  }

  rawEndpoint(localAddress: string): RawIpEndpoint {
    return {
      localAddress,
      sendPacket: (packet) => {
        const header = parseIpv4(packet);
        if (header === undefined) {
          this.counters.malformed++;
          return;
        }
        this.route(header.destination, packet);
      },
      onPacket: (handler) => {
        this.rawHandlers.set(localAddress, handler);
      },
      close: () => {
        this.rawHandlers.delete(localAddress);
      },
    };
  }

  packetTunnel(name = 'tunnel0'): PacketTunnel {
    return {
      name,
      writePacket: (packet) => {
        this.counters.fromTunnel++;
        this.forward(packet, false);
      },
      onPacket: (handler) => {
        this.tunnelHandler = handler;
      },
      close: () => {
        this.tunnelHandler = undefined;
      },
    };
  }

  /** A packet the router itself originates (e.g. an echo from its LAN address). */
  originate(packet: Uint8Array): void {
    this.forward(packet, true);
  }

  protected receive(_iface: NodeInterface, packet: Uint8Array): void {
    this.forward(packet, true);
  }

  private forward(packet: Uint8Array, mayTunnel: boolean): void {
    const header = parseIpv4(packet);
    if (header === undefined) {
      this.counters.malformed++;
      return;
    }
    if (this.ownsAddress(header.destination)) {
      this.local(packet, header.source, header.destination, header.protocol, ipPayloadOf(packet, header));
      return;
    }
    if (mayTunnel && this.tunnelRoutes.some((r) => inSubnet(header.destination, r.network, r.mask))) {
      if (this.tunnelHandler === undefined) {
        this.counters.tunnelNoHandler++;
        return;
      }
      this.counters.toTunnel++;
      this.tunnelHandler(packet);
      return;
    }
    this.counters.forwarded++;
    this.route(header.destination, packet);
  }

  private local(
    packet: Uint8Array,
    source: string,
    destination: string,
    protocol: number,
    payload: Uint8Array,
  ): void {
    if (protocol === IPPROTO_UDP) {
      const udp = parseUdp(payload);
      if (udp === undefined) {
        this.counters.malformed++;
        return;
      }
      const handler = this.udpHandlers.get(`${destination}:${udp.dstPort}`);
      if (handler === undefined) {
        this.counters.udpNoListener++;
        return;
      }
      this.counters.udpDelivered++;
      handler({
        srcAddress: source,
        srcPort: udp.srcPort,
        dstAddress: destination,
        dstPort: udp.dstPort,
        data: Uint8Array.from(udp.data),
      });
      return;
    }
    if (protocol === IPPROTO_ESP || protocol === IPPROTO_AH) {
      const handler = this.rawHandlers.get(destination);
      if (handler === undefined) {
        this.counters.rawNoListener++;
        return;
      }
      this.counters.rawDelivered++;
      handler(packet);
      return;
    }
    if (protocol === IPPROTO_ICMP) {
      const echo = parseIcmpEcho(payload);
      if (echo === undefined || echo.type !== ICMP_ECHO_REQUEST) return;
      this.counters.echoAnswered++;
      this.originate(
        buildIpv4({
          source: destination,
          destination: source,
          protocol: IPPROTO_ICMP,
          identification: this.nextIdentification(),
          payload: buildIcmpEcho(ICMP_ECHO_REPLY, echo.identifier, echo.sequence, echo.data),
        }),
      );
    }
  }
}
