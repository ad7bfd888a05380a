// What the data plane asks the gateway to do. The data plane performs no I/O itself.

import type { PacketFlow } from '../packet/flow.js';
import type { IpsecSa } from '../policy/sa.js';
import type { TrafficSelector } from '../policy/model.js';
import type { SpdRule } from './spd.js';
import type { ExpiryReason } from './sa-state.js';

export type DropReason =
  | 'malformed' // not a parseable IP/ESP/AH packet
  | 'policy-discard' // SPD rule says discard
  | 'no-sa' // protect rule, no SA yet (an acquire was emitted)
  | 'unknown-spi' // inbound SPI not in the SAD
  | 'sa-expired' // hard lifetime reached
  | 'sequence-exhausted' // the sender may not wrap (RFC 4303 §3.3.3)
  | 'replay' // anti-replay window
  | 'integrity' // ICV did not verify
  | 'padding' // pad bytes or pad length wrong
  | 'selector' // inner packet does not match the SA's selectors
  | 'policy-unprotected' // cleartext packet that policy says must arrive protected
  | 'missing-ah' // ESP of an AH+ESP bundle arrived without its AH
  | 'unsupported' // e.g. IPv6 extension headers AH cannot handle
  | 'fragment' // reassembly refused a fragment (overlap, limits)
  | 'too-big' // exceeds the path MTU with DF set (an ICMP was emitted)
  | 'decompress' // an IPComp payload that does not decompress, or on an SA without IPComp
  | 'dummy'; // RFC 4303 §2.6 TFC dummy packet (next header 59)

export interface OuterAddressing {
  readonly protocol: number; // 50, 51, 17 (UDP-encapsulated ESP)
  readonly source: string;
  readonly destination: string;
  readonly sourcePort?: number;
  readonly destinationPort?: number;
  /** The bytes after the outer IP (and UDP) header: what a UDP or raw ESP socket sends. */
  readonly payload: Uint8Array;
}

export type DataPlaneAction =
  /** A whole IP packet to put on the wire (a raw socket or the virtual network).
   *  `transport` describes it for a UDP/raw socket; absent for fragments. */
  | {
      readonly kind: 'send';
      readonly packet: Uint8Array;
      readonly transport?: OuterAddressing;
      readonly spi?: number;
    }
  /** A decapsulated packet for the inside (TUN / virtual interface). */
  | { readonly kind: 'deliver'; readonly packet: Uint8Array; readonly spi?: number }
  /** Outbound packet that policy lets through in the clear. */
  | { readonly kind: 'bypass'; readonly packet: Uint8Array }
  | {
      readonly kind: 'drop';
      readonly reason: DropReason;
      readonly spi?: number;
      readonly detail?: string;
      /** unknown-spi: who sent it and with which protocol, for an INVALID-SPI notify. */
      readonly unknownSpi?: { readonly peer: string; readonly protocol: 'esp' | 'ah' };
    }
  /** Ask IKE for an SA (the chapter's "interesting traffic"). */
  | {
      readonly kind: 'acquire';
      readonly selector: TrafficSelector;
      readonly rule: SpdRule;
      readonly flow: PacketFlow;
      readonly peer?: string;
    }
  /** An ICMP error (IP packet) for the inside, toward the inner sender. */
  | { readonly kind: 'icmp'; readonly packet: Uint8Array; readonly nextHopMtu: number }
  /** Soft lifetime reached: negotiate a replacement (signalled once per SA). */
  | { readonly kind: 'rekey'; readonly sa: IpsecSa; readonly reason: ExpiryReason }
  /** Hard lifetime reached: the SA was removed. */
  | { readonly kind: 'expired'; readonly sa: IpsecSa; readonly reason: ExpiryReason }
  /** An IKE message that arrived on UDP 4500 (non-ESP marker stripped). */
  | {
      readonly kind: 'ike';
      readonly payload: Uint8Array;
      readonly source: string;
      readonly destination: string;
      readonly sourcePort: number;
      readonly destinationPort: number;
    };
