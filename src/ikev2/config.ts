// What the IKEv2 engine needs to know of one peer: the IOS 15 `crypto ikev2 profile` with its
// keyring and proposal, and the crypto map entry that points at it (`set ikev2-profile`), in a
// form independent of the parser (src/config maps the configuration onto it).

import type { IpsecMode, TrafficSelector } from '../policy/model.js';
import type { Ikev2Proposal } from '../wire/ikev2/index.js';

/** An IKEv2 identity (RFC 7296 §3.5): type and data as the ID payload carries them. */
export interface Ikev2Identity {
  readonly idType: number;
  readonly data: Uint8Array;
}

export interface Ikev2Peer {
  /** The profile's name, for logs and `show`. */
  readonly name: string;
  readonly localAddress: string;
  readonly remoteAddress: string;
  /** Our identity (IOS default: the local address). */
  readonly localId: Ikev2Identity;
  /** The identity the peer must prove (`match identity remote`); undefined: any. */
  readonly remoteId?: Ikev2Identity;
  /** The keyring's keys: `pre-shared-key local` signs ours, `remote` checks theirs. */
  readonly localKey: Uint8Array;
  readonly remoteKey: Uint8Array;
  /** IKE SA proposals in order of preference (`crypto ikev2 proposal`), protocol 1, no SPI. */
  readonly ikeProposals: readonly Ikev2Proposal[];
  /** CHILD_SA proposals (the transform sets), protocol 3; their SPIs are set per negotiation. */
  readonly childProposals: readonly Ikev2Proposal[];
  /** The crypto ACL line we protect, local = our side. */
  readonly selector: TrafficSelector;
  readonly mode: IpsecMode;
  readonly childLifetime: { readonly seconds: number; readonly kilobytes: number };
  readonly ikeLifetimeSeconds: number;
  /** For `show`: the crypto map entry and transform set names. */
  readonly cryptoMap?: string;
  readonly transformSet?: string;
}
