// `show crypto key pubkey-chain rsa` in the IOS 12.x layout: one line per key of
// `crypto key pubkey-chain rsa` (all entered by hand here, code M), and with `name NAME` or
// `address A` the key itself as `write terminal` prints a key-string.

import type { PublicKeyEntry } from '../../policy/model.js';
import { iosHexLines } from './hexWords.js';

export interface PubkeyChainView {
  readonly code: 'M';
  readonly usage: 'General' | 'Encryption' | 'Signature';
  readonly kind: PublicKeyEntry['kind'];
  readonly name: string;
  readonly address?: string;
  /** The key-string as hex; absent when the block did not decode. */
  readonly der?: string;
}

const USAGE: Readonly<Record<NonNullable<PublicKeyEntry['usage']>, PubkeyChainView['usage']>> = {
  encryption: 'Encryption',
  signature: 'Signature',
};

export function pubkeyChainViews(keys: readonly PublicKeyEntry[]): PubkeyChainView[] {
  return keys.map((k) => ({
    code: 'M',
    usage: k.usage ? USAGE[k.usage] : 'General',
    kind: k.kind,
    name: k.name,
    ...(k.address !== undefined ? { address: k.address } : {}),
    ...(k.der !== undefined ? { der: k.der } : {}),
  }));
}

export function formatPubkeyChain(views: readonly PubkeyChainView[]): string {
  const lines = [
    'Codes: M - Manually configured, C - Extracted from certificate',
    '',
    'Code Usage        IP-Address       Name',
  ];
  for (const v of views) {
    const name = v.kind === 'named-key' ? v.name : '';
    lines.push(`${v.code.padEnd(4)} ${v.usage.padEnd(12)} ${(v.address ?? '').padEnd(16)} ${name}`.trimEnd());
  }
  return `${lines.join('\n')}\n`;
}

/** `show crypto key pubkey-chain rsa name NAME | address A`. */
export function formatPubkeyDetail(views: readonly PubkeyChainView[]): string {
  if (views.length === 0) return '% No matching key\n';
  const blocks = views.map((v) =>
    [
      v.kind === 'named-key' ? `Key name: ${v.name}` : `Key address: ${v.address ?? v.name}`,
      ...(v.kind === 'named-key' && v.address !== undefined ? [` Key address: ${v.address}`] : []),
      ` Usage: ${v.usage} ${v.usage === 'General' ? 'Purpose ' : ''}Key`,
      ' Source: Manually entered',
      ' Data:',
      ...(v.der !== undefined
        ? iosHexLines(Buffer.from(v.der, 'hex'))
        : ['  (the key-string did not decode)']),
    ].join('\n'),
  );
  return `${blocks.join('\n\n')}\n`;
}
