// `show crypto key pubkey-chain rsa` in the IOS 12.x layout: one line per key of
// `crypto key pubkey-chain rsa` (entered by hand, code M) and per key taken from a peer's
// validated certificate (code C), and with `name NAME` or `address A` the key itself as
// `write terminal` prints a key-string.

import type { CertifiedKey } from '../../ike/certifiedKeys.js';
import type { PublicKeyEntry } from '../../policy/model.js';
import { iosHexLines } from './hexWords.js';

export interface PubkeyChainView {
  readonly code: 'M' | 'C';
  readonly usage: 'General' | 'Encryption' | 'Signature';
  readonly kind: PublicKeyEntry['kind'];
  readonly name: string;
  readonly address?: string;
  /** The key-string as hex; absent when the block did not decode. */
  readonly der?: string;
  /** Code C: the subject of the certificate the key came from. */
  readonly subject?: string;
}

const USAGE: Readonly<Record<NonNullable<PublicKeyEntry['usage']>, PubkeyChainView['usage']>> = {
  encryption: 'Encryption',
  signature: 'Signature',
};

export function pubkeyChainViews(
  keys: readonly PublicKeyEntry[],
  certified: readonly CertifiedKey[] = [],
): PubkeyChainView[] {
  return [
    ...keys.map((k): PubkeyChainView => ({
      code: 'M',
      usage: k.usage ? USAGE[k.usage] : 'General',
      kind: k.kind,
      name: k.name,
      ...(k.address !== undefined ? { address: k.address } : {}),
      ...(k.der !== undefined ? { der: k.der } : {}),
    })),
    ...certified.map((k): PubkeyChainView => ({
      code: 'C',
      usage: 'General',
      kind: k.kind,
      name: k.name,
      ...(k.address !== undefined ? { address: k.address } : {}),
      der: Buffer.from(k.spki).toString('hex'),
      subject: k.subject,
    })),
  ];
}

/** `name NAME` (a named-key, case as IOS compares host names) or `address A`. */
export function selectPubkeys(
  views: readonly PubkeyChainView[],
  by: { readonly name?: string; readonly address?: string },
): PubkeyChainView[] {
  if (by.name !== undefined) {
    const want = by.name.toLowerCase();
    return views.filter((v) => v.kind === 'named-key' && v.name.toLowerCase() === want);
  }
  return views.filter((v) => v.address === by.address);
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
      v.code === 'M' ? ' Source: Manually entered' : ' Source: Certificate',
      ' Data:',
      ...(v.der !== undefined
        ? iosHexLines(Buffer.from(v.der, 'hex'))
        : ['  (the key-string did not decode)']),
    ].join('\n'),
  );
  return `${blocks.join('\n\n')}\n`;
}
