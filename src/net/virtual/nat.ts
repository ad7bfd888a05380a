// A NAT box with port translation (PAT, "ip nat inside source ... overload"): UDP flows and
// ICMP echo from the inside leave with the outside address and a translated port/identifier;
// replies are mapped back. Other protocols (ESP, AH) have no ports and are dropped, which is
// what forces NAT traversal (RFC 3947/3948) to move everything onto UDP 4500.

import {
  buildIcmpEcho,
  IPPROTO_ICMP,
  IPPROTO_UDP,
  ipv4ToText,
  parseIpv4,
  parseUdp,
  type Ipv4Header,
} from '../../packet/index.js';
import { buildIpv4, buildUdp, parseIcmpEcho, parsed } from './ip.js';
import { VirtualNode, type NodeInterface } from './node.js';
import type { VirtualScheduler } from './scheduler.js';

interface Mapping {
  readonly protocol: number;
  readonly insideAddress: string;
  readonly insidePort: number;
  readonly outsidePort: number;
  lastUsed: number;
}

export interface NatCounters {
  translatedOut: number;
  translatedIn: number;
  droppedNoMapping: number;
  droppedProtocol: number;
  droppedTableFull: number;
}

export class VirtualNat extends VirtualNode {
  readonly counters: NatCounters = {
    translatedOut: 0,
    translatedIn: 0,
    droppedNoMapping: 0,
    droppedProtocol: 0,
    droppedTableFull: 0,
  };
  private readonly byInside = new Map<string, Mapping>();
  private readonly byOutside = new Map<string, Mapping>();
  private nextPort: number;

  constructor(
    name: string,
    private readonly scheduler: VirtualScheduler,
    private readonly options: {
      insideInterface: string;
      outsideInterface: string;
      firstPort?: number;
      maxMappings?: number;
      idleTimeout?: number;
    },
  ) {
    super(name);
    this.nextPort = options.firstPort ?? 1024;
  }

  get mappings(): number {
    return this.byInside.size;
  }

  private outside(): NodeInterface {
    const iface = this.interfaceNamed(this.options.outsideInterface);
    if (iface === undefined) throw new Error(`${this.name}: no interface ${this.options.outsideInterface}`);
    return iface;
  }

  protected receive(iface: NodeInterface, packet: Uint8Array): void {
    const header = parsed(() => parseIpv4(packet));
    if (header === undefined) return;
    const destination = ipv4ToText(header.destination);
    if (iface.name === this.options.insideInterface) {
      this.fromInside(header);
    } else if (destination === this.outside().address) {
      this.fromOutside(header);
    } else {
      this.route(destination, packet);
    }
  }

  private portsOf(protocol: number, payload: Uint8Array): { src: number; dst: number } | undefined {
    if (protocol === IPPROTO_UDP) {
      const udp = parsed(() => parseUdp(payload));
      return udp === undefined ? undefined : { src: udp.sourcePort, dst: udp.destinationPort };
    }
    if (protocol === IPPROTO_ICMP) {
      const echo = parseIcmpEcho(payload);
      return echo === undefined ? undefined : { src: echo.identifier, dst: echo.identifier };
    }
    return undefined;
  }

  private fromInside(header: Ipv4Header): void {
    const source = ipv4ToText(header.source);
    const destination = ipv4ToText(header.destination);
    const payload = header.payload;
    const ports = this.portsOf(header.protocol, payload);
    if (ports === undefined) {
      this.counters.droppedProtocol++;
      return;
    }
    this.expire();
    const key = `${header.protocol}/${source}/${ports.src}`;
    let mapping = this.byInside.get(key);
    if (mapping === undefined) {
      if (this.byInside.size >= (this.options.maxMappings ?? 1024)) {
        this.counters.droppedTableFull++;
        return;
      }
      mapping = {
        protocol: header.protocol,
        insideAddress: source,
        insidePort: ports.src,
        outsidePort: this.allocatePort(header.protocol),
        lastUsed: 0,
      };
      this.byInside.set(key, mapping);
      this.byOutside.set(`${header.protocol}/${mapping.outsidePort}`, mapping);
    }
    mapping.lastUsed = this.scheduler.now();
    const outsideAddress = this.outside().address;
    const translated = this.rebuild(
      header.protocol,
      payload,
      outsideAddress,
      destination,
      mapping.outsidePort,
      undefined,
    );
    if (translated === undefined) return;
    this.counters.translatedOut++;
    this.route(
      destination,
      buildIpv4({
        source: outsideAddress,
        destination,
        protocol: header.protocol,
        payload: translated,
        identification: header.identification,
        ttl: header.ttl - 1,
      }),
    );
  }

  private fromOutside(header: Ipv4Header): void {
    const source = ipv4ToText(header.source);
    const payload = header.payload;
    const ports = this.portsOf(header.protocol, payload);
    if (ports === undefined) {
      this.counters.droppedProtocol++;
      return;
    }
    const mapping = this.byOutside.get(`${header.protocol}/${ports.dst}`);
    if (mapping === undefined) {
      this.counters.droppedNoMapping++;
      return;
    }
    mapping.lastUsed = this.scheduler.now();
    const translated = this.rebuild(
      header.protocol,
      payload,
      source,
      mapping.insideAddress,
      undefined,
      mapping.insidePort,
    );
    if (translated === undefined) return;
    this.counters.translatedIn++;
    this.route(
      mapping.insideAddress,
      buildIpv4({
        source,
        destination: mapping.insideAddress,
        protocol: header.protocol,
        payload: translated,
        identification: header.identification,
        ttl: header.ttl - 1,
      }),
    );
  }

  /** The transport payload with a new source port (outbound) or destination port (inbound). */
  private rebuild(
    protocol: number,
    payload: Uint8Array,
    source: string,
    destination: string,
    newSrc: number | undefined,
    newDst: number | undefined,
  ): Uint8Array | undefined {
    if (protocol === IPPROTO_UDP) {
      const udp = parsed(() => parseUdp(payload));
      if (udp === undefined) return undefined;
      return buildUdp(
        source,
        destination,
        newSrc ?? udp.sourcePort,
        newDst ?? udp.destinationPort,
        udp.payload,
      );
    }
    const echo = parseIcmpEcho(payload);
    if (echo === undefined) return undefined;
    const identifier = newSrc ?? newDst ?? echo.identifier;
    return buildIcmpEcho(echo.request, identifier, echo.sequence, echo.data);
  }

  private allocatePort(protocol: number): number {
    for (let tries = 0; tries < 65536; tries++) {
      const port = this.nextPort;
      this.nextPort = this.nextPort >= 65535 ? 1024 : this.nextPort + 1;
      if (!this.byOutside.has(`${protocol}/${port}`)) return port;
    }
    return 0;
  }

  private expire(): void {
    const idle = this.options.idleTimeout ?? 300;
    const now = this.scheduler.now();
    for (const [key, mapping] of this.byInside) {
      if (now - mapping.lastUsed > idle) {
        this.byInside.delete(key);
        this.byOutside.delete(`${mapping.protocol}/${mapping.outsidePort}`);
      }
    }
  }
}
