// The IKEv2 peers of a configuration: each crypto map entry with `set ikev2-profile P`, as
// policy/ikev2Resolve.ts resolves it, becomes one Ikev2Peer: the profile's identities, the
// keyring's keys, the IOS proposals as RFC 7296 proposals, the transform sets as ESP proposals.

import { lifetimeOf } from '../policy/cryptoMap.js';
import { isIkev2Problem, resolveIkev2Entries } from '../policy/ikev2Resolve.js';
import type { RouterConfig, TransformSet } from '../policy/model.js';
import {
  DEFAULT_IKEV2_LIFETIME,
  type Ikev2IdentityConfig,
  type Ikev2Integrity,
  type Ikev2ProposalConfig,
} from '../policy/ikev2Model.js';
import { transformSetAlgorithms } from '../policy/transformSet.js';
import {
  Encr,
  Esn,
  Integ,
  type Ikev2Proposal,
  type Ikev2Transform,
  Prf,
  ProtocolId,
  transform,
  TransformType,
} from '../wire/ikev2/index.js';
import { ENCR_CIPHER, INTEG_ALG } from './algorithms.js';
import type { Ikev2Identity, Ikev2Peer } from './config.js';
import { addressIdentity, emailIdentity, fqdnIdentity } from './identity.js';

export class Ikev2ConfigError extends Error {
  constructor(
    message: string,
    readonly line: number | undefined,
  ) {
    super(message);
    this.name = 'Ikev2ConfigError';
  }
}

const INTEG_ID: Readonly<Record<Ikev2Integrity, number>> = {
  md5: Integ.HMAC_MD5_96,
  sha1: Integ.HMAC_SHA1_96,
  sha256: Integ.HMAC_SHA2_256_128,
  sha384: Integ.HMAC_SHA2_384_192,
  sha512: Integ.HMAC_SHA2_512_256,
};

const PRF_ID: Readonly<Record<Ikev2Integrity, number>> = {
  md5: Prf.HMAC_MD5,
  sha1: Prf.HMAC_SHA1,
  sha256: Prf.HMAC_SHA2_256,
  sha384: Prf.HMAC_SHA2_384,
  sha512: Prf.HMAC_SHA2_512,
};

function encryptionTransform(e: Ikev2ProposalConfig['encryption'][number]): Ikev2Transform {
  if (e === '3des') return transform(TransformType.ENCR, Encr['3DES']);
  const [, mode, bits] = /^aes-(cbc|gcm)-(\d+)$/.exec(e) ?? [];
  return transform(TransformType.ENCR, mode === 'gcm' ? Encr.AES_GCM_16 : Encr.AES_CBC, Number(bits));
}

/** One IOS proposal as one RFC 7296 proposal with every transform it lists. */
export function ikeProposalOf(p: Ikev2ProposalConfig, number: number): Ikev2Proposal {
  const aead = p.encryption.every((e) => e.startsWith('aes-gcm'));
  const prfs = p.prf.length > 0 ? p.prf : p.integrity;
  return {
    number,
    protocolId: ProtocolId.IKE,
    spi: new Uint8Array(0),
    transforms: [
      ...p.encryption.map(encryptionTransform),
      ...[...new Set(prfs)].map((a) => transform(TransformType.PRF, PRF_ID[a])),
      ...(aead ? [] : p.integrity.map((a) => transform(TransformType.INTEG, INTEG_ID[a]))),
      ...p.groups.map((g) => transform(TransformType.DH, g)),
    ],
  };
}

function identityOf(id: Ikev2IdentityConfig): Ikev2Identity {
  switch (id.kind) {
    case 'address':
      return addressIdentity(id.address);
    case 'fqdn':
      return fqdnIdentity(id.name);
    case 'email':
      return emailIdentity(id.name);
  }
}

function espProposals(transformSets: readonly TransformSet[]): Ikev2Proposal[] {
  const byCipher = Object.entries(ENCR_CIPHER);
  const byInteg = Object.entries(INTEG_ALG);
  return transformSets.flatMap((ts, i) => {
    const esp = transformSetAlgorithms(ts).esp;
    if (!esp) return [];
    const encr = byCipher.find(([, c]) => c === esp.cipher)?.[0];
    if (encr === undefined) return [];
    const keyed = esp.cipher.startsWith('aes');
    const transforms: Ikev2Transform[] = [
      transform(TransformType.ENCR, Number(encr), keyed ? esp.keyBits : undefined),
    ];
    if (esp.integrity !== 'none') {
      const integ = byInteg.find(([, a]) => a === esp.integrity)?.[0];
      if (integ === undefined) return [];
      transforms.push(transform(TransformType.INTEG, Number(integ)));
    }
    transforms.push(transform(TransformType.ESN, Esn.NO));
    return [{ number: i + 1, protocolId: ProtocolId.ESP, spi: new Uint8Array(0), transforms }];
  });
}

/**
 * Every IKEv2 peer of the configuration. An entry that does not resolve throws
 * Ikev2ConfigError (start and check refuse such a configuration first: config/unsupported.ts).
 */
export function ikev2Peers(config: RouterConfig): Ikev2Peer[] {
  return resolveIkev2Entries(config).map((r) => {
    if (isIkev2Problem(r)) throw new Ikev2ConfigError(`${r.command}: ${r.reason}`, r.line);
    const { entry, profile, keys, localAddress } = r;
    const transformSet = r.transformSets[0];
    const exact = profile.matchRemote.find(
      (m) => m.kind !== 'address' || (m.mask ?? '255.255.255.255') === '255.255.255.255',
    );
    return {
      name: profile.name,
      localAddress,
      remoteAddress: r.peer,
      localId: profile.localIdentity ? identityOf(profile.localIdentity) : addressIdentity(localAddress),
      ...(exact ? { remoteId: identityOf(exact) } : {}),
      localKey: new TextEncoder().encode(keys.localKey),
      remoteKey: new TextEncoder().encode(keys.remoteKey),
      ikeProposals: r.proposals.map((p, i) => ikeProposalOf(p, i + 1)),
      childProposals: espProposals(r.transformSets),
      selector: r.selector,
      mode: transformSet?.mode ?? 'tunnel',
      childLifetime: lifetimeOf(config, entry),
      ikeLifetimeSeconds: profile.lifetimeSeconds ?? DEFAULT_IKEV2_LIFETIME,
      cryptoMap: `${entry.map} ${entry.seq}`,
      ...(transformSet ? { transformSet: transformSet.name } : {}),
    };
  });
}
