// Features the model can express but a given gateway build cannot run. planRun() decides,
// the way IOS would negotiate around what it cannot do: an ISAKMP policy the gateway cannot
// run is inert (left out of the model the engines get, with a warning naming its line) as
// long as another policy can serve; what has no fallback is refused, naming each command
// and its line. Nothing is ever silently ignored.

import { isIkev2Problem, resolveIkev2Entries } from '../policy/ikev2Resolve.js';
import { findPresharedKey } from '../policy/index.js';
import { isGreIp, isTunnelInterface } from '../policy/cryptoMap.js';
import type { IsakmpPolicy, RouterConfig, Warning } from '../policy/model.js';
import { isRedacted } from './redact.js';

export type Feature =
  | 'rsa-sig' // crypto isakmp policy: authentication rsa-sig (certificates)
  | 'rsa-encr' // authentication rsa-encr (encrypted nonces)
  | 'aes-ike' // encryption aes* in an ISAKMP policy
  | 'xauth' // crypto map client authentication (extended authentication)
  | 'mode-config' // crypto map client configuration address / isakmp client configuration
  | 'ted' // crypto map ... dynamic D discover (Tunnel Endpoint Discovery)
  | 'dynamic-map' // crypto map ... ipsec-isakmp dynamic D
  | 'ah' // a transform set with ah-*
  | 'transport-mode' // mode transport
  | 'compression' // comp-lzs or comp-deflate without an ESP transform to carry it
  | 'pfs' // set pfs
  | 'keepalive' // crypto isakmp keepalive (DPD)
  | 'hostname-identity' // crypto isakmp identity hostname
  | 'hostname-key' // crypto isakmp key K hostname H
  | 'local-address' // crypto map NAME local-address IF
  | 'multiple-peers' // several `set peer` in one entry
  | 'client-group-option' // a client group's include-local-lan
  | 'gre-tunnel'; // interface TunnelN with a crypto map, in a tunnel mode other than gre ip

export interface UnsupportedFeature {
  readonly feature: Feature;
  readonly line: number;
  readonly command: string;
  readonly reason: string;
}

const DESCRIPTIONS: Readonly<Record<Feature, string>> = {
  'rsa-sig': 'RSA signature authentication (certificates)',
  'rsa-encr': 'RSA encrypted nonce authentication',
  'aes-ike': 'AES in an ISAKMP policy',
  xauth: 'extended authentication (XAUTH)',
  'mode-config': 'mode configuration (address assignment)',
  ted: 'Tunnel Endpoint Discovery',
  'dynamic-map': 'dynamic crypto maps',
  ah: 'AH transforms',
  'transport-mode': 'transport mode',
  compression: 'IPComp without ESP',
  pfs: 'perfect forward secrecy (set pfs)',
  keepalive: 'ISAKMP keepalives (DPD)',
  'hostname-identity': 'hostname ISAKMP identity',
  'hostname-key': 'pre-shared keys by hostname',
  'local-address': 'crypto map local-address',
  'multiple-peers': 'several peers in one crypto map entry',
  'client-group-option': 'this client group setting',
  'gre-tunnel': 'crypto maps on tunnel interfaces other than GRE over IPv4 (tunnel mode gre ip)',
};

export function describeFeature(feature: Feature): string {
  return DESCRIPTIONS[feature];
}

