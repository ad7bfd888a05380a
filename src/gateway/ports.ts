// The two engines as the gateway drives them. The IKE side is the IKE manager's own
// signature (src/ike/types.ts); the data-plane side is the narrow surface the gateway uses,
// implemented over src/ipsec by dataPlaneAdapter.ts (and by small fakes in tests).

import type { DhResult } from '../crypto/index.js';
import type {
  AcquireRequest,
  ClearFilter,
  IkeAction,
  IkeDatagram,
  IkeSaInfo,
  IpsecSaInfo,
  XauthOutcome,
} from '../ike/types.js';
import type { IkeCounters } from '../ike/manager.js';
import type { CertifiedKey } from '../ike/certifiedKeys.js';
import type { KeyMaterial } from './certificates.js';
import type { Ikev2SaInfo } from '../ikev2/engine.js';
import type { DiscoverRequest } from '../ike/ted.js';
import type { SpdRule } from '../ipsec/spd.js';
import type { RouterConfig } from '../policy/model.js';
import type { IpsecSa } from '../policy/sa.js';

export interface IkeEngine {
  receive(datagram: IkeDatagram, now: number): IkeAction[];
  acquire(request: AcquireRequest, now: number): IkeAction[];
  tick(now: number): IkeAction[];
  nextDeadline(): number | undefined;
  clearIpsec(filter: ClearFilter | undefined, now: number): IkeAction[];
  clearIsakmp(filter: ClearFilter | undefined, now: number): IkeAction[];
  /** `clear crypto ikev2 sa`, when the engine runs IKEv2. */
  clearIkev2?(filter: ClearFilter | undefined, now: number): IkeAction[];
  listIkeSas(now: number): readonly IkeSaInfo[];
  listIpsecSas(now: number): readonly IpsecSaInfo[];
  /** The IKEv2 SAs (`show crypto ikev2 sa`), when the engine runs IKEv2. */
  listIkev2Sas?(now: number): readonly Ikev2SaInfo[];
  /** Retransmissions, duplicates, drops (`typeswan counters`). */
  readonly counters?: Readonly<IkeCounters>;
  /** The data plane reached a soft lifetime on an SA: negotiate its replacement. */
  rekeyRequest?(spi: number, now: number): IkeAction[];
  /** An IPsec SA with `peer` carried a packet (on-demand DPD needs the last inbound one). */
  trafficSeen?(peer: string, direction: 'inbound' | 'outbound', now: number): boolean;
  /** ESP/AH from `peer` with an SPI the data plane does not hold (INVALID-SPI recovery). */
  invalidSpi?(peer: string, spi: number, protocol: 'esp' | 'ah', now: number): IkeAction[];
  /** A reloaded configuration: deletes the SAs of removed entries and peers (with DELETEs). */
  reconfigure?(config: RouterConfig, now: number): IkeAction[];
  /** Key pairs re-read from the key store at a reload, used from the next reconfigure on. */
  useKeys?(keys: KeyMaterial): void;
  /** Traffic of a `discover` entry: find the gateway protecting its destination (TED). */
  discover?(request: DiscoverRequest, now: number): IkeAction[];
  /** The AAA verdict on the credentials of an `xauthVerify` action. */
  xauthResult?(connId: number, request: number, outcome: XauthOutcome, now: number): IkeAction[];
  /** The result of a `dh` action (undefined: refused, the queue was full). */
  dhResult?(id: number, result: DhResult | undefined, now: number): IkeAction[];
  /** Peers' keys from validated certificates (`show crypto key pubkey-chain rsa`, code C). */
  certifiedKeys?(): readonly CertifiedKey[];
}

/** Where a protected packet leaves: raw ESP/AH, or ESP in UDP 4500 (RFC 3948). */
export type DataPlaneOutput =
  | { readonly kind: 'send'; readonly packet: Uint8Array; readonly spi: number }
  | {
      readonly kind: 'sendUdp';
      readonly srcAddress: string;
      readonly srcPort: number;
      readonly dstAddress: string;
      readonly dstPort: number;
      /** The ESP message (no non-ESP marker: ESP starts with a non-zero SPI). */
      readonly data: Uint8Array;
      readonly spi: number;
    }
  | { readonly kind: 'deliver'; readonly packet: Uint8Array; readonly spi: number }
  | { readonly kind: 'bypass'; readonly packet: Uint8Array }
  | {
      readonly kind: 'drop';
      readonly reason: string;
      readonly spi?: number;
      readonly direction: 'inbound' | 'outbound';
      readonly unknownSpi?: { readonly peer: string; readonly protocol: 'esp' | 'ah' };
    }
  | { readonly kind: 'acquire'; readonly ruleIndex: number; readonly packet: Uint8Array }
  | { readonly kind: 'icmp'; readonly packet: Uint8Array; readonly reason: string }
  | { readonly kind: 'rekey'; readonly spi: number; readonly direction: 'inbound' | 'outbound' }
  /** Hard lifetime reached: the data plane has removed the SA. */
  | {
      readonly kind: 'expired';
      readonly spi: number;
      readonly direction: 'inbound' | 'outbound';
      readonly reason: string;
    };

export interface DataPlaneCounters {
  readonly encaps: number;
  readonly encrypt: number;
  readonly digest: number;
  readonly decaps: number;
  readonly decrypt: number;
  readonly verify: number;
  readonly sendErrors: number;
  readonly recvErrors: number;
  readonly bytes: number;
  /** IPComp inside ESP (absent: none). */
  readonly compressed?: number;
  readonly notCompressed?: number;
  readonly comprFailed?: number;
  readonly decompressed?: number;
  readonly decompressFailed?: number;
}

export interface DataPlane {
  setPolicy(rules: readonly SpdRule[]): void;
  /** One rule after all the others (setPolicy with it appended, without recompiling the rest). */
  appendPolicy?(rule: SpdRule): void;
  installSa(sa: IpsecSa, now: number): void;
  removeSa(protocol: 'esp' | 'ah', spi: number, destination: string): void;
  /** A cleartext packet from the protected side. */
  outbound(packet: Uint8Array, now: number): DataPlaneOutput[];
  /** A whole IPv4 packet whose protocol is ESP or AH. */
  inbound(packet: Uint8Array, now: number): DataPlaneOutput[];
  /** An ESP message that arrived in UDP (marker already checked: it is not IKE). */
  inboundUdp(
    datagram: { srcAddress: string; srcPort: number; dstAddress: string; dstPort: number; data: Uint8Array },
    now: number,
  ): DataPlaneOutput[];
  tick(now: number): DataPlaneOutput[];
  nextDeadline(): number | undefined;
  counters(spi: number, direction: 'inbound' | 'outbound'): DataPlaneCounters | undefined;
}
