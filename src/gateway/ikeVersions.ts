// IKEv1 and IKEv2 behind the one engine surface the gateway drives (ports.ts IkeEngine): a
// datagram goes to the engine its header's major version names (RFC 7296 §3.1: octet 17),
// traffic of a crypto map entry with `set ikev2-profile` starts IKEv2, and both engines'
// timers and clears run together. IKEv2's log lines go to `log`.

import type { DhResult } from '../crypto/index.js';
import type { IkeCounters } from '../ike/manager.js';
import type { DiscoverRequest } from '../ike/ted.js';
import type { AcquireRequest, ClearFilter, IkeAction, IkeDatagram, XauthOutcome } from '../ike/types.js';
import type { Ikev2Action, Ikev2Engine, Ikev2SaInfo, Ikev2SaKeys } from '../ikev2/engine.js';
import { ikev2Peers } from '../ikev2/fromConfig.js';
import type { RouterConfig } from '../policy/model.js';
import type { IkeEngine } from './ports.js';

export type Ikev2Log = (level: 'info' | 'warning' | 'debug', message: string) => void;

export interface IkeVersionsOptions {
  /** IKEv2's log lines. */
  readonly log?: Ikev2Log;
  /** An IKEv2 SA's keys, for `--keylog`. */
  readonly onKeys?: (keys: Ikev2SaKeys) => void;
}

/** The header's version octet: 0x20 for IKEv2, 0x10 for IKEv1. */
export function ikeMajorVersion(data: Uint8Array): number {
  return data.length > 17 ? (data[17] ?? 0) >>> 4 : 0;
}

export class IkeVersions implements IkeEngine {
  constructor(
    readonly v1: IkeEngine,
    readonly v2: Ikev2Engine,
    private readonly options: IkeVersionsOptions = {},
  ) {}

  private v2Actions(actions: readonly Ikev2Action[]): IkeAction[] {
    const out: IkeAction[] = [];
    for (const a of actions) {
      if (a.kind === 'log') this.options.log?.(a.level, a.message);
      else if (a.kind === 'keys') this.options.onKeys?.(a.keys);
      else out.push(a);
    }
    return out;
  }

  receive(datagram: IkeDatagram, now: number): IkeAction[] {
    if (ikeMajorVersion(datagram.data) === 2) return this.v2Actions(this.v2.receive(datagram, now));
    return this.v1.receive(datagram, now);
  }

  acquire(request: AcquireRequest, now: number): IkeAction[] {
    const peer = request.peer ?? request.cryptoMapEntry?.peers[0];
    if (request.cryptoMapEntry?.ikev2Profile !== undefined && peer !== undefined) {
      return this.v2Actions(this.v2.initiate(peer, now));
    }
    return this.v1.acquire(request, now);
  }

  tick(now: number): IkeAction[] {
    return [...this.v1.tick(now), ...this.v2Actions(this.v2.tick(now))];
  }

  nextDeadline(): number | undefined {
    const both = [this.v1.nextDeadline(), this.v2.nextDeadline()].filter((d): d is number => d !== undefined);
    return both.length ? Math.min(...both) : undefined;
  }

  /** `clear crypto sa`: IPsec SAs of both versions, IKEv2's by INFORMATIONAL DELETEs. */
  clearIpsec(filter: ClearFilter | undefined, now: number): IkeAction[] {
    const v2 = filter?.connId === undefined ? this.v2.deleteChildren(now, filter?.peer) : [];
    return [...this.v1.clearIpsec(filter, now), ...this.v2Actions(v2)];
  }

  /** `clear crypto isakmp`: IKEv1 only, as in IOS. */
  clearIsakmp(filter: ClearFilter | undefined, now: number): IkeAction[] {
    return this.v1.clearIsakmp(filter, now);
  }

  /** `clear crypto ikev2 sa [peer A]`: IKEv2 SAs and their children, with a DELETE. */
  clearIkev2(filter: ClearFilter | undefined, now: number): IkeAction[] {
    const ids = this.v2
      .list(now)
      .filter((s) => filter?.peer === undefined || s.peerAddress === filter.peer)
      .map((s) => s.id);
    return this.v2Actions(ids.flatMap((id) => this.v2.deleteSas(now, id)));
  }

  listIkeSas(now: number) {
    return this.v1.listIkeSas(now);
  }

  listIpsecSas(now: number) {
    return this.v1.listIpsecSas(now);
  }

  listIkev2Sas(now: number): readonly Ikev2SaInfo[] {
    return this.v2.list(now);
  }

  get counters(): Readonly<IkeCounters> | undefined {
    return this.v1.counters;
  }

  rekeyRequest(spi: number, now: number): IkeAction[] {
    const v2 = this.v2.rekeyChild(spi, now);
    if (v2 !== undefined) return this.v2Actions(v2);
    return this.v1.rekeyRequest?.(spi, now) ?? [];
  }

  trafficSeen(peer: string, direction: 'inbound' | 'outbound', now: number): boolean {
    return this.v1.trafficSeen?.(peer, direction, now) ?? false;
  }

  invalidSpi(peer: string, spi: number, protocol: 'esp' | 'ah', now: number): IkeAction[] {
    return this.v1.invalidSpi?.(peer, spi, protocol, now) ?? [];
  }

  /** IKEv1's reconfigure, and the reloaded IKEv2 profiles, keyrings and proposals. */
  reconfigure(config: RouterConfig, now: number): IkeAction[] {
    return [
      ...(this.v1.reconfigure?.(config, now) ?? []),
      ...this.v2Actions(this.v2.setPeers(ikev2Peers(config), now)),
    ];
  }

  discover(request: DiscoverRequest, now: number): IkeAction[] {
    return this.v1.discover?.(request, now) ?? [];
  }

  xauthResult(connId: number, request: number, outcome: XauthOutcome, now: number): IkeAction[] {
    return this.v1.xauthResult?.(connId, request, outcome, now) ?? [];
  }

  dhResult(id: number, result: DhResult | undefined, now: number): IkeAction[] {
    return this.v1.dhResult?.(id, result, now) ?? [];
  }
}
