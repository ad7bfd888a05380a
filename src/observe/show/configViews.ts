// `show` output that depends only on the configuration: `show crypto isakmp policy`,
// `show crypto ipsec transform-set`, and the crypto map entries of `show crypto map`.
// The chapter prints only `show crypto map`; the other two follow IOS 12.2's layout.

import type {
  AccessList,
  AclAddress,
  AclEntry,
  IsakmpPolicy,
  PortMatch,
  RouterConfig,
  TransformSet,
} from '../../policy/model.js';
import { DEFAULT_ISAKMP_POLICY } from '../../policy/model.js';
import type { CryptoMapView } from './views.js';

const ENCRYPTION_NAMES: Record<IsakmpPolicy['encryption'], string> = {
  des: 'DES - Data Encryption Standard (56 bit keys).',
  '3des': 'Three key triple DES',
  aes: 'AES - Advanced Encryption Standard (128 bit keys).',
  aes192: 'AES - Advanced Encryption Standard (192 bit keys).',
  aes256: 'AES - Advanced Encryption Standard (256 bit keys).',
};

const HASH_NAMES: Record<IsakmpPolicy['hash'], string> = {
  md5: 'Message Digest 5',
  sha: 'Secure Hash Standard',
  sha256: 'Secure Hash Standard 2 (256 bit)',
  sha384: 'Secure Hash Standard 2 (384 bit)',
  sha512: 'Secure Hash Standard 2 (512 bit)',
};

const AUTH_NAMES: Record<IsakmpPolicy['authentication'], string> = {
  'pre-share': 'Pre-Shared Key',
  'rsa-sig': 'Rivest-Shamir-Adleman Signature',
  'rsa-encr': 'Rivest-Shamir-Adleman Encryption',
  'rsa-encr-revised': 'Rivest-Shamir-Adleman Encryption (revised mode)',
};

const GROUP_BITS: Record<number, string> = {
  1: '768 bit',
  2: '1024 bit',
  5: '1536 bit',
  14: '2048 bit',
  15: '3072 bit',
  16: '4096 bit',
  17: '6144 bit',
  18: '8192 bit',
  19: '256 bit ecp',
  20: '384 bit ecp',
  21: '521 bit ecp',
  31: 'curve25519',
};

function policyBlock(title: string, p: IsakmpPolicy): string[] {
  return [
    title,
    `\tencryption algorithm:\t${ENCRYPTION_NAMES[p.encryption]}`,
    `\thash algorithm:\t\t${HASH_NAMES[p.hash]}`,
    `\tauthentication method:\t${AUTH_NAMES[p.authentication]}`,
    `\tDiffie-Hellman group:\t#${p.group} (${GROUP_BITS[p.group] ?? 'unknown'})`,
    `\tlifetime:\t\t${p.lifetimeSeconds} seconds, no volume limit`,
  ];
}

/** `show crypto isakmp policy`: configured suites by priority, then the default suite. */
export function formatIsakmpPolicy(policies: readonly IsakmpPolicy[]): string {
  const lines: string[] = [];
  for (const p of policies) {
    if (p.priority === DEFAULT_ISAKMP_POLICY.priority) continue;
    lines.push(...policyBlock(`Protection suite of priority ${p.priority}`, p));
  }
  lines.push(...policyBlock('Default protection suite', DEFAULT_ISAKMP_POLICY));
  return `${lines.join('\n')}\n`;
}

/** The transforms of a set as IOS lists them: "esp-3des esp-md5-hmac". */
export function transformText(t: TransformSet): string {
  const parts: string[] = [];
  if (t.ah !== undefined) parts.push(t.ah);
  if (t.espEncryption !== undefined) {
    const bits =
      t.espKeyBits !== undefined &&
      t.espKeyBits !== 128 &&
      (t.espEncryption === 'esp-aes' || t.espEncryption === 'esp-gcm');
    parts.push(bits ? `${t.espEncryption} ${t.espKeyBits}` : t.espEncryption);
  }
  if (t.espIntegrity !== undefined) parts.push(t.espIntegrity);
  if (t.compression !== undefined) parts.push(t.compression);
  return parts.join(' ');
}

/** `show crypto ipsec transform-set`. */
export function formatTransformSets(sets: readonly TransformSet[]): string {
  const lines: string[] = [];
  for (const t of sets) {
    lines.push(`Transform set ${t.name}: { ${transformText(t)}  }`);
    lines.push(`   will negotiate = { ${t.mode === 'tunnel' ? 'Tunnel' : 'Transport'},  },`);
    lines.push('');
  }
  return `${lines.join('\n')}`;
}

function addressText(a: AclAddress): string {
  if (a.wildcard === '255.255.255.255') return 'any';
  if (a.wildcard === '0.0.0.0') return `host ${a.address}`;
  return `${a.address} ${a.wildcard}`;
}

function portText(p: PortMatch | undefined): string {
  if (p === undefined) return '';
  return p.op === 'range' ? ` range ${p.from} ${p.to}` : ` ${p.op} ${p.port}`;
}

/** An ACL line as IOS prints it under "Extended IP access list". */
export function aclEntryText(list: AccessList, entry: AclEntry): string {
  const prefix = /^\d+$/.test(list.name) ? `access-list ${list.name} ` : '';
  return `${prefix}${entry.action} ${String(entry.protocol)} ${addressText(entry.source)}${portText(entry.sourcePort)} ${addressText(entry.destination)}${portText(entry.destinationPort)}`;
}

/** The entries of every crypto map, with what `show crypto map` prints for each. */
export function cryptoMapViews(
  config: RouterConfig,
  currentPeers: ReadonlyMap<string, string> = new Map(),
): CryptoMapView[] {
  return config.cryptoMaps.map((entry) => {
    const acl =
      entry.matchAddress === undefined
        ? undefined
        : config.accessLists.find((a) => a.name === entry.matchAddress);
    const currentPeer = currentPeers.get(`${entry.map}/${entry.seq}`) ?? entry.peers[0];
    return {
      map: entry.map,
      seq: entry.seq,
      kind: entry.kind,
      ...(entry.dynamicMap !== undefined ? { dynamicMap: entry.dynamicMap } : {}),
      peers: entry.peers,
      ...(acl !== undefined
        ? { accessList: { name: acl.name, lines: acl.entries.map((e) => aclEntryText(acl, e)) } }
        : {}),
      ...(currentPeer !== undefined ? { currentPeer } : {}),
      lifetimeKilobytes: entry.lifetime?.kilobytes ?? config.globalSaLifetime.kilobytes,
      lifetimeSeconds: entry.lifetime?.seconds ?? config.globalSaLifetime.seconds,
      ...(entry.pfsGroup !== undefined ? { pfsGroup: entry.pfsGroup } : {}),
      transformSets: entry.transformSets,
      interfaces: config.interfaces.filter((i) => i.cryptoMap === entry.map).map((i) => i.name),
    };
  });
}
