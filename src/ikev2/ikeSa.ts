// One IKEv2 SA: its SPIs, role, addresses, the algorithms and keys of §2.14, the message-ID
// counters of §2.2 (a window of one each way), the request waiting for its answer and the last
// answer we gave (sent again when the peer retransmits, §2.1), and its CHILD_SAs.

import type { DhExchange } from '../ike/keys.js';
import type { IkeSaKeys } from '../crypto/index.js';
import type { IpsecSaPair } from '../policy/sa.js';
import type { TrafficSelector } from '../policy/model.js';
import type { Ikev2Proposal } from '../wire/ikev2/index.js';
import type { IkeSuite } from './algorithms.js';
import type { Ikev2Peer } from './config.js';
import type { SkKeys } from './protection.js';

export type Ikev2State = 'CONNECTING' | 'ESTABLISHED' | 'DELETING';

export interface ChildSa {
  /** Our inbound SPI (chosen by us) and the peer's (our outbound). */
  readonly inboundSpi: number;
  readonly outboundSpi: number;
  readonly selector: TrafficSelector;
  readonly pair: IpsecSaPair;
  readonly description: string;
}

export interface PendingRequest {
  readonly messageId: number;
  readonly exchangeType: number;
  readonly data: Uint8Array;
  retries: number;
  interval: number;
  nextAt: number;
}

export class Ikev2Sa {
  spiR: Uint8Array = new Uint8Array(8);
  state: Ikev2State = 'CONNECTING';
  localPort = 500;
  peerPort = 500;
  natLocal = false;
  natRemote = false;
  /** The next message ID of a request we send / of the peer's next request. */
  nextRequestId = 0;
  nextPeerRequestId = 0;
  pending?: PendingRequest;
  lastResponse?: { readonly messageId: number; readonly data: Uint8Array };
  /** Our IKE_SA_INIT message as sent (the signed octets of our AUTH, §2.15) and the peer's. */
  ourInit?: Uint8Array;
  peerInit?: Uint8Array;
  nonceI?: Uint8Array;
  nonceR?: Uint8Array;
  dh?: DhExchange;
  /** IKE_SA_INIT proposals sent (the initiator checks the answer against them). */
  offered: readonly Ikev2Proposal[] = [];
  /** A COOKIE the responder asked us to send back (§2.6). */
  cookie?: Uint8Array;
  suite?: IkeSuite;
  keys?: IkeSaKeys;
  /** Protects what we send / opens what we receive. */
  outbound?: SkKeys;
  inbound?: SkKeys;
  children: ChildSa[] = [];
  /** The ESP SPI we offered in IKE_AUTH (the initiator's inbound SPI). */
  childSpi?: number;
  establishedAt?: number;
  peerId?: string;
  /** The IKE SA this one replaces (a reauthentication): deleted once this one's child is up. */
  replaces?: number;
  /** Why it failed or went down, for the log. */
  reason?: string;

  constructor(
    readonly id: number,
    readonly role: 'initiator' | 'responder',
    readonly spiI: Uint8Array,
    readonly peer: Ikev2Peer,
    readonly localAddress: string,
    public peerAddress: string,
    readonly createdAt: number,
  ) {}

  get initiator(): boolean {
    return this.role === 'initiator';
  }

  /** Our own SPI, the key of the SA table. */
  get localSpi(): Uint8Array {
    return this.initiator ? this.spiI : this.spiR;
  }

  /** Zeroes the secrets an established SA no longer needs (DESIGN.md principle 6). */
  dropScratch(): void {
    this.dh?.wipe();
    delete this.dh;
  }

  wipe(): void {
    this.dropScratch();
    for (const k of [
      this.keys?.d,
      this.keys?.ai,
      this.keys?.ar,
      this.keys?.ei,
      this.keys?.er,
      this.keys?.pi,
      this.keys?.pr,
    ])
      k?.fill(0);
  }
}
