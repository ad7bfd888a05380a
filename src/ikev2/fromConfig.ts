// The IKEv2 peers of a configuration: each static crypto map entry with `set ikev2-profile P`
// becomes one Ikev2Peer, with the profile's identities, the keyring's keys for the entry's
// peer, the proposals of the IKEv2 policies that apply to its local address (IOS's default
// proposal when none does), the entry's transform sets as ESP proposals and its ACL as the
// traffic selector. A reference that cannot be resolved is an error naming it.

import { accessListToSelectors } from '../policy/acl.js';
import { lifetimeOf, localAddressForMap, transformSetsOf } from '../policy/cryptoMap.js';
import { ipv4ToNumber } from '../policy/ipv4.js';
import type { CryptoMapEntry, RouterConfig } from '../policy/model.js';
import {
  DEFAULT_IKEV2_LIFETIME,
  DEFAULT_IKEV2_PROPOSAL,
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

function inMask(address: string, net: string, mask: string | undefined): boolean {
  const m = ipv4ToNumber(mask ?? '255.255.255.255');
  return (ipv4ToNumber(address) & m) >>> 0 === (ipv4ToNumber(net) & m) >>> 0;
}

function espProposals(config: RouterConfig, entry: CryptoMapEntry): Ikev2Proposal[] {
  const byCipher = Object.entries(ENCR_CIPHER);
  const byInteg = Object.entries(INTEG_ALG);
  return transformSetsOf(config, entry).flatMap((ts, i) => {
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

/** Every IKEv2 peer of the configuration. */
export function ikev2Peers(config: RouterConfig): Ikev2Peer[] {
  const settings = config.ikev2;
  const out: Ikev2Peer[] = [];
  for (const entry of config.cryptoMaps) {
    const name = entry.ikev2Profile;
    if (name === undefined) continue;
    const line = entry.at?.line;
    const where = `crypto map ${entry.map} ${entry.seq}`;
    const profile = settings?.profiles.find((p) => p.name === name);
    if (!profile) throw new Ikev2ConfigError(`${where}: no crypto ikev2 profile ${name}`, line);
    const remoteAddress = entry.peers[0];
    if (remoteAddress === undefined)
      throw new Ikev2ConfigError(`${where}: an IKEv2 entry needs set peer`, line);
    const localAddress = localAddressForMap(config, entry.map);
    if (localAddress === undefined)
      throw new Ikev2ConfigError(
        `${where}: crypto map ${entry.map} is on no interface with an address`,
        line,
      );
    if (profile.authenticationLocal === 'rsa-sig' || profile.authenticationRemote.includes('rsa-sig')) {
      throw new Ikev2ConfigError(
        `crypto ikev2 profile ${name}: rsa-sig is not run for IKEv2 yet (pre-share only)`,
        profile.at?.line,
      );
    }
    const keyring = settings?.keyrings.find((k) => k.name === profile.keyring);
    if (!keyring)
      throw new Ikev2ConfigError(
        `crypto ikev2 profile ${name}: no keyring ${profile.keyring ?? '(keyring local missing)'}`,
        profile.at?.line,
      );
    const keys = keyring.peers.find(
      (p) => p.address !== undefined && inMask(remoteAddress, p.address, p.mask),
    );
    if (!keys?.localKey || !keys.remoteKey) {
      throw new Ikev2ConfigError(
        `crypto ikev2 keyring ${keyring.name}: no pre-shared-key for peer ${remoteAddress}`,
        keyring.at?.line,
      );
    }
    const acl = config.accessLists.find((a) => a.name === entry.matchAddress);
    const selector = acl ? accessListToSelectors(acl)[0] : undefined;
    if (!selector)
      throw new Ikev2ConfigError(`${where}: match address names no access list with a permit line`, line);
    const policies = (settings?.policies ?? []).filter(
      (p) => p.matchLocalAddresses.length === 0 || p.matchLocalAddresses.includes(localAddress),
    );
    const proposalConfigs = policies.length
      ? policies.flatMap((p) =>
          p.proposals.map((n) => {
            const found = settings?.proposals.find((x) => x.name === n);
            if (!found)
              throw new Ikev2ConfigError(
                `crypto ikev2 policy ${p.name}: no crypto ikev2 proposal ${n}`,
                p.at?.line,
              );
            return found;
          }),
        )
      : [DEFAULT_IKEV2_PROPOSAL];
    const childProposals = espProposals(config, entry);
    if (childProposals.length === 0) throw new Ikev2ConfigError(`${where}: no ESP transform set`, line);
    const transformSet = transformSetsOf(config, entry)[0];
    const exact = profile.matchRemote.find(
      (m) => m.kind !== 'address' || (m.mask ?? '255.255.255.255') === '255.255.255.255',
    );
    out.push({
      name: profile.name,
      localAddress,
      remoteAddress,
      localId: profile.localIdentity ? identityOf(profile.localIdentity) : addressIdentity(localAddress),
      ...(exact ? { remoteId: identityOf(exact) } : {}),
      localKey: new TextEncoder().encode(keys.localKey),
      remoteKey: new TextEncoder().encode(keys.remoteKey),
      ikeProposals: proposalConfigs.map((p, i) => ikeProposalOf(p, i + 1)),
      childProposals,
      selector,
      mode: transformSet?.mode ?? 'tunnel',
      childLifetime: lifetimeOf(config, entry),
      ikeLifetimeSeconds: profile.lifetimeSeconds ?? DEFAULT_IKEV2_LIFETIME,
      cryptoMap: `${entry.map} ${entry.seq}`,
      ...(transformSet ? { transformSet: transformSet.name } : {}),
    });
  }
  return out;
}