/** Every use of a feature in `refused` (in line order). The implicit default policy 65535 does not count. */
export function unsupportedFeatures(
  config: RouterConfig,
  refused: readonly Feature[] = [],
): UnsupportedFeature[] {
  const wanted = new Set(refused);
  const out: UnsupportedFeature[] = [];
  const add = (feature: Feature, line: number | undefined, command: string): void => {
    if (wanted.has(feature)) {
      out.push({
        feature,
        line: line ?? 0,
        command,
        reason: `${DESCRIPTIONS[feature]} is not supported by this gateway yet`,
      });
    }
  };
  for (const p of config.isakmpPolicies) {
    if (!p.at) continue;
    if (p.authentication === 'rsa-sig')
      add('rsa-sig', p.at.line, `crypto isakmp policy ${p.priority} (authentication rsa-sig)`);
    if (p.authentication === 'rsa-encr' || p.authentication === 'rsa-encr-revised')
      add('rsa-encr', p.at.line, `crypto isakmp policy ${p.priority} (authentication ${p.authentication})`);
    if (p.encryption.startsWith('aes'))
      add('aes-ike', p.at.line, `crypto isakmp policy ${p.priority} (encryption ${p.encryption})`);
  }
  for (const k of config.presharedKeys) {
    if (k.hostname !== undefined)
      add('hostname-key', k.at?.line, `crypto isakmp key ... hostname ${k.hostname}`);
  }
  const lines = config.isakmp.sourceLines;
  if (config.isakmp.identity === 'hostname')
    add('hostname-identity', lines?.identity, 'crypto isakmp identity hostname');
  if (config.isakmp.keepalive)
    add('keepalive', lines?.keepalive, `crypto isakmp keepalive ${config.isakmp.keepalive.seconds}`);
  if (config.isakmp.clientAddressPool !== undefined) {
    add(
      'mode-config',
      lines?.clientAddressPool,
      `crypto isakmp client configuration address-pool local ${config.isakmp.clientAddressPool}`,
    );
  }
  for (const t of config.transformSets) {
    const line = t.at?.line;
    if (t.ah) add('ah', line, `crypto ipsec transform-set ${t.name} (${t.ah})`);
    if (t.mode === 'transport')
      add('transport-mode', line, `crypto ipsec transform-set ${t.name} (mode transport)`);
    if (t.compression && t.espEncryption === undefined)
      add('compression', line, `crypto ipsec transform-set ${t.name} (${t.compression} with no esp-*)`);
  }
  for (const e of config.cryptoMaps) {
    const line = e.at?.line;
    if (e.kind === 'dynamic') {
      add('dynamic-map', line, `crypto map ${e.map} ${e.seq} ipsec-isakmp dynamic ${e.dynamicMap ?? ''}`);
      if (e.discover)
        add('ted', line, `crypto map ${e.map} ${e.seq} ipsec-isakmp dynamic ${e.dynamicMap ?? ''} discover`);
    }
    if (e.pfsGroup !== undefined)
      add('pfs', line, `crypto map ${e.map} ${e.seq} (set pfs group${e.pfsGroup})`);
    if (e.peers.length > 1)
      add('multiple-peers', line, `crypto map ${e.map} ${e.seq} (set peer ${e.peers.join(', ')})`);
  }
  for (const d of config.dynamicMaps) {
    if (d.pfsGroup !== undefined)
      add('pfs', d.at?.line, `crypto dynamic-map ${d.name} ${d.seq} (set pfs group${d.pfsGroup})`);
  }
  for (const s of config.cryptoMapSettings) {
    if (s.clientAuthenticationList !== undefined || s.clientAuthenticationServer !== undefined) {
      add(
        'xauth',
        s.sourceLines?.clientAuthentication,
        `crypto map ${s.name} client authentication ${s.clientAuthenticationList ?? s.clientAuthenticationServer ?? ''}`,
      );
    }
    if (s.clientConfiguration !== undefined)
      add(
        'mode-config',
        s.sourceLines?.clientConfiguration,
        `crypto map ${s.name} client configuration address ${s.clientConfiguration}`,
      );
    if (s.localAddressInterface !== undefined)
      add(
        'local-address',
        s.sourceLines?.localAddress,
        `crypto map ${s.name} local-address ${s.localAddressInterface}`,
      );
  }
  for (const g of config.clientGroups ?? []) {
    const group = `crypto isakmp client configuration group ${g.name}`;
    if (g.includeLocalLan === true)
      add('client-group-option', g.sourceLines?.includeLocalLan, `${group} (include-local-lan)`);
  }
  for (const i of config.interfaces) {
    if (i.cryptoMap !== undefined && isTunnelInterface(i) && !isGreIp(i))
      add('gre-tunnel', i.at?.line, `interface ${i.name} (tunnel mode ${i.tunnel?.mode ?? ''})`);
  }
  return out.sort((a, b) => a.line - b.line);
}

/** What this gateway cannot run yet, although the model expresses it. */
export const GATEWAY_REFUSES: readonly Feature[] = ['compression', 'gre-tunnel', 'client-group-option'];

/** A command the gateway will not run, and why. */
export interface Refusal {
  readonly line: number;
  readonly command: string;
  readonly reason: string;
}

export interface RunPlan {
  /** The model the engines get: inert policies and redacted keys left out. */
  readonly runnable: RouterConfig;
  /** Lines that have no effect in this gateway, and why (warnings, not errors). */
  readonly inert: readonly Warning[];
  /** Empty when the gateway can run the configuration. */
  readonly refused: readonly Refusal[];
}

/** Policy-level features: an ISAKMP policy using one is inert when another policy can serve. */
const POLICY_FEATURES: readonly Feature[] = ['rsa-sig', 'rsa-encr'];

const POLICY_REASONS: Readonly<Partial<Record<IsakmpPolicy['authentication'], string>>> = {
  'rsa-sig': 'RSA signatures need a router certificate in `crypto ca certificate chain`, and there is none',
  'rsa-encr':
    "RSA encrypted nonces need the peer's public key in `crypto key pubkey-chain rsa`, and there is none",
  'rsa-encr-revised':
    "RSA encrypted nonces need the peer's public key in `crypto key pubkey-chain rsa`, and there is none",
};

function policyFeature(p: IsakmpPolicy, refused: ReadonlySet<Feature>): Feature | undefined {
  const method = p.authentication === 'rsa-encr-revised' ? 'rsa-encr' : p.authentication;
  const f = POLICY_FEATURES.find((x) => x === method);
  return f !== undefined && refused.has(f) ? f : undefined;
}

/**
 * What the gateway runs of `config`. IOS offers and accepts only the policies it can use, so
 * an unsupported policy beside a usable one is inert; a crypto map entry that only an
 * unsupported policy could serve (no pre-shared key for its peer), a configuration with no
 * usable policy at all, and features without a fallback are refused.
 */
