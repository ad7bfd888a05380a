// The one bridge between Node's keys and pkijs: pkijs runs on Node's WebCrypto, keys live as
// Node KeyObjects (the key store's PKCS#8 files), and DER crosses as Uint8Array.

import { createPublicKey, randomBytes, webcrypto, type KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

export class PkiError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PkiError';
  }
}

let engineSet = false;

/** Installs Node's WebCrypto as pkijs's engine (once). Every pkijs user in src/pki calls it. */
export function usePkijs(): void {
  if (engineSet) return;
  const crypto = webcrypto;
  pkijs.setEngine('node', new pkijs.CryptoEngine({ name: 'node', crypto }));
  engineSet = true;
}

export function arrayBufferOf(bytes: Uint8Array): ArrayBuffer {
  const copy = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(copy).set(bytes);
  return copy;
}

/** Decodes DER into a pkijs object; anything malformed is a PkiError naming `what`. */
export function fromDer<T>(der: Uint8Array, what: string, make: (schema: asn1js.AsnType) => T): T {
  const parsed = asn1js.fromBER(arrayBufferOf(der));
  if (parsed.offset === -1) throw new PkiError(`${what}: not DER (${parsed.result.error})`);
  try {
    return make(parsed.result);
  } catch (error) {
    throw new PkiError(`${what}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export function toDer(object: { toSchema(): asn1js.AsnType }): Uint8Array {
  return new Uint8Array(object.toSchema().toBER(false));
}

export function parseCertificateDer(der: Uint8Array): pkijs.Certificate {
  return fromDer(der, 'certificate', (schema) => new pkijs.Certificate({ schema }));
}

/** A pkijs signing key for RSASSA-PKCS1-v1_5 with SHA-256 from a Node private key. */
export async function signingKey(privateKey: KeyObject): Promise<webcrypto.CryptoKey> {
  usePkijs();
  const der = privateKey.export({ type: 'pkcs8', format: 'der' });
  try {
    return await webcrypto.subtle.importKey(
      'pkcs8',
      der,
      { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
      false,
      ['sign'],
    );
  } finally {
    der.fill(0);
  }
}

export function publicKeyInfo(key: KeyObject): pkijs.PublicKeyInfo {
  const spki = createPublicKey(key).export({ type: 'spki', format: 'der' });
  return fromDer(spki, 'public key', (schema) => new pkijs.PublicKeyInfo({ schema }));
}

export function publicKeyOf(info: pkijs.PublicKeyInfo): KeyObject {
  return createPublicKey({ key: Buffer.from(toDer(info)), format: 'der', type: 'spki' });
}

/** A positive INTEGER from big-endian bytes (a leading 0x00 keeps the sign bit clear). */
export function integerOf(bytes: Uint8Array): asn1js.Integer {
  const body = (bytes[0] ?? 0) & 0x80 ? Uint8Array.of(0, ...bytes) : bytes;
  return new asn1js.Integer({ valueHex: arrayBufferOf(body) });
}

/** A fresh certificate serial: 16 random bytes, positive (RFC 5280 §4.1.2.2: at most 20). */
export function randomSerial(): asn1js.Integer {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return integerOf(bytes);
}

/** A serial as the upper-case hex IOS and OpenSSL print, without leading zeros. */
export function serialHex(serial: asn1js.Integer): string {
  const hex = Buffer.from(serial.valueBlock.valueHexView)
    .toString('hex')
    .replace(/^0+(?=.)/, '');
  return hex.toUpperCase();
}

export function hexOf(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex').toUpperCase();
}
