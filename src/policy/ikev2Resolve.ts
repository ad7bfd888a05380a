// What a crypto map entry with `set ikev2-profile P` runs with: its profile, the keyring
// entry holding the keys for its peer, the IKEv2 proposals that apply to its local address
// (IOS's default proposal when no policy does), its transform sets and its ACL's selector.
// A reference that does not resolve is a problem naming its line, which `start` and `check`
// refuse (config/unsupported.ts) before the IKEv2 engine is built from the rest.

import { accessListToSelectors } from './acl.js';
import { localAddressForMap, transformSetsOf } from './cryptoMap.js';
import {
  DEFAULT_IKEV2_PROPOSAL,
  type Ikev2KeyringPeer,
  type Ikev2ProfileConfig,
  type Ikev2ProposalConfig,
} from './ikev2Model.js';
import { ipv4ToNumber } from './ipv4.js';
import type { CryptoMapEntry, RouterConfig, TrafficSelector, TransformSet } from './model.js';

export interface ResolvedIkev2Entry {
  readonly entry: CryptoMapEntry;
  readonly profile: Ikev2ProfileConfig;
  readonly peer: string;
  readonly localAddress: string;
  readonly keys: Ikev2KeyringPeer & { readonly localKey: string; readonly remoteKey: string };
  readonly proposals: readonly Ikev2ProposalConfig[];
  readonly transformSets: readonly TransformSet[];
  readonly selector: TrafficSelector;
}

export interface Ikev2Problem {
  readonly line: number;
  readonly command: string;
  readonly reason: string;
}

function inMask(address: string, net: string, mask: string | undefined): boolean {
  const m = ipv4ToNumber(mask ?? '255.255.255.255');
  return (ipv4ToNumber(address) & m) >>> 0 === (ipv4ToNumber(net) & m) >>> 0;
}

export function resolveIkev2Entry(
  config: RouterConfig,
  entry: CryptoMapEntry,
): ResolvedIkev2Entry | Ikev2Problem {
  const v2 = config.ikev2;
  const command = `crypto map ${entry.map} ${entry.seq} ipsec-isakmp`;
  const problem = (reason: string, line = entry.at?.line ?? 0, what = command): Ikev2Problem => ({
    line,
    command: what,
    reason,
  });
  const profile = v2?.profiles.find((p) => p.name === entry.ikev2Profile);
  if (!profile) return problem(`no crypto ikev2 profile ${entry.ikev2Profile ?? ''}`);
  const profileCommand = `crypto ikev2 profile ${profile.name}`;
  const peer = entry.peers[0];
  if (peer === undefined) return problem('an IKEv2 entry needs `set peer`');
  const localAddress = localAddressForMap(config, entry.map);
  if (localAddress === undefined)
    return problem(`crypto map ${entry.map} is on no interface with an address`);
  if (profile.authenticationLocal === 'rsa-sig' || profile.authenticationRemote.includes('rsa-sig')) {
    return problem('rsa-sig is not run for IKEv2 yet (pre-share only)', profile.at?.line, profileCommand);
  }
  const keyring = v2?.keyrings.find((k) => k.name === profile.keyring);
  if (!keyring) return problem('no `keyring local` that is defined', profile.at?.line, profileCommand);
  const keys = keyring.peers.find((p) => p.address !== undefined && inMask(peer, p.address, p.mask));
  if (keys?.localKey === undefined || keys.remoteKey === undefined) {
    return problem(
      `no pre-shared-key for peer ${peer}`,
      keyring.at?.line,
      `crypto ikev2 keyring ${keyring.name}`,
    );
  }
  const acl = config.accessLists.find((a) => a.name === entry.matchAddress);
  const selector = acl ? accessListToSelectors(acl)[0] : undefined;
  if (!selector) return problem('`match address` names no access list with a permit line');
  const transformSets = transformSetsOf(config, entry).filter((t) => t.espEncryption !== undefined);
  if (transformSets.length === 0) return problem('no ESP transform set');
  const policies = (v2?.policies ?? []).filter(
    (p) => p.matchLocalAddresses.length === 0 || p.matchLocalAddresses.includes(localAddress),
  );
  const proposals: Ikev2ProposalConfig[] = [];
  for (const p of policies) {
    for (const name of p.proposals) {
      const found = v2?.proposals.find((x) => x.name === name);
      if (!found)
        return problem(`no crypto ikev2 proposal ${name}`, p.at?.line, `crypto ikev2 policy ${p.name}`);
      if (
        found.encryption.length === 0 ||
        found.groups.length === 0 ||
        (found.integrity.length === 0 && found.prf.length === 0)
      ) {
        return problem(
          'a proposal needs encryption, integrity (or prf) and group',
          found.at?.line,
          `crypto ikev2 proposal ${found.name}`,
        );
      }
      proposals.push(found);
    }
  }
  return {
    entry,
    profile,
    peer,
    localAddress,
    keys: { ...keys, localKey: keys.localKey, remoteKey: keys.remoteKey },
    proposals: proposals.length > 0 ? proposals : [DEFAULT_IKEV2_PROPOSAL],
    transformSets,
    selector,
  };
}

/** Every IKEv2 entry of the configuration, resolved or with its problem. */
export function resolveIkev2Entries(config: RouterConfig): (ResolvedIkev2Entry | Ikev2Problem)[] {
  return config.cryptoMaps
    .filter((e) => e.ikev2Profile !== undefined)
    .map((e) => resolveIkev2Entry(config, e));
}

export function isIkev2Problem(r: ResolvedIkev2Entry | Ikev2Problem): r is Ikev2Problem {
  return 'reason' in r;
}
