// The CMS (RFC 5652) that SCEP needs: SignedData with signed attributes (one RSA signer),
// EnvelopedData to one RSA key-transport recipient, and the degenerate certificates-only
// SignedData. pkijs gives the ASN.1 structures; Node's crypto does the RSA and the ciphers,
// since WebCrypto has no PKCS#1 v1.5 encryption, which SCEP's key transport is.

import {
  createCipheriv,
  createDecipheriv,
  createHash,
  randomBytes,
  sign,
  timingSafeEqual,
  verify,
  type KeyObject,
} from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { rsaDecrypt, rsaEncrypt } from '../crypto/rsa.js';
import { PkiError, arrayBufferOf, fromDer, publicKeyOf, toDer, usePkijs } from './pkix.js';

export const CONTENT_TYPE = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  envelopedData: '1.2.840.113549.1.7.3',
} as const;

const ATTRIBUTE = {
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
} as const;

const RSA_ENCRYPTION = '1.2.840.113549.1.1.1';

const DIGESTS: Readonly<Record<string, string>> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};
const SHA256 = '2.16.840.1.101.3.4.2.1';

/** Content ciphers by OID (RFC 3565 for AES, RFC 3370 §5.1 for 3DES), with key and IV sizes. */
interface ContentCipher {
  readonly name: string;
  readonly key: number;
  readonly iv: number;
  /** Read, never written: single DES, which some SCEP servers still reply with. */
  readonly readOnly?: boolean;
}
const CIPHERS: Readonly<Record<string, ContentCipher>> = {
  '2.16.840.1.101.3.4.1.2': { name: 'aes-128-cbc', key: 16, iv: 16 },
  '2.16.840.1.101.3.4.1.22': { name: 'aes-192-cbc', key: 24, iv: 16 },
  '2.16.840.1.101.3.4.1.42': { name: 'aes-256-cbc', key: 32, iv: 16 },
  '1.2.840.113549.3.7': { name: 'des-ede3-cbc', key: 24, iv: 8 },
  // DES-CBC (RFC 8018 §B.2.1), which OpenSSL 3 keeps out of its default provider: EDE3 with
  // K1 = K2 = K3 is single DES (the E-D-E of one key cancels to one E).
  '1.3.14.3.2.7': { name: 'des-ede3-cbc', key: 8, iv: 8, readOnly: true },
};

function cipherKey(cipher: ContentCipher, key: Uint8Array): Uint8Array {
  return cipher.name === 'des-ede3-cbc' && cipher.key === 8 ? Buffer.concat([key, key, key]) : key;
}
export const CONTENT_CIPHER = { aes128: '2.16.840.1.101.3.4.1.2', des3: '1.2.840.113549.3.7' } as const;

/** The cipher to answer in: the peer's own, unless it is one we only read (then AES-128). */
export function replyCipher(peerCipherOid: string | undefined): string {
  const cipher = peerCipherOid === undefined ? undefined : CIPHERS[peerCipherOid];
  return peerCipherOid === undefined || cipher === undefined || cipher.readOnly === true
    ? CONTENT_CIPHER.aes128
    : peerCipherOid;
}

/** The bytes of an OCTET STRING, primitive or (BER) constructed. */
export function octetsOf(value: asn1js.OctetString, depth = 0): Uint8Array {
  if (!value.idBlock.isConstructed) return new Uint8Array(value.valueBlock.valueHexView);
  if (depth > 4) throw new PkiError('OCTET STRING nested too deeply');
  const parts = value.valueBlock.value.map((part) => {
    if (!(part instanceof asn1js.OctetString))
      throw new PkiError('constructed OCTET STRING holds something else');
    return octetsOf(part, depth + 1);
  });
  return new Uint8Array(Buffer.concat(parts));
}

function octetString(bytes: Uint8Array): asn1js.OctetString {
  return new asn1js.OctetString({ valueHex: arrayBufferOf(bytes) });
}

function contentInfo(contentType: string, content: asn1js.AsnType): Uint8Array {
  return toDer(new pkijs.ContentInfo({ contentType, content }));
}

function readContentInfo(der: Uint8Array, contentType: string, what: string): pkijs.ContentInfo {
  usePkijs();
  const info = fromDer(der, what, (schema) => new pkijs.ContentInfo({ schema }));
  if (info.contentType !== contentType)
    throw new PkiError(`${what}: content type ${info.contentType}, ${contentType} expected`);
  return info;
}

