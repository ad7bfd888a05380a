// A router in the virtual network: the adapters a gateway drives (UDP 500/4500 endpoints, a
// raw ESP/AH endpoint, a packet tunnel toward its LANs), plus forwarding and ICMP echo.
// Packets for networks routed "into the tunnel" go to the PacketTunnel's handler (the
// gateway); what the gateway writes back is forwarded like any packet.

import type { OutsideTap, PacketTunnel, RawIpEndpoint, UdpDatagram, UdpEndpoint } from '../types.js';
import {
  buildIcmpEcho,
  IPPROTO_GRE,
  IPPROTO_ICMP,
  IPPROTO_UDP,
  ipv4ToText,
  parseIpv4,
  parseUdp,
} from '../../packet/index.js';
import {
  buildIpv4,
  buildUdpPacket,
  inSubnet,
  ipToNumber,
  IPPROTO_AH,
  IPPROTO_ESP,
  parseIcmpEcho,
  parsed,
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
  private readonly ikeCaptures: { network: string; mask: string }[] = [];
  /** GRE tunnel interfaces: their handler (the gateway) and line protocol. */
  private readonly tunnelInterfaces = new Map<
    string,
    { handler: ((packet: Uint8Array) => void) | undefined; up: boolean }
  >();
  /** `ip route NETWORK MASK TunnelN [DISTANCE]`: used while the tunnel's line protocol is up. */
  private readonly interfaceRoutes: { network: string; mask: string; iface: string; distance: number }[] = [];
  /** Packets each tunnel interface took, by name. */
  readonly tunnelInterfaceCounts = new Map<string, number>();

  /**
   * A static route to a tunnel interface. The route with the longest mask, then the lowest
   * distance, among those whose interface is up, wins (IOS removes the static routes of an
   * interface whose line protocol is down, so a floating route with a higher distance takes over).
   */
  addInterfaceRoute(network: string, mask: string, iface: string, distance = 1): void {
    this.interfaceRoutes.push({ network, mask, iface: iface.toLowerCase(), distance });
  }

  /** The packet tunnel of GRE interface `name` (starts up: IOS brings a configured tunnel up). */
  tunnelInterface(name: string): PacketTunnel {
    const key = name.toLowerCase();
    const state = { handler: undefined as ((packet: Uint8Array) => void) | undefined, up: true };
    this.tunnelInterfaces.set(key, state);
    return {
      name,
      writePacket: (packet) => {
        this.counters.fromTunnel++;
        this.forward(packet, true);
      },
      onPacket: (handler) => {
        state.handler = handler;
      },
      setLinkUp: (up) => {
        state.up = up;
      },
      close: () => {
        state.handler = undefined;
      },
    };
  }

  /** The tunnel interface a packet for `destination` is routed to, if any. */
  tunnelInterfaceFor(destination: string): string | undefined {
    let best: { mask: number; distance: number; iface: string } | undefined;
    for (const r of this.interfaceRoutes) {
      if (!inSubnet(destination, r.network, r.mask) || this.tunnelInterfaces.get(r.iface)?.up !== true)
        continue;
      const mask = ipToNumber(r.mask);
      if (best === undefined || mask > best.mask || (mask === best.mask && r.distance < best.distance))
        best = { mask, distance: r.distance, iface: r.iface };
    }
    return best?.iface;
  }

  /** Traffic to `network`/`mask` is handed to the packet tunnel (the gateway) instead of routed. */
  addTunnelRoute(network: string, mask: string): void {
    this.tunnelRoutes.push({ network, mask });
  }

  /**
   * UDP 500 arriving for `network`/`mask` goes to the packet tunnel (the gateway), as IOS takes
   * a TED probe for a network it protects off its interface (and on Linux an `ip rule` does).
   */
  captureIke(network: string, mask: string): void {
    this.ikeCaptures.push({ network, mask });
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
        const header = parsed(() => parseIpv4(packet));
        if (header === undefined) {
          this.counters.malformed++;
          return;
        }
        this.route(ipv4ToText(header.destination), packet);
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

  /** NAT's view of the interfaces: every arriving packet is offered to it first. */
  outsideTap(): OutsideTap {
    return {
      onPacket: (handler) => {
        this.outsideHandler = handler;
      },
      close: () => {
        this.outsideHandler = undefined;
      },
    };
  }

  private outsideHandler: ((packet: Uint8Array) => boolean) | undefined;

  protected receive(_iface: NodeInterface, packet: Uint8Array): void {
    if (this.outsideHandler?.(packet) === true) return;
    this.forward(packet, true);
  }

  private forward(packet: Uint8Array, mayTunnel: boolean): void {
    const header = parsed(() => parseIpv4(packet));
    if (header === undefined) {
      this.counters.malformed++;
      return;
    }
    const destination = ipv4ToText(header.destination);
    if (this.ownsAddress(destination)) {
      this.local(packet, ipv4ToText(header.source), destination, header.protocol, header.payload);
      return;
    }
    const viaTunnel = this.tunnelInterfaceFor(destination);
    if (viaTunnel !== undefined) {
      const handler = this.tunnelInterfaces.get(viaTunnel)?.handler;
      if (handler === undefined) {
        this.counters.tunnelNoHandler++;
        return;
      }
      this.tunnelInterfaceCounts.set(viaTunnel, (this.tunnelInterfaceCounts.get(viaTunnel) ?? 0) + 1);
      handler(packet);
      return;
    }
    const captured =
      mayTunnel &&
      header.protocol === IPPROTO_UDP &&
      this.ikeCaptures.some((r) => inSubnet(destination, r.network, r.mask)) &&
      parsed(() => parseUdp(header.payload))?.destinationPort === 500;
    if (captured || (mayTunnel && this.tunnelRoutes.some((r) => inSubnet(destination, r.network, r.mask)))) {
      if (this.tunnelHandler === undefined) {
        this.counters.tunnelNoHandler++;
        return;
      }
      this.counters.toTunnel++;
      this.tunnelHandler(packet);
      return;
    }
    this.counters.forwarded++;
    this.route(destination, packet);
  }

  private local(
    packet: Uint8Array,
    source: string,
    destination: string,
    protocol: number,
    payload: Uint8Array,
  ): void {
    if (protocol === IPPROTO_UDP) {
      const udp = parsed(() => parseUdp(payload));
      if (udp === undefined) {
        this.counters.malformed++;
        return;
      }
      const handler = this.udpHandlers.get(`${destination}:${udp.destinationPort}`);
      if (handler === undefined) {
        this.counters.udpNoListener++;
        return;
      }
      this.counters.udpDelivered++;
      handler({
        srcAddress: source,
        srcPort: udp.sourcePort,
        dstAddress: destination,
        dstPort: udp.destinationPort,
        data: Uint8Array.from(udp.payload),
      });
      return;
    }
    if (protocol === IPPROTO_ESP || protocol === IPPROTO_AH || protocol === IPPROTO_GRE) {
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
      if (echo === undefined || !echo.request) return;
      this.counters.echoAnswered++;
      this.originate(
        buildIpv4({
          source: destination,
          destination: source,
          protocol: IPPROTO_ICMP,
          identification: this.nextIdentification(),
          payload: buildIcmpEcho(false, echo.identifier, echo.sequence, echo.data),
        }),
      );
    }
  }
}
