// What the IKE engine hands to the data plane (through the gateway, never by import):
// one negotiated IPsec SA in one direction, with its keys. The IKE engine produces these in
// inbound/outbound pairs (one pair per protocol of a bundle: AH+ESP gives two pairs).

import type { IpsecMode, TrafficSelector } from './model.js';
import type { IpcompAlgorithm } from './ipcomp.js';

export type EspCipher =
  | 'des-cbc'
  | '3des-cbc'
  | 'aes-cbc' // keyBits 128 | 192 | 256
  | 'aes-ctr' // RFC 3686: key material carries a 4-byte nonce after the key
  | 'aes-gcm-8' // RFC 4106: key material carries a 4-byte salt after the key
  | 'aes-gcm-12'
  | 'aes-gcm-16'
  | 'null';

export type IntegrityAlg =
  'hmac-md5-96' | 'hmac-sha1-96' | 'hmac-sha256-128' | 'hmac-sha384-192' | 'hmac-sha512-256' | 'none';

/** RFC 3948 UDP encapsulation, with the ports seen after NAT (the peer's may be translated). */
export interface UdpEncapsulation {
  readonly localPort: number;
  readonly remotePort: number;
  /** NAT-OA (RFC 3947 §5.2) of the peer, for the transport-mode checksum fix-up. */
  readonly originalRemoteAddress?: string;
  readonly originalLocalAddress?: string;
}

export interface IpsecSa {
  readonly protocol: 'esp' | 'ah';
  readonly direction: 'inbound' | 'outbound';
  readonly spi: number; // uint32, chosen by the receiver of this SA's traffic
  readonly mode: IpsecMode;
  /** Outer addresses: for outbound, local -> peer; for inbound, peer -> local. */
  readonly source: string;
  readonly destination: string;
  /** ESP only; AH leaves it undefined. */
  readonly cipher?: EspCipher;
  readonly cipherKeyBits?: number; // for aes-*: 128 | 192 | 256
  /** Encryption key material (with the CTR nonce / GCM salt appended where the RFC says). */
  readonly encryptionKey?: Uint8Array;
  readonly integrity: IntegrityAlg;
  readonly integrityKey?: Uint8Array;
  /** From the view of the router holding the SA: local = our protected side. */
  readonly selector: TrafficSelector;
  readonly lifetime: { readonly seconds: number; readonly kilobytes: number };
  readonly udpEncapsulation?: UdpEncapsulation;
  readonly extendedSequenceNumbers?: boolean;
  /** PFS group used for this SA's keys, if any (for `show crypto ipsec sa`). */
  readonly pfsGroup?: number;
  /** Name of the crypto map entry and transform set it came from (for `show`). */
  readonly cryptoMap?: string;
  readonly transformSet?: string;
  /** ESP only: IPComp (RFC 3173) inside this SA; inbound, the CPI we chose, outbound, the peer's. */
  readonly ipcomp?: { readonly algorithm: IpcompAlgorithm; readonly cpi: number };
}

/** One negotiated protocol of a quick mode: both directions. */
export interface IpsecSaPair {
  readonly inbound: IpsecSa;
  readonly outbound: IpsecSa;
}