/** DER orders a SET OF by its members' encodings (X.690 §11.6); OpenSSL re-encodes to check. */
function derSetOrder(attributes: readonly pkijs.Attribute[]): pkijs.Attribute[] {
  const encoded = attributes.map((attribute) => ({ attribute, der: Buffer.from(toDer(attribute)) }));
  encoded.sort((a, b) => Buffer.compare(a.der, b.der));
  return encoded.map((entry) => entry.attribute);
}

/** The signed attributes as signed: the [0] IMPLICIT SET re-tagged as a SET (RFC 5652 §5.4). */
function signedAttributesInput(encoded: Uint8Array): Buffer {
  const copy = Buffer.from(encoded);
  copy[0] = 0x31;
  return copy;
}

export interface Signer {
  readonly certificate: pkijs.Certificate;
  readonly key: KeyObject;
}

/** A SignedData over `content` (absent: none) with `attributes` signed beside contentType and messageDigest. */
export function signData(
  content: Uint8Array | undefined,
  attributes: readonly pkijs.Attribute[],
  signer: Signer,
  certificates: readonly pkijs.Certificate[],
  now: Date,
): Uint8Array {
  usePkijs();
  const digest = createHash('sha256')
    .update(content ?? new Uint8Array(0))
    .digest();
  const all = derSetOrder([
    new pkijs.Attribute({
      type: ATTRIBUTE.contentType,
      values: [new asn1js.ObjectIdentifier({ value: CONTENT_TYPE.data })],
    }),
    new pkijs.Attribute({ type: ATTRIBUTE.messageDigest, values: [octetString(digest)] }),
    new pkijs.Attribute({ type: ATTRIBUTE.signingTime, values: [new asn1js.UTCTime({ valueDate: now })] }),
    ...attributes,
  ]);
  const signedAttrs = new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes: all });
  const signature = sign('sha256', signedAttributesInput(toDer(signedAttrs)), signer.key);
  const signerInfo = new pkijs.SignerInfo({
    version: 1,
    sid: new pkijs.IssuerAndSerialNumber({
      issuer: signer.certificate.issuer,
      serialNumber: signer.certificate.serialNumber,
    }),
    digestAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: SHA256 }),
    signedAttrs,
    signatureAlgorithm: new pkijs.AlgorithmIdentifier({
      algorithmId: RSA_ENCRYPTION,
      algorithmParams: new asn1js.Null(),
    }),
    signature: octetString(signature),
  });
  const encapContentInfo = new pkijs.EncapsulatedContentInfo({ eContentType: CONTENT_TYPE.data });
  if (content !== undefined) encapContentInfo.eContent = octetString(content); // primitive: no BER split
  const signed = new pkijs.SignedData({
    version: 1,
    digestAlgorithms: [new pkijs.AlgorithmIdentifier({ algorithmId: SHA256 })],
    encapContentInfo,
    certificates: [...certificates],
    signerInfos: [signerInfo],
  });
  return contentInfo(CONTENT_TYPE.signedData, signed.toSchema(true));
}

export interface SignedMessage {
  readonly content: Uint8Array | undefined;
  /** Signed attributes by OID: the first value of each. */
  readonly attributes: ReadonlyMap<string, asn1js.AsnType>;
  /** The certificate the signer is named by, when the message carries it (or it is trusted). */
  readonly signerCertificate: pkijs.Certificate | undefined;
  readonly certificates: readonly pkijs.Certificate[];
  /** Whether the signature over the signed attributes verifies with `publicKey`. */
  readonly verifiedBy: (publicKey: KeyObject) => boolean;
}

export interface VerifiedData extends SignedMessage {
  readonly signerCertificate: pkijs.Certificate;
}

function sameIssuerSerial(sid: pkijs.IssuerAndSerialNumber, certificate: pkijs.Certificate): boolean {
  return sid.issuer.isEqual(certificate.issuer) && sid.serialNumber.isEqual(certificate.serialNumber);
}

/**
 * Reads a SignedData with one signer and checks messageDigest against the content; the
 * signature is checked by `verifiedBy`. The signer's certificate is looked up by issuer and
 * serial among `trusted` (when given) or the certificates the message carries.
 */
