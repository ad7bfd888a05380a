// PEM (RFC 7468): base64 DER between BEGIN/END lines with a label.

import { PkiError } from './pkix.js';

export interface PemBlock {
  readonly label: string;
  readonly der: Uint8Array;
}

export function pemEncode(label: string, der: Uint8Array): string {
  const base64 = Buffer.from(der).toString('base64');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** Every PEM block of `text`, in order; text around and between blocks is ignored. */
export function pemDecodeAll(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  const pattern = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
  for (const match of text.matchAll(pattern)) {
    const body = (match[2] ?? '').replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body)) throw new PkiError(`PEM ${match[1]}: bad base64`);
    blocks.push({ label: match[1] ?? '', der: new Uint8Array(Buffer.from(body, 'base64')) });
  }
  return blocks;
}

/** The DER of the blocks labelled `label`; a file without PEM armour is read as one DER object. */
export function derObjects(content: Buffer, label: string): Uint8Array[] {
  const text = content.toString('latin1');
  if (!text.includes('-----BEGIN ')) return content.length > 0 ? [new Uint8Array(content)] : [];
  return pemDecodeAll(text)
    .filter((block) => block.label === label)
    .map((block) => block.der);
}
