// The IKEv2 part of the configuration model, as IOS 15 writes it: `crypto ikev2 proposal`,
// `crypto ikev2 policy`, `crypto ikev2 keyring` and `crypto ikev2 profile`.

import type { Ipv4, SourceRef } from './model.js';

export type Ikev2Encryption =
  'aes-cbc-128' | 'aes-cbc-192' | 'aes-cbc-256' | '3des' | 'aes-gcm-128' | 'aes-gcm-256';
export type Ikev2Integrity = 'md5' | 'sha1' | 'sha256' | 'sha384' | 'sha512';

export interface Ikev2ProposalConfig {
  readonly name: string;
  readonly encryption: readonly Ikev2Encryption[];
  readonly integrity: readonly Ikev2Integrity[];
  /** `prf ...` (IOS 15.4); empty: the integrity algorithms' PRFs. */
  readonly prf: readonly Ikev2Integrity[];
  readonly groups: readonly number[];
  readonly at?: SourceRef;
}

export interface Ikev2PolicyConfig {
  readonly name: string;
  readonly proposals: readonly string[];
  /** `match address local A`: the policy applies to IKE SAs on this local address only. */
  readonly matchLocalAddresses: readonly Ipv4[];
  readonly at?: SourceRef;
}

/** `identity address A | fqdn NAME | email NAME` (the ID an IKEv2 peer sends or must send). */
export type Ikev2IdentityConfig =
  | { readonly kind: 'address'; readonly address: string }
  | { readonly kind: 'fqdn'; readonly name: string }
  | { readonly kind: 'email'; readonly name: string };

export interface Ikev2KeyringPeer {
  readonly name: string;
  readonly address?: Ipv4;
  readonly mask?: Ipv4;
  readonly identity?: Ikev2IdentityConfig;
  /** `pre-shared-key K` sets both; `pre-shared-key local K` / `remote K` one each. */
  readonly localKey?: string;
  readonly remoteKey?: string;
  readonly at?: SourceRef;
}

export interface Ikev2Keyring {
  readonly name: string;
  readonly peers: readonly Ikev2KeyringPeer[];
  readonly at?: SourceRef;
}

export interface Ikev2ProfileConfig {
  readonly name: string;
  /** `match identity remote ...`: the peer identities this profile serves. */
  readonly matchRemote: readonly (Ikev2IdentityConfig & { readonly mask?: Ipv4 })[];
  /** `identity local ...`; IOS's default is the local address. */
  readonly localIdentity?: Ikev2IdentityConfig;
  readonly authenticationLocal?: 'pre-share' | 'rsa-sig';
  readonly authenticationRemote: readonly ('pre-share' | 'rsa-sig')[];
  readonly keyring?: string;
  readonly lifetimeSeconds?: number;
  readonly at?: SourceRef;
}

export interface Ikev2Settings {
  readonly proposals: readonly Ikev2ProposalConfig[];
  readonly policies: readonly Ikev2PolicyConfig[];
  readonly keyrings: readonly Ikev2Keyring[];
  readonly profiles: readonly Ikev2ProfileConfig[];
}

/** IOS 15's `crypto ikev2 proposal default`. */
export const DEFAULT_IKEV2_PROPOSAL: Ikev2ProposalConfig = {
  name: 'default',
  encryption: ['aes-cbc-256', 'aes-cbc-192', 'aes-cbc-128'],
  integrity: ['sha512', 'sha384', 'sha256', 'sha1', 'md5'],
  prf: [],
  groups: [5, 2],
};

/** IOS's default IKE SA lifetime for IKEv2 profiles (86400 s). */
export const DEFAULT_IKEV2_LIFETIME = 86400;
