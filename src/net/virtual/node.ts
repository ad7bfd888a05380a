// What every virtual box shares: interfaces on segments, a connected-subnet + default-route
// lookup, and an IPv4 identification counter.

import { netmaskPrefix } from '../../packet/address.js';
import { inSubnet, ipToNumber } from './ip.js';
import type { Segment } from './segment.js';

export interface NodeInterface {
  readonly name: string;
  readonly address: string;
  readonly mask: string;
  readonly segment: Segment;
}

export interface Route {
  readonly network: string;
  readonly mask: string;
  readonly nextHop: string;
}

export abstract class VirtualNode {
  readonly interfaces: NodeInterface[] = [];
  readonly routes: Route[] = [];
  private identification = 0;
  /** Packets this node could not route anywhere. */
  unroutable = 0;

  constructor(readonly name: string) {}

  addInterface(name: string, address: string, mask: string, segment: Segment): NodeInterface {
    const iface: NodeInterface = { name, address, mask, segment };
    this.interfaces.push(iface);
    segment.attach({ address, deliver: (packet) => this.receive(iface, packet) });
    return iface;
  }

  /** `ip route NETWORK MASK NEXTHOP`; 0.0.0.0 0.0.0.0 is the default route. */
  addRoute(network: string, mask: string, nextHop: string): void {
    this.routes.push({ network, mask, nextHop });
  }

  ownsAddress(address: string): boolean {
    return this.interfaces.some((i) => i.address === address);
  }

  interfaceNamed(name: string): NodeInterface | undefined {
    return this.interfaces.find((i) => i.name === name);
  }

  nextIdentification(): number {
    this.identification = (this.identification + 1) & 0xffff;
    return this.identification;
  }

  /** Sends an IPv4 packet toward `destination`: connected subnets first, then routes (longest mask). */
  route(destination: string, packet: Uint8Array): boolean {
    for (const iface of this.interfaces) {
      if (inSubnet(destination, iface.address, iface.mask)) {
        iface.segment.transmit(destination, packet);
        return true;
      }
    }
    let best: Route | undefined;
    for (const route of this.routes) {
      if (!inSubnet(destination, route.network, route.mask)) continue;
      if (best === undefined || maskBits(route.mask) > maskBits(best.mask)) best = route;
    }
    if (best !== undefined) {
      for (const iface of this.interfaces) {
        if (inSubnet(best.nextHop, iface.address, iface.mask)) {
          iface.segment.transmit(best.nextHop, packet);
          return true;
        }
      }
    }
    this.unroutable++;
    return false;
  }

  protected abstract receive(iface: NodeInterface, packet: Uint8Array): void;
}

function maskBits(mask: string): number {
  return netmaskPrefix(ipToNumber(mask)) ?? 0;
}