export function planRun(
  config: RouterConfig,
  refusedFeatures: readonly Feature[] = GATEWAY_REFUSES,
): RunPlan {
  const refusedSet = new Set(refusedFeatures);
  // Signatures run once a trust point holds a router certificate (the key is in the key store).
  if (!config.certificates.some((c) => c.role === 'router' && c.der !== undefined)) refusedSet.add('rsa-sig');
  // Encrypted nonces run once the pubkey chain holds a key a peer can be encrypted to; revised
  // mode also once a trust point holds a CA, whose certificates an initiator may send under
  // Ke_i (RFC 2409 §5.3) so that their key serves.
  const chainKey = config.publicKeys.some((k) => k.der !== undefined && k.usage !== 'signature');
  if (!chainKey) refusedSet.add('rsa-encr');
  const caHeld = config.certificates.some((c) => c.role === 'ca' && c.der !== undefined);
  const runs = (p: IsakmpPolicy): boolean =>
    policyFeature(p, refusedSet) === undefined || (p.authentication === 'rsa-encr-revised' && caHeld);
  const refused: Refusal[] = unsupportedFeatures(
    config,
    refusedFeatures.filter((f) => !POLICY_FEATURES.includes(f)),
  );
  const inert: Warning[] = [];
  const usable = config.isakmpPolicies.filter(runs);
  const unusable = config.isakmpPolicies.filter((p) => !runs(p) && p.at);
  // IKEv2 entries (`set ikev2-profile`) need no ISAKMP policy, but what they name must resolve.
  for (const r of resolveIkev2Entries(config)) if (isIkev2Problem(r)) refused.push(r);
  const firstMap = config.cryptoMaps.find((m) => m.ikev2Profile === undefined);
  if (usable.length === 0 && firstMap !== undefined) {
    for (const f of unsupportedFeatures(
      config,
      POLICY_FEATURES.filter((f) => refusedSet.has(f)),
    ))
      refused.push({ ...f, reason: `${f.reason}, and no other ISAKMP policy can run` });
    refused.push({
      line: firstMap.at?.line ?? 0,
      command: `crypto map ${firstMap.map} ${firstMap.seq} ipsec-isakmp`,
      reason:
        unusable.length === 0
          ? 'no ISAKMP policy this gateway can run: only the default policy 65535 (authentication rsa-sig) applies; configure `crypto isakmp policy N` with `authentication pre-share`'
          : 'no ISAKMP policy this gateway can run; configure `crypto isakmp policy N` with `authentication pre-share`',
    });
  } else {
    for (const p of unusable) {
      inert.push({
        line: p.at?.line ?? 0,
        message: `policy ${p.priority} (${p.authentication}) is inert: ${POLICY_REASONS[p.authentication] ?? 'not supported yet'}`,
      });
    }
  }
  const keys = config.presharedKeys.filter((k) => !isRedacted(k.key));
  for (const k of config.presharedKeys) {
    if (!isRedacted(k.key)) continue;
    const peer = k.hostname !== undefined ? `hostname ${k.hostname}` : `address ${k.address ?? '?'}`;
    inert.push({
      line: k.at?.line ?? 0,
      message: `the pre-shared key for ${peer} is redacted (${JSON.stringify(k.key)}): no key for this peer until it is written in clear`,
    });
  }
  for (const g of config.clientGroups ?? []) {
    if (g.idleSeconds === undefined) continue;
    inert.push({
      line: g.sourceLines?.idleSeconds ?? 0,
      message: `vpngroup ${g.name} idle-time ${g.idleSeconds} is inert: this gateway ends a client's SAs by their lifetimes, not by idle time`,
    });
  }
  if (usable.length > 0 && unusable.length > 0) refused.push(...entriesWithoutKey(config, keys, unusable));
  inert.sort((a, b) => a.line - b.line);
  refused.sort((a, b) => a.line - b.line);
  return { runnable: { ...config, isakmpPolicies: usable, presharedKeys: keys }, inert, refused };
}

/**
 * Static crypto map entries none of whose peers has a pre-shared key: only the unsupported
 * policies could authenticate them, so their traffic would never be protected.
 */
function entriesWithoutKey(
  config: RouterConfig,
  keys: RouterConfig['presharedKeys'],
  unusable: readonly IsakmpPolicy[],
): Refusal[] {
  if (keys.some((k) => k.hostname !== undefined)) return []; // any peer may be named by one
  const policies = unusable.map((p) => `policy ${p.priority} (${p.authentication})`).join(', ');
  const out: Refusal[] = [];
  for (const e of config.cryptoMaps) {
    if (e.kind !== 'ipsec-isakmp' || e.peers.length === 0) continue;
    if (e.peers.some((peer) => findPresharedKey(keys, peer) !== undefined)) continue;
    out.push({
      line: e.at?.line ?? 0,
      command: `crypto map ${e.map} ${e.seq} ipsec-isakmp (set peer ${e.peers.join(', ')})`,
      reason: `no pre-shared key for this peer, and ${policies} that could authenticate it ${unusable.length === 1 ? 'is' : 'are'} not supported yet`,
    });
  }
  return out;
}
