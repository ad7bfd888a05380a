// What the `show` commands render: plain data the gateway assembles from the config, the IKE
// engine and its own per-SA counters. The same objects are the `--json` output.

export interface IsakmpSaView {
  readonly dst: string;
  readonly src: string;
  readonly state: string; // QM_IDLE, MM_NO_STATE, ...
  readonly connId: number;
  readonly slot: number;
}

export interface EspSaView {
  readonly spi: number;
  readonly transform: string; // "esp-3des esp-md5-hmac"
  readonly mode: 'tunnel' | 'transport';
  /** RFC 3948 UDP encapsulation (NAT-T): IOS prints "Tunnel UDP-Encaps". */
  readonly udpEncapsulated?: boolean;
  readonly slot: number;
  readonly connId: number;
  readonly flowId: number;
  readonly cryptoMap: string;
  readonly remainingKilobytes: number;
  readonly remainingSeconds: number;
  readonly ivSize: number; // bytes; 0 for AH
  readonly replayDetection: boolean;
  /** An IPComp ("pcp") SA: spi is its CPI; no IV or replay lines. */
  readonly ipcomp?: boolean;
}

export interface SaCounters {
  encaps: number;
  encrypt: number;
  digest: number;
  decaps: number;
  decrypt: number;
  verify: number;
  compressed: number;
  decompressed: number;
  notCompressed: number;
  comprFailed: number;
  decompressFailed: number;
  sendErrors: number;
  recvErrors: number;
}

export function zeroCounters(): SaCounters {
  return {
    encaps: 0,
    encrypt: 0,
    digest: 0,
    decaps: 0,
    decrypt: 0,
    verify: 0,
    compressed: 0,
    decompressed: 0,
    notCompressed: 0,
    comprFailed: 0,
    decompressFailed: 0,
    sendErrors: 0,
    recvErrors: 0,
  };
}

/** One protected flow (a crypto map entry's proxy pair) and its SAs. */
export interface IpsecFlowView {
  readonly interface: string;
  readonly cryptoMap: string;
  readonly localAddress: string;
  readonly localIdent: string; // "10.1.1.0/255.255.255.0/0/0"
  readonly remoteIdent: string;
  readonly currentPeer: string;
  readonly flags: readonly string[]; // ["origin_is_acl"]
  readonly counters: SaCounters;
  readonly remoteAddress: string;
  readonly pathMtu: number;
  readonly mediaMtu: number;
  readonly currentOutboundSpi: number; // 0 when none
  readonly inboundEsp: readonly EspSaView[];
  readonly inboundAh: readonly EspSaView[];
  readonly outboundEsp: readonly EspSaView[];
  readonly outboundAh: readonly EspSaView[];
  /** IPComp SAs, one beside each ESP SA that carries IPComp. */
  readonly inboundPcp?: readonly EspSaView[];
  readonly outboundPcp?: readonly EspSaView[];
}

export interface CryptoMapView {
  readonly map: string;
  readonly seq: number;
  readonly kind: 'ipsec-isakmp' | 'dynamic';
  readonly dynamicMap?: string;
  readonly peers: readonly string[];
  readonly accessList?: { readonly name: string; readonly lines: readonly string[] };
  readonly currentPeer?: string;
  readonly lifetimeKilobytes: number;
  readonly lifetimeSeconds: number;
  readonly pfsGroup?: number;
  readonly transformSets: readonly string[];
  readonly interfaces: readonly string[];
}
