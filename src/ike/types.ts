// The engine's inputs and outputs (sans-I/O, DESIGN.md principle 1). The gateway feeds
// datagrams, time and requests in, and performs the returned actions.

import type { IpsecSaPair } from '../policy/sa.js';
import type { CryptoMapEntry, RouterConfig, TrafficSelector } from '../policy/model.js';
import type { IkeEvent, ModeConfigReceived } from './events.js';
import type { ExchangeRegistration } from './exchange.js';
import type { KeyObject } from 'node:crypto';
import type { PkiOptions } from './rsaSig.js';
import type { DhRequest } from '../crypto/index.js';

export interface Rng {
  randomBytes(n: number): Uint8Array;
}

/** One UDP datagram. On port 4500 `data` is given and taken WITHOUT the non-ESP marker. */
export interface IkeDatagram {
  readonly srcAddress: string;
  readonly srcPort: number;
  readonly dstAddress: string;
  readonly dstPort: number;
  readonly data: Uint8Array;
}

export interface RetransmitPolicy {
  /** Seconds before the first retransmission. */
  readonly initial: number;
  /** Multiplier per retry (exponential backoff). */
  readonly factor: number;
  /** Retransmissions before giving up (the first send is not counted). */
  readonly maxRetries: number;
}

export interface IkeManagerOptions {
  readonly config: RouterConfig;
  readonly rng: Rng;
  readonly localAddresses: readonly string[];
  /** Like strongSwan's `encap=yes`: pretend to be behind NAT so both sides float to 4500. */
  readonly forceEncapsulation?: boolean;
  /** Peers (or `true` for all) we initiate to with aggressive mode instead of main mode. */
  readonly aggressiveMode?: boolean | readonly string[];
  /** Domain appended to the hostname for ID_FQDN identities (`ip domain-name`). */
  readonly domainName?: string;
  /** TED probes: default 1 s, ×2, 3 retransmissions (tedDiscovery.ts). */
  readonly tedRetransmit?: RetransmitPolicy;
  /** Default: 1 s, ×1.5, 10 retransmissions (11 sends over about 113 s). */
  readonly retransmit?: RetransmitPolicy;
  /** Half-open (unauthenticated responder) IKE SAs: at most `max` (default 256) and `perSource` per peer address (default 16), each at most `maxAge` s (default: the retransmission window + 30 s). */
  readonly halfOpen?: { readonly max: number; readonly maxAge: number; readonly perSource?: number };
  /** Rekey at lifetime × (softFraction − jitter·random); default 0.85 and 0.05. */
  readonly rekey?: { readonly softFraction: number; readonly jitter: number };
  /** Seconds between NAT-keepalives from the side behind a NAT (RFC 3948 §4); 0 disables. Default 20. */
  readonly natKeepalive?: number;
  /** Old IPsec and IKE SAs stay this many seconds after their replacement is up (make-before-break); default 10. */
  readonly rekeyOverlap?: number;
  /** Vendor IDs to announce; default DPD, NAT-T (RFC + drafts), Unity-style IOS set. */
  readonly sendVendorIds?: boolean;
  /** NAT-T vendor IDs to announce: RFC 3947 and the drafts (default), the drafts only (as old peers), or none. */
  readonly natT?: 'rfc-and-drafts' | 'drafts-only' | 'off';
  /** Set the commit bit in QM1 (RFC 2408 §3.1): the responder confirms with CONNECTED. */
  readonly commitBit?: boolean;
  /** Signing keys by trust point, the wall clock for certificates and CRLs: rsa-sig needs them. */
  readonly pki?: PkiOptions;
  /** The key store's encryption keys, the first tried first (LABEL.encr.pem, LABEL.pem): rsa-encr needs them. */
  readonly decryptionKeys?: readonly KeyObject[];
  /** More exchanges after phase 1, by exchange type (a transaction exchange's task, say). */
  readonly exchanges?: ReadonlyMap<number, ExchangeRegistration>;
  /** Mode Config addresses (the gateway's `ip local pool`s); without it no address can be given. */
  readonly addressLeases?: AddressLeases;
  /** Seconds XAUTH and Mode Config wait for each answer (the user typing, AAA); default 60 (IOS `crypto isakmp xauth timeout`). */
  readonly xauthTimeout?: number;
  /**
   * Diffie-Hellman runs outside the engine: a main-mode message (or a quick mode with PFS)
   * that needs an exponentiation returns a `dh` action and is taken up again by `dhResult`.
   * Without it the same computation runs inline, before the task that uses it.
   */
  readonly dhOffload?: boolean;
  /** As a remote-access client: answer the gateway's XAUTH and take its Mode Config address. */
  readonly remoteAccessClient?: RemoteAccessClient;
}

/** The gateway's pools: one address per client, the same one while the client holds it. */
export interface AddressLeases {
  lease(pool: string, client: string): { readonly address: string } | { readonly error: string };
}