export function readSignedData(der: Uint8Array, trusted?: readonly pkijs.Certificate[]): SignedMessage {
  const info = readContentInfo(der, CONTENT_TYPE.signedData, 'SignedData');
  const signed = fromDer(
    new Uint8Array(info.content.toBER(false)),
    'SignedData',
    (schema) => new pkijs.SignedData({ schema }),
  );
  const carried = (signed.certificates ?? []).filter(
    (c): c is pkijs.Certificate => c instanceof pkijs.Certificate,
  );
  const signerInfo = signed.signerInfos[0];
  if (signed.signerInfos.length !== 1 || signerInfo === undefined)
    throw new PkiError('SignedData: one signer expected');
  if (!(signerInfo.sid instanceof pkijs.IssuerAndSerialNumber))
    throw new PkiError('SignedData: signer not named by issuer and serial');
  const sid = signerInfo.sid;
  const signerCertificate = (trusted ?? carried).find((certificate) => sameIssuerSerial(sid, certificate));
  const digestName = DIGESTS[signerInfo.digestAlgorithm.algorithmId];
  if (digestName === undefined)
    throw new PkiError(`SignedData: digest ${signerInfo.digestAlgorithm.algorithmId} not supported`);
  const eContent = signed.encapContentInfo.eContent;
  const content = eContent instanceof asn1js.OctetString ? octetsOf(eContent) : undefined;
  const signedAttrs = signerInfo.signedAttrs;
  if (signedAttrs === undefined) throw new PkiError('SignedData: no signed attributes');
  const attributes = new Map<string, asn1js.AsnType>();
  for (const attribute of signedAttrs.attributes) {
    const first = attribute.values[0];
    if (first !== undefined && !attributes.has(attribute.type)) attributes.set(attribute.type, first);
  }
  const messageDigest = attributes.get(ATTRIBUTE.messageDigest);
  const expected = createHash(digestName)
    .update(content ?? new Uint8Array(0))
    .digest();
  if (
    !(messageDigest instanceof asn1js.OctetString) ||
    octetsOf(messageDigest).length !== expected.length ||
    !timingSafeEqual(octetsOf(messageDigest), expected)
  )
    throw new PkiError('SignedData: messageDigest does not match the content');
  const signature = octetsOf(signerInfo.signature);
  const input = signedAttributesInput(new Uint8Array(signedAttrs.encodedValue));
  const verifiedBy = (publicKey: KeyObject): boolean => {
    try {
      return verify(digestName, input, publicKey, signature);
    } catch {
      return false;
    }
  };
  return { content, attributes, signerCertificate, certificates: carried, verifiedBy };
}

/** readSignedData, and the signature must verify with the signer's certificate. */
export function verifySignedData(der: Uint8Array, trusted?: readonly pkijs.Certificate[]): VerifiedData {
  const message = readSignedData(der, trusted);
  const signer = message.signerCertificate;
  if (signer === undefined) throw new PkiError("SignedData: the signer's certificate is unknown");
  if (!message.verifiedBy(publicKeyOf(signer.subjectPublicKeyInfo)))
    throw new PkiError('SignedData: the signature does not verify');
  return { ...message, signerCertificate: signer };
}

/** An EnvelopedData of `content` for the RSA key of `recipient` (RFC 5652 §6, key transport). */
export function envelope(content: Uint8Array, recipient: pkijs.Certificate, cipherOid: string): Uint8Array {
  usePkijs();
  const cipher = CIPHERS[cipherOid];
  if (cipher === undefined || cipher.readOnly === true)
    throw new PkiError(`cipher ${cipherOid} not supported`);
  const key = randomBytes(cipher.key);
  const iv = randomBytes(cipher.iv);
  const encipher = createCipheriv(cipher.name, key, iv);
  const encrypted = Buffer.concat([encipher.update(content), encipher.final()]);
  const encryptedKey = rsaEncrypt(publicKeyOf(recipient.subjectPublicKeyInfo), key);
  key.fill(0);
  const recipientInfo = new pkijs.RecipientInfo({
    variant: 1,
    value: new pkijs.KeyTransRecipientInfo({
      version: 0,
      rid: new pkijs.IssuerAndSerialNumber({
        issuer: recipient.issuer,
        serialNumber: recipient.serialNumber,
      }),
      keyEncryptionAlgorithm: new pkijs.AlgorithmIdentifier({
        algorithmId: RSA_ENCRYPTION,
        algorithmParams: new asn1js.Null(),
      }),
      encryptedKey: octetString(encryptedKey),
    }),
  });
  const encryptedContentInfo = new pkijs.EncryptedContentInfo({
    contentType: CONTENT_TYPE.data,
    contentEncryptionAlgorithm: new pkijs.AlgorithmIdentifier({
      algorithmId: cipherOid,
      algorithmParams: octetString(iv),
    }),
  });
  encryptedContentInfo.encryptedContent = octetString(encrypted); // primitive: no BER split
  const enveloped = new pkijs.EnvelopedData({
    version: 0,
    recipientInfos: [recipientInfo],
    encryptedContentInfo,
  });
  return contentInfo(CONTENT_TYPE.envelopedData, enveloped.toSchema());
}

