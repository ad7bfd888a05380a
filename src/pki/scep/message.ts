// SCEP pkiMessages (RFC 8894 §3): a SignedData whose signed attributes say the message type,
// transaction and nonces, whose content is an EnvelopedData (pkcsPKIEnvelope) of the request
// or of the reply. Building and reading them; transport is client.ts and server.ts.

import { randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { envelope, octetsOf, openEnvelope, readSignedData, signData } from '../cms.js';
import { PkiError, arrayBufferOf, fromDer, publicKeyOf } from '../pkix.js';

/** RFC 8894 §3.2.1.2. */
export const ScepAttribute = {
  messageType: '2.16.840.1.113733.1.9.2',
  pkiStatus: '2.16.840.1.113733.1.9.3',
  failInfo: '2.16.840.1.113733.1.9.4',
  senderNonce: '2.16.840.1.113733.1.9.5',
  recipientNonce: '2.16.840.1.113733.1.9.6',
  transactionID: '2.16.840.1.113733.1.9.7',
} as const;

/** RFC 8894 §3.2.1.2: messageType values. */
export const MessageType = {
  CertRep: '3',
  RenewalReq: '17',
  PKCSReq: '19',
  CertPoll: '20',
  GetCert: '21',
  GetCRL: '22',
} as const;
export type MessageTypeValue = (typeof MessageType)[keyof typeof MessageType];

export const PkiStatus = { SUCCESS: '0', FAILURE: '2', PENDING: '3' } as const;
export type PkiStatusValue = (typeof PkiStatus)[keyof typeof PkiStatus];

export const FailInfo = {
  badAlg: '0',
  badMessageCheck: '1',
  badRequest: '2',
  badTime: '3',
  badCertId: '4',
} as const;
export type FailInfoValue = (typeof FailInfo)[keyof typeof FailInfo];

export function failInfoName(value: string): string {
  return Object.entries(FailInfo).find(([, code]) => code === value)?.[0] ?? `failInfo ${value}`;
}

export const NONCE_LENGTH = 16;

export function newNonce(): Uint8Array {
  return new Uint8Array(randomBytes(NONCE_LENGTH));
}

function printable(type: string, value: string): pkijs.Attribute {
  return new pkijs.Attribute({ type, values: [new asn1js.PrintableString({ value })] });
}

function octets(type: string, value: Uint8Array): pkijs.Attribute {
  return new pkijs.Attribute({ type, values: [new asn1js.OctetString({ valueHex: arrayBufferOf(value) })] });
}

export interface OutgoingMessage {
  readonly messageType: MessageTypeValue;
  readonly transactionId: string;
  readonly senderNonce: Uint8Array;
  readonly recipientNonce?: Uint8Array;
  readonly pkiStatus?: PkiStatusValue;
  readonly failInfo?: FailInfoValue;
  /** The messageData, enveloped for `recipient` (none for a CertRep of FAILURE or PENDING). */
  readonly content?: {
    readonly data: Uint8Array;
    readonly recipient: pkijs.Certificate;
    readonly cipherOid: string;
  };
}

export function buildPkiMessage(
  message: OutgoingMessage,
  signer: { readonly certificate: pkijs.Certificate; readonly key: KeyObject },
  now: Date,
): Uint8Array {
  const attributes = [
    printable(ScepAttribute.messageType, message.messageType),
    printable(ScepAttribute.transactionID, message.transactionId),
    octets(ScepAttribute.senderNonce, message.senderNonce),
  ];
  if (message.recipientNonce !== undefined)
    attributes.push(octets(ScepAttribute.recipientNonce, message.recipientNonce));
  if (message.pkiStatus !== undefined) attributes.push(printable(ScepAttribute.pkiStatus, message.pkiStatus));
  if (message.failInfo !== undefined) attributes.push(printable(ScepAttribute.failInfo, message.failInfo));
  const enveloped =
    message.content === undefined
      ? undefined
      : envelope(message.content.data, message.content.recipient, message.content.cipherOid);
  return signData(enveloped, attributes, signer, [signer.certificate], now);
}

export interface IncomingMessage {
  readonly messageType: string;
  readonly transactionId: string;
  readonly senderNonce: Uint8Array | undefined;
  readonly recipientNonce: Uint8Array | undefined;
  readonly pkiStatus: string | undefined;
  readonly failInfo: string | undefined;
  /** The pkcsPKIEnvelope, still encrypted. */
  readonly envelope: Uint8Array | undefined;
  /** The certificate the signer names, when carried (or among the trusted). */
  readonly signerCertificate: pkijs.Certificate | undefined;
  /** The signature verifies with the signer certificate's key. */
  readonly signerVerified: boolean;
  readonly verifiedBy: (publicKey: KeyObject) => boolean;
}

function stringAttribute(attributes: ReadonlyMap<string, asn1js.AsnType>, type: string): string | undefined {
  const value = attributes.get(type);
  return value instanceof asn1js.BaseStringBlock ? value.getValue() : undefined;
}

function octetsAttribute(
  attributes: ReadonlyMap<string, asn1js.AsnType>,
  type: string,
): Uint8Array | undefined {
  const value = attributes.get(type);
  return value instanceof asn1js.OctetString ? octetsOf(value) : undefined;
}

/**
 * Reads a pkiMessage's attributes and checks its signature with the signer's certificate
 * (one of `trusted`, else the one it carries): `signerVerified` says the verdict, and
 * `verifiedBy` checks it with another key (a PKCSReq is signed by the key it asks a
 * certificate for, RFC 8894 §3.3.1, which some clients carry no certificate of).
 */
export function readPkiMessage(der: Uint8Array, trusted?: readonly pkijs.Certificate[]): IncomingMessage {
  const verified = readSignedData(der, trusted);
  const messageType = stringAttribute(verified.attributes, ScepAttribute.messageType);
  const transactionId = stringAttribute(verified.attributes, ScepAttribute.transactionID);
  if (messageType === undefined || transactionId === undefined)
    throw new PkiError('pkiMessage: messageType or transactionID missing');
  return {
    messageType,
    transactionId,
    senderNonce: octetsAttribute(verified.attributes, ScepAttribute.senderNonce),
    recipientNonce: octetsAttribute(verified.attributes, ScepAttribute.recipientNonce),
    pkiStatus: stringAttribute(verified.attributes, ScepAttribute.pkiStatus),
    failInfo: stringAttribute(verified.attributes, ScepAttribute.failInfo),
    envelope: verified.content !== undefined && verified.content.length > 0 ? verified.content : undefined,
    signerCertificate: verified.signerCertificate,
    signerVerified:
      verified.signerCertificate !== undefined &&
      verified.verifiedBy(publicKeyOf(verified.signerCertificate.subjectPublicKeyInfo)),
    verifiedBy: verified.verifiedBy,
  };
}

export function openMessageData(
  message: IncomingMessage,
  recipient: pkijs.Certificate,
  key: KeyObject,
): { data: Uint8Array; cipherOid: string } {
  if (message.envelope === undefined) throw new PkiError('pkiMessage: no pkcsPKIEnvelope');
  const opened = openEnvelope(message.envelope, recipient, key);
  return { data: opened.content, cipherOid: opened.cipherOid };
}

export function sameNonce(a: Uint8Array | undefined, b: Uint8Array): boolean {
  return a !== undefined && a.length === b.length && timingSafeEqual(a, b);
}

/** IssuerAndSubject (RFC 8894 §3.3.3): the messageData of a CertPoll. */
export function issuerAndSubject(
  issuer: pkijs.RelativeDistinguishedNames,
  subject: pkijs.RelativeDistinguishedNames,
): Uint8Array {
  return new Uint8Array(new asn1js.Sequence({ value: [issuer.toSchema(), subject.toSchema()] }).toBER(false));
}

export function readIssuerAndSubject(der: Uint8Array): {
  issuer: pkijs.RelativeDistinguishedNames;
  subject: pkijs.RelativeDistinguishedNames;
} {
  return fromDer(der, 'IssuerAndSubject', (schema) => {
    if (!(schema instanceof asn1js.Sequence) || schema.valueBlock.value.length !== 2)
      throw new PkiError('not a SEQUENCE of issuer and subject');
    const [issuer, subject] = schema.valueBlock.value.map((name) => {
      return new pkijs.RelativeDistinguishedNames({ schema: name });
    });
    if (issuer === undefined || subject === undefined) throw new PkiError('two names expected');
    return { issuer, subject };
  });
}