/** The client side of XAUTH and Mode Config. */
export interface RemoteAccessClient {
  /** The username and password for the gateway `peer`; undefined: we are no XAUTH client of it. */
  credentials(peer: string): { readonly username: string; readonly password: string } | undefined;
  /** `pull`: we send a REQUEST; `push`: we wait for the gateway's SET; absent: no Mode Config. */
  readonly modeConfig?: 'pull' | 'push';
  /**
   * The group name, for group authentication as the Cisco VPN Client does it: aggressive mode
   * with the name as our ID_KEY_ID identity, so the gateway finds the group's key by it.
   */
  readonly group?: string;
}

/** What the gateway's AAA said of XAUTH credentials (src/aaa's outcome, and the method that gave it). */
export type XauthOutcome =
  | { readonly kind: 'accept'; readonly method?: string }
  | { readonly kind: 'reject' | 'error'; readonly reason: string; readonly method?: string };

export interface AcquireRequest {
  /** The crypto map entry whose ACL the traffic matched; or give `peer` alone. */
  readonly cryptoMapEntry?: CryptoMapEntry;
  readonly peer?: string;
  /** The traffic (or the ACL line) to protect, local = our side. */
  readonly selector: TrafficSelector;
  readonly localAddress?: string;
}

export interface RemovedPair {
  readonly protocol: 'esp' | 'ah';
  readonly inboundSpi: number;
  readonly outboundSpi: number;
}

export type IkeAction =
  | {
      readonly kind: 'send';
      readonly srcAddress: string;
      readonly srcPort: number;
      readonly dstAddress: string;
      readonly dstPort: number;
      /** Without the non-ESP marker: the gateway prepends 4 zero bytes on port 4500. */
      readonly data: Uint8Array;
      /** RFC 3948 §2.3 NAT-keepalive (the single byte 0xFF): send as is, with no marker. */
      readonly natKeepalive?: boolean;
      /**
       * Not from our socket: a UDP/IP packet from `srcAddress` routed like forwarded traffic
       * (a TED probe from the host that sent the traffic, or the answer from its destination).
       */
      readonly transit?: boolean;
    }
  | {
      readonly kind: 'install';
      readonly connId: number;
      readonly messageId: number;
      readonly peer: string;
      readonly pairs: readonly IpsecSaPair[];
      /** Inbound SPIs of the pairs this one replaces (rekey): keep them until their `remove`. */
      readonly replaces?: readonly number[];
    }
  | {
      readonly kind: 'remove';
      readonly peer: string;
      readonly pairs: readonly RemovedPair[];
      readonly reason: string;
    }
  | { readonly kind: 'event'; readonly event: IkeEvent }
  /**
   * XAUTH credentials to check against login list `list`; answer with IkeManager.xauthResult
   * (connId, request, outcome). The password is never put in an event.
   */
  | {
      readonly kind: 'xauthVerify';
      readonly connId: number;
      readonly peer: string;
      readonly request: number;
      readonly list: string;
      readonly username: string;
      readonly password: string;
    }
  /**
   * With `dhOffload`: a Diffie-Hellman computation the message that asked for it waits on.
   * Run `computeDh(request)` (src/crypto, a worker thread) and answer with
   * IkeManager.dhResult(id, result), or with undefined when it cannot be run now (queue full):
   * the message is then dropped and its peer's retransmission asks again.
   */
  | { readonly kind: 'dh'; readonly id: number; readonly request: DhRequest };

export interface IkeSaInfo {
  readonly dst: string;
  readonly src: string;
  readonly state: string;
  readonly connId: number;
  readonly slot: number;
  readonly role: 'initiator' | 'responder';
  readonly exchange: 'main' | 'aggressive';
  readonly initiatorCookie: string;
  readonly responderCookie: string;
  readonly localPort: number;
  readonly peerPort: number;
  readonly natT: boolean;
  readonly lifetimeRemaining: number;
  readonly encryption?: string;
  readonly hash?: string;
  readonly authentication?: string;
  readonly group?: number;
  readonly peerId?: string;
  /** Engine time phase 1 completed. */
  readonly establishedAt?: number;
  /** As a remote-access client: the Mode Config address and what else the gateway gave. */
  readonly modeConfig?: { readonly address: string } & ModeConfigReceived;
  /** Engine time this side starts a rekey (the initiator of the IKE SA; a responder waits for the peer). */
  readonly rekeyAt?: number;
}

export interface IpsecSaInfo {
  readonly connId: number;
  readonly peer: string;
  readonly local: string;
  readonly selector: TrafficSelector;
  readonly cryptoMap?: string;
  readonly transformSet?: string;
  readonly transform: string;
  readonly pairs: readonly IpsecSaPair[];
  readonly createdAt: number;
  readonly expiresAt: number;
  /** Engine time the replacement is negotiated; absent once it has been. */
  readonly rekeyAt?: number;
  readonly remainingSeconds: number;
  readonly pfsGroup?: number;
  readonly udpEncapsulated: boolean;
}

export interface ClearFilter {
  readonly peer?: string;
  readonly connId?: number;
  readonly spi?: number;
}
