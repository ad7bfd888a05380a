// `certificate ... quit` and `key-string ... quit` blocks: IOS prints DER as hex words.
// The bytes are checked the way they will be used: a certificate must parse as X.509, a key
// as SubjectPublicKeyInfo (or PKCS#1 RSAPublicKey). Anything else is reported, not fatal.

import { X509Certificate, createPublicKey } from 'node:crypto';

export type HexDecode = { readonly der: string } | { readonly problem: string };

/** Total length of the outer DER element (tag 0x30, definite length), if well-formed. */
function outerDerLength(bytes: Uint8Array): number | undefined {
  if (bytes.length < 2 || bytes[0] !== 0x30) return undefined;
  const first = bytes[1] ?? 0;
  if (first < 0x80) return 2 + first;
  const count = first & 0x7f;
  if (count === 0 || count > 3 || bytes.length < 2 + count) return undefined;
  let len = 0;
  for (let i = 0; i < count; i++) len = len * 256 + (bytes[2 + i] ?? 0);
  return 2 + count + len;
}

function hexToBytes(hex: string): Uint8Array | undefined {
  if (hex.length === 0 || hex.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(hex)) return undefined;
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

function checkDer(bytes: Uint8Array): string | undefined {
  const outer = outerDerLength(bytes);
  if (outer === undefined) return 'does not start with a DER SEQUENCE';
  if (outer !== bytes.length) return `DER says ${outer} bytes but the block holds ${bytes.length}`;
  return undefined;
}

export function decodeCertificateHex(hex: string): HexDecode {
  const bytes = hexToBytes(hex);
  if (!bytes)
    return { problem: hex.length === 0 ? 'the block holds no data' : 'the block is not whole hex bytes' };
  const derProblem = checkDer(bytes);
  if (derProblem) return { problem: derProblem };
  try {
    new X509Certificate(bytes);
  } catch {
    return { problem: 'the bytes do not decode as an X.509 certificate' };
  }
  return { der: Buffer.from(bytes).toString('hex') };
}

export function decodePublicKeyHex(hex: string): HexDecode {
  const bytes = hexToBytes(hex);
  if (!bytes)
    return { problem: hex.length === 0 ? 'the block holds no data' : 'the block is not whole hex bytes' };
  const derProblem = checkDer(bytes);
  if (derProblem) return { problem: derProblem };
  const buf = Buffer.from(bytes);
  for (const type of ['spki', 'pkcs1'] as const) {
    try {
      createPublicKey({ key: buf, format: 'der', type });
      return { der: buf.toString('hex') };
    } catch {
      // try the next encoding
    }
  }
  return { problem: 'the bytes do not decode as a public key' };
}
