// The gateway's DataPlane port over src/ipsec's DataPlane: maps its actions onto the
// gateway's outputs, rebuilds the IPv4+UDP packet for ESP that arrived on a UDP socket, and
// remembers each SA's destination so counters can be looked up by SPI and direction.

import {
  DataPlane as IpsecDataPlane,
  Spd,
  type DataPlaneAction,
  type DataPlaneOptions,
  type SpdRule,
} from '../ipsec/index.js';
import { isEspBatchCrypto, type EspBatchCrypto } from '../ipsec/espCrypto.js';
import { nativeAddon } from '../net/host/native.js';
import { buildUdpPacket } from '../net/virtual/ip.js';
import type { IpsecSa } from '../policy/sa.js';
import type { DataPlane, DataPlaneCounters, DataPlaneOutput } from './ports.js';

/** While SAs are installed the gateway ticks at least this often (seconds); the data plane's
 * tick only looks at the lifetimes that are due, so the cadence costs nothing per SA. */
const TICK_INTERVAL = 1;

/** The addon's batched ESP crypto, or why there is none (not built, not Linux, an addon
 * built before it had ESP crypto). */
export function loadEspCrypto(): EspBatchCrypto | string {
  try {
    const addon: unknown = nativeAddon();
    return isEspBatchCrypto(addon)
      ? addon
      : 'the native addon has no ESP crypto (rebuild it with `npm install`)';
  } catch (e) {
    return (e as Error).message;
  }
}

let espCrypto: EspBatchCrypto | null | undefined;

/** The native ESP crypto, loaded once; without it (or with TYPESWAN_NATIVE_CRYPTO=0) every
 * SA takes the reference path, and the first data plane says so once. */
function defaultEspCrypto(): EspBatchCrypto | undefined {
  if (espCrypto !== undefined) return espCrypto ?? undefined;
  espCrypto = null;
  if (process.env.TYPESWAN_NATIVE_CRYPTO === '0') return undefined;
  const loaded = loadEspCrypto();
  if (typeof loaded === 'string')
    process.emitWarning(`ESP runs on the slower TypeScript path: ${loaded}`, {
      code: 'TYPESWAN_NO_NATIVE_CRYPTO',
    });
  else espCrypto = loaded;
  return espCrypto ?? undefined;
}

export class DataPlaneAdapter implements DataPlane {
  private readonly engine: IpsecDataPlane;
  private rules: SpdRule[] = [];
  private spd = Spd.fromRules([]);
  private readonly sas = new Map<string, IpsecSa>();
  private lastTick = 0;

  constructor(options: DataPlaneOptions = {}) {
    this.engine = new IpsecDataPlane({ ...options, espCrypto: options.espCrypto ?? defaultEspCrypto() });
  }

  setPolicy(rules: readonly SpdRule[]): void {
    this.rules = [...rules];
    this.spd = Spd.fromRules(rules);
    this.engine.setSpd(this.spd);
  }

  appendPolicy(rule: SpdRule): void {
    this.rules.push(rule);
    this.spd.append(rule);
  }

  installSa(sa: IpsecSa, now: number): void {
    this.engine.installSa(sa, now);
    this.sas.set(`${sa.direction}/${sa.spi}`, sa);
    if (this.sas.size === 1) this.lastTick = now;
  }

  removeSa(protocol: 'esp' | 'ah', spi: number, destination: string): void {
    this.engine.removeSa(spi, protocol, destination);
    for (const direction of ['inbound', 'outbound'] as const) {
      const sa = this.sas.get(`${direction}/${spi}`);
      if (sa !== undefined && sa.destination === destination && sa.protocol === protocol)
        this.sas.delete(`${direction}/${spi}`);
    }
  }

  outbound(packet: Uint8Array, now: number): DataPlaneOutput[] {
    return this.map(this.engine.outbound(packet, now), 'outbound', packet);
  }

  inbound(packet: Uint8Array, now: number): DataPlaneOutput[] {
    return this.map(this.engine.inbound(packet, now), 'inbound', packet);
  }

  inboundUdp(
    d: { srcAddress: string; srcPort: number; dstAddress: string; dstPort: number; data: Uint8Array },
    now: number,
  ): DataPlaneOutput[] {
    const packet = buildUdpPacket(d.srcAddress, d.dstAddress, d.srcPort, d.dstPort, d.data);
    return this.map(this.engine.inbound(packet, now), 'inbound', packet);
  }

  tick(now: number): DataPlaneOutput[] {
    this.lastTick = now;
    return this.map(this.engine.tick(now), 'outbound', new Uint8Array(0));
  }

  nextDeadline(): number | undefined {
    const lifetime = this.engine.nextDeadline();
    if (this.sas.size === 0) return lifetime;
    const cadence = this.lastTick + TICK_INTERVAL;
    return lifetime === undefined ? cadence : Math.min(lifetime, cadence);
  }

  counters(spi: number, direction: 'inbound' | 'outbound'): DataPlaneCounters | undefined {
    const sa = this.sas.get(`${direction}/${spi}`);
    return sa === undefined ? undefined : this.engine.counters(spi, sa.protocol, sa.destination);
  }

  private map(
    actions: readonly DataPlaneAction[],
    direction: 'inbound' | 'outbound',
    packet: Uint8Array,
  ): DataPlaneOutput[] {
    const out: DataPlaneOutput[] = [];
    for (const a of actions) {
      switch (a.kind) {
        case 'send':
          if (
            a.transport?.protocol === 17 &&
            a.transport.sourcePort !== undefined &&
            a.transport.destinationPort !== undefined
          ) {
            out.push({
              kind: 'sendUdp',
              srcAddress: a.transport.source,
              srcPort: a.transport.sourcePort,
              dstAddress: a.transport.destination,
              dstPort: a.transport.destinationPort,
              data: a.transport.payload,
              spi: a.spi ?? 0,
            });
          } else {
            out.push({ kind: 'send', packet: a.packet, spi: a.spi ?? 0 });
          }
          break;
        case 'deliver':
          out.push({ kind: 'deliver', packet: a.packet, spi: a.spi ?? 0 });
          break;
        case 'bypass':
          out.push({ kind: 'bypass', packet: a.packet });
          break;
        case 'drop':
          // The acquire that accompanies a no-SA drop is what the gateway counts.
          if (a.reason !== 'no-sa')
            out.push({
              kind: 'drop',
              reason: a.detail === undefined ? a.reason : `${a.reason}: ${a.detail}`,
              direction,
              ...(a.spi !== undefined ? { spi: a.spi } : {}),
              ...(a.unknownSpi ? { unknownSpi: a.unknownSpi } : {}),
            });
          break;
        case 'acquire':
          out.push({ kind: 'acquire', ruleIndex: this.rules.indexOf(a.rule), packet });
          break;
        case 'icmp':
          out.push({ kind: 'icmp', packet: a.packet, reason: `fragmentation needed (mtu ${a.nextHopMtu})` });
          break;
        case 'rekey':
          out.push({ kind: 'rekey', spi: a.sa.spi, direction: a.sa.direction });
          break;
        case 'expired':
          this.sas.delete(`${a.sa.direction}/${a.sa.spi}`);
          out.push({ kind: 'expired', spi: a.sa.spi, direction: a.sa.direction, reason: a.reason });
          break;
        case 'ike':
          // IKE on 4500 arrives through the UDP endpoint, never through the raw socket.
          out.push({ kind: 'drop', reason: 'IKE on the raw path', direction });
          break;
      }
    }
    return out;
  }
}
