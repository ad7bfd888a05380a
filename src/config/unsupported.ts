// Features the model can express but a given gateway build cannot run. The gateway calls
// unsupportedFeatures(config, whatItCannotRun) at start and refuses to run when the list is
// not empty, naming each command and its line: nothing is ever silently ignored.

import type { RouterConfig } from '../policy/model.js';

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
  | 'compression' // comp-lzs
  | 'pfs' // set pfs
  | 'keepalive' // crypto isakmp keepalive (DPD)
  | 'hostname-identity' // crypto isakmp identity hostname
  | 'hostname-key' // crypto isakmp key K hostname H
  | 'local-address' // crypto map NAME local-address IF
  | 'multiple-peers' // several `set peer` in one entry
  | 'gre-tunnel'; // interface TunnelN with a crypto map

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
  compression: 'IPComp (comp-lzs)',
  pfs: 'perfect forward secrecy (set pfs)',
  keepalive: 'ISAKMP keepalives (DPD)',
  'hostname-identity': 'hostname ISAKMP identity',
  'hostname-key': 'pre-shared keys by hostname',
  'local-address': 'crypto map local-address',
  'multiple-peers': 'several peers in one crypto map entry',
  'gre-tunnel': 'crypto maps on tunnel interfaces',
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
    if (p.authentication === 'rsa-encr')
      add('rsa-encr', p.at.line, `crypto isakmp policy ${p.priority} (authentication rsa-encr)`);
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
    if (t.compression) add('compression', line, `crypto ipsec transform-set ${t.name} (comp-lzs)`);
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
  for (const i of config.interfaces) {
    if (i.cryptoMap !== undefined && i.tunnel !== undefined)
      add('gre-tunnel', i.at?.line, `interface ${i.name} (crypto map ${i.cryptoMap})`);
  }
  return out.sort((a, b) => a.line - b.line);
}
