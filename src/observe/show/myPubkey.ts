// `show crypto key mypubkey rsa` in the IOS 12.x layout: each of the router's key pairs from the
// key store, usage keys as two entries (Signature Key, then Encryption Key) under one name, the
// public key as SubjectPublicKeyInfo DER in hex words:
//
//   % Key pair was generated at: 06:07:49 UTC Jan 13 1996
//   Key name: myrouter.example.com
//    Usage: Signature Key
//    Key Data:
//     305C300D 06092A86 4886F70D 01010105 00034B00 30480241 00C5E23B 55D6AB22
//     ...

import { iosDate } from './caCertificates.js';
import { iosHexLines } from './hexWords.js';

export interface MyPubkeyView {
  readonly label: string;
  readonly usage: 'general' | 'sign' | 'encr';
  /** ISO time the pair was made (the key file's time). */
  readonly generatedAt: string;
  /** SubjectPublicKeyInfo DER, hex. */
  readonly keyData: string;
}

const USAGE: Readonly<Record<MyPubkeyView['usage'], string>> = {
  general: 'General Purpose Key',
  sign: 'Signature Key',
  encr: 'Encryption Key',
};

export function formatMyPubkeys(views: readonly MyPubkeyView[]): string {
  const out: string[] = [];
  for (const v of views)
    out.push(
      `% Key pair was generated at: ${iosDate(v.generatedAt)}`,
      `Key name: ${v.label}`,
      ` Usage: ${USAGE[v.usage]}`,
      ' Key Data:',
      ...iosHexLines(Buffer.from(v.keyData, 'hex')),
    );
  return out.length > 0 ? `${out.join('\n')}\n` : '';
}