export interface OpenedEnvelope {
  readonly content: Uint8Array;
  readonly cipherOid: string;
}

/**
 * Decrypts an EnvelopedData addressed to `recipient`. A bad RSA block decrypts (implicit
 * rejection, crypto/rsa.ts) to a wrong key, so it fails as a wrong content key does: one error.
 */
export function openEnvelope(der: Uint8Array, recipient: pkijs.Certificate, key: KeyObject): OpenedEnvelope {
  const info = readContentInfo(der, CONTENT_TYPE.envelopedData, 'EnvelopedData');
  const enveloped = fromDer(
    new Uint8Array(info.content.toBER(false)),
    'EnvelopedData',
    (schema) => new pkijs.EnvelopedData({ schema }),
  );
  const transport = enveloped.recipientInfos
    .map((recipientInfo) => recipientInfo.value)
    .find(
      (value): value is pkijs.KeyTransRecipientInfo =>
        value instanceof pkijs.KeyTransRecipientInfo &&
        value.rid instanceof pkijs.IssuerAndSerialNumber &&
        sameIssuerSerial(value.rid, recipient),
    );
  if (transport === undefined) throw new PkiError('EnvelopedData: not addressed to this certificate');
  if (transport.keyEncryptionAlgorithm.algorithmId !== RSA_ENCRYPTION)
    throw new PkiError(
      `EnvelopedData: key transport ${transport.keyEncryptionAlgorithm.algorithmId} not supported`,
    );
  const algorithm = enveloped.encryptedContentInfo.contentEncryptionAlgorithm;
  const cipher = CIPHERS[algorithm.algorithmId];
  if (cipher === undefined)
    throw new PkiError(`EnvelopedData: cipher ${algorithm.algorithmId} not supported`);
  const ivValue: unknown = algorithm.algorithmParams;
  const iv = ivValue instanceof asn1js.OctetString ? octetsOf(ivValue) : new Uint8Array(0);
  const encrypted = enveloped.encryptedContentInfo.encryptedContent;
  if (iv.length !== cipher.iv || encrypted === undefined)
    throw new PkiError('EnvelopedData: malformed content encryption');
  const contentKey = rsaDecrypt(key, octetsOf(transport.encryptedKey));
  try {
    if (contentKey.length !== cipher.key) throw new PkiError('EnvelopedData: does not decrypt');
    const decipher = createDecipheriv(cipher.name, cipherKey(cipher, contentKey), iv);
    const content = Buffer.concat([decipher.update(octetsOf(encrypted)), decipher.final()]);
    return { content: new Uint8Array(content), cipherOid: algorithm.algorithmId };
  } catch {
    throw new PkiError('EnvelopedData: does not decrypt');
  } finally {
    contentKey.fill(0);
  }
}

/** A certificates-only SignedData (RFC 8894 §3.4: the CertRep's content, GetCACert's chain). */
export function certificatesOnly(certificates: readonly pkijs.Certificate[]): Uint8Array {
  usePkijs();
  const signed = new pkijs.SignedData({
    version: 1,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: CONTENT_TYPE.data }),
    certificates: [...certificates],
  });
  return contentInfo(CONTENT_TYPE.signedData, signed.toSchema(true));
}

export function readCertificatesOnly(der: Uint8Array): pkijs.Certificate[] {
  const info = readContentInfo(der, CONTENT_TYPE.signedData, 'certificates-only SignedData');
  const signed = fromDer(
    new Uint8Array(info.content.toBER(false)),
    'SignedData',
    (schema) => new pkijs.SignedData({ schema }),
  );
  return (signed.certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate);
}
