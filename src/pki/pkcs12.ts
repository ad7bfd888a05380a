// PKCS#12 (RFC 7292) files of one key pair and its certificates: the key in a shrouded key
// bag under PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC, RFC 8018), certificates in a plain safe,
// and the whole under a SHA-256 password MAC, the profile `openssl pkcs12 -export` writes by
// default since OpenSSL 3. Legacy files (RC2/3DES PKCS#12 PBE) are refused with a reason.

import { createPrivateKey, type KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { PkiError, arrayBufferOf, fromDer, parseCertificateDer, toDer, usePkijs } from './pkix.js';

const BAG = {
  key: '1.2.840.113549.1.12.10.1.1',
  shroudedKey: '1.2.840.113549.1.12.10.1.2',
  cert: '1.2.840.113549.1.12.10.1.3',
} as const;
const X509_CERTIFICATE = '1.2.840.113549.1.9.22.1';
const FRIENDLY_NAME = '1.2.840.113549.1.9.20';
const LOCAL_KEY_ID = '1.2.840.113549.1.9.21';
const ITERATIONS = 10_000;

export interface Pkcs12Contents {
  readonly key: KeyObject;
  /** The key's certificate first (when there is one), then the others as found. */
  readonly certificates: readonly Uint8Array[];
}

function passwordBytes(password: string): ArrayBuffer {
  return arrayBufferOf(new TextEncoder().encode(password));
}

export async function writePkcs12(
  contents: Pkcs12Contents,
  password: string,
  friendlyName: string,
): Promise<Uint8Array> {
  usePkijs();
  const pkcs8 = contents.key.export({ type: 'pkcs8', format: 'der' });
  const keyInfo = fromDer(pkcs8, 'private key', (schema) => new pkijs.PrivateKeyInfo({ schema }));
  pkcs8.fill(0);
  const localKeyId = new pkijs.Attribute({
    type: LOCAL_KEY_ID,
    values: [new asn1js.OctetString({ valueHex: Uint8Array.of(1).buffer })],
  });
  const name = new pkijs.Attribute({
    type: FRIENDLY_NAME,
    values: [new asn1js.BmpString({ value: friendlyName })],
  });
  const keyBag = new pkijs.PKCS8ShroudedKeyBag({ parsedValue: keyInfo });
  await keyBag.makeInternalValues({
    password: passwordBytes(password),
    contentEncryptionAlgorithm: { name: 'AES-CBC', length: 256 },
    hmacHashAlgorithm: 'SHA-256',
    iterationCount: ITERATIONS,
  });
  const certBags = contents.certificates.map(
    (der, index) =>
      new pkijs.SafeBag({
        bagId: BAG.cert,
        bagValue: new pkijs.CertBag({ parsedValue: parseCertificateDer(der) }),
        ...(index === 0 ? { bagAttributes: [localKeyId] } : {}),
      }),
  );
  const keySafe = new pkijs.SafeContents({
    safeBags: [
      new pkijs.SafeBag({ bagId: BAG.shroudedKey, bagValue: keyBag, bagAttributes: [localKeyId, name] }),
    ],
  });
  const safeContents = [{ privacyMode: 0, value: keySafe }];
  if (certBags.length > 0)
    safeContents.push({ privacyMode: 0, value: new pkijs.SafeContents({ safeBags: certBags }) });
  const authenticatedSafe = new pkijs.AuthenticatedSafe({ parsedValue: { safeContents } });
  await authenticatedSafe.makeInternalValues({ safeContents: safeContents.map(() => ({})) });
  const pfx = new pkijs.PFX({ parsedValue: { integrityMode: 0, authenticatedSafe } });
  await pfx.makeInternalValues({
    password: passwordBytes(password),
    iterations: ITERATIONS,
    pbkdf2HashAlgorithm: 'SHA-256',
    hmacHashAlgorithm: 'SHA-256',
  });
  return toDer(pfx);
}

function failure(what: string, error: unknown): PkiError {
  return new PkiError(`PKCS#12 ${what}: ${error instanceof Error ? error.message : String(error)}`);
}

interface SafeContentsEntry {
  readonly value: pkijs.SafeContents;
}

/** Reads a PKCS#12 file: checks the MAC with `password`, decrypts the key and certificates. */
export async function readPkcs12(der: Uint8Array, password: string): Promise<Pkcs12Contents> {
  usePkijs();
  const pfx = fromDer(der, 'PKCS#12', (schema) => new pkijs.PFX({ schema }));
  const secret = passwordBytes(password);
  try {
    await pfx.parseInternalValues({ password: secret, checkIntegrity: true });
  } catch (error) {
    const broken = error instanceof Error && /Integrity/.test(error.message);
    throw broken
      ? new PkiError('PKCS#12: MAC verify failure (wrong password?)')
      : failure('integrity', error);
  }
  const authenticatedSafe = pfx.parsedValue?.authenticatedSafe;
  if (authenticatedSafe === undefined) throw new PkiError('PKCS#12: no authenticated safe');
  try {
    await authenticatedSafe.parseInternalValues({
      safeContents: authenticatedSafe.safeContents.map(() => ({ password: secret })),
    });
  } catch (error) {
    throw failure('safe contents (only PBES2-encrypted safes are read)', error);
  }
  const parsed = authenticatedSafe.parsedValue as { safeContents: SafeContentsEntry[] } | undefined;
  let key: KeyObject | undefined;
  let keyId: string | undefined;
  const certificates: { der: Uint8Array; keyId: string | undefined }[] = [];
  for (const content of parsed?.safeContents ?? []) {
    for (const bag of content.value.safeBags) {
      const id = localKeyIdOf(bag);
      if (bag.bagId === BAG.shroudedKey || bag.bagId === BAG.key) {
        if (key !== undefined) throw new PkiError('PKCS#12: more than one private key');
        const info = await privateKeyInfoOf(bag, secret);
        const pkcs8 = toDer(info);
        key = createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
        pkcs8.fill(0);
        keyId = id;
      } else if (bag.bagId === BAG.cert) {
        const certBag = bag.bagValue as pkijs.CertBag;
        if (certBag.certId !== X509_CERTIFICATE || !(certBag.certValue instanceof asn1js.OctetString))
          continue;
        certificates.push({ der: new Uint8Array(certBag.certValue.valueBlock.valueHexView), keyId: id });
      }
    }
  }
  if (key === undefined) throw new PkiError('PKCS#12: no private key');
  const own = certificates.filter((cert) => keyId !== undefined && cert.keyId === keyId);
  const others = certificates.filter((cert) => !own.includes(cert));
  return { key, certificates: [...own, ...others].map((cert) => cert.der) };
}

async function privateKeyInfoOf(bag: pkijs.SafeBag, password: ArrayBuffer): Promise<pkijs.PrivateKeyInfo> {
  if (bag.bagId === BAG.key) return bag.bagValue as pkijs.PrivateKeyInfo;
  const shrouded = bag.bagValue as pkijs.PKCS8ShroudedKeyBag;
  const encrypted = new pkijs.EncryptedData({
    encryptedContentInfo: new pkijs.EncryptedContentInfo({
      contentEncryptionAlgorithm: shrouded.encryptionAlgorithm,
      encryptedContent: shrouded.encryptedData,
    }),
  });
  let plain: ArrayBuffer;
  try {
    plain = await encrypted.decrypt({ password });
  } catch (error) {
    throw failure('key bag (only PBES2 is read: re-export with OpenSSL 3 defaults)', error);
  }
  return fromDer(new Uint8Array(plain), 'PKCS#12 key bag', (schema) => new pkijs.PrivateKeyInfo({ schema }));
}

function localKeyIdOf(bag: pkijs.SafeBag): string | undefined {
  const attribute = bag.bagAttributes?.find((a) => a.type === LOCAL_KEY_ID);
  const value: unknown = attribute?.values[0];
  return value instanceof asn1js.OctetString
    ? Buffer.from(value.valueBlock.valueHexView).toString('hex')
    : undefined;
}
