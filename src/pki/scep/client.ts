// A SCEP client (RFC 8894), as IOS `crypto ca authenticate` and `crypto ca enroll` are:
// GetCACaps and GetCACert (§4.1, §4.2), then PKCSReq signed with a self-signed certificate of
// the new key, the CSR enveloped for the CA (or its RA), and on PENDING the CertPoll
// (GetCertInitial) of §3.3.3 until the CA grants or refuses.

import { createHash, type KeyObject } from 'node:crypto';
import * as pkijs from 'pkijs';
import { signCertificate } from '../certificate.js';
import { CONTENT_CIPHER, readCertificatesOnly } from '../cms.js';
import { KeyUsageBit } from '../extensions.js';
import { PkiError, parseCertificateDer, publicKeyInfo, randomSerial, toDer } from '../pkix.js';
import {
  MessageType,
  PkiStatus,
  buildPkiMessage,
  failInfoName,
  issuerAndSubject,
  newNonce,
  openMessageData,
  readPkiMessage,
  sameNonce,
  type IncomingMessage,
  type MessageTypeValue,
} from './message.js';

const MAX_RESPONSE = 1 << 20;
const HTTP_TIMEOUT_MS = 30_000;

export interface CaCertificates {
  /** The CA certificate (self-issued, basicConstraints CA). */
  readonly ca: pkijs.Certificate;
  readonly caDer: Uint8Array;
  /** Who signs the replies and decrypts the requests: the RA when there is one, else the CA. */
  readonly recipient: pkijs.Certificate;
  readonly all: readonly pkijs.Certificate[];
}

async function httpGet(url: URL): Promise<{ type: string; body: Uint8Array }> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) });
  } catch (error) {
    throw new PkiError(`${url.origin}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return readResponse(url, response);
}

async function readResponse(url: URL, response: Response): Promise<{ type: string; body: Uint8Array }> {
  const body = new Uint8Array(await response.arrayBuffer());
  if (!response.ok) throw new PkiError(`${url.origin}${url.pathname}: HTTP ${response.status}`);
  if (body.length > MAX_RESPONSE)
    throw new PkiError(`${url.origin}: reply of ${body.length} bytes is too long`);
  return { type: (response.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '', body };
}

function operationUrl(base: string, operation: string, message?: string): URL {
  const url = new URL(base);
  url.searchParams.set('operation', operation);
  if (message !== undefined) url.searchParams.set('message', message);
  return url;
}

export async function getCaCaps(base: string): Promise<Set<string>> {
  const { body } = await httpGet(operationUrl(base, 'GetCACaps'));
  const words = Buffer.from(body)
    .toString('latin1')
    .split(/[\r\n]+/)
    .map((word) => word.trim().toUpperCase())
    .filter((word) => word !== '');
  return new Set(words);
}

function hasKeyUsage(certificate: pkijs.Certificate, bit: number): boolean {
  const extension = certificate.extensions?.find((ext) => ext.extnID === '2.5.29.15');
  if (extension === undefined) return true; // no keyUsage: any use
  const bits = new Uint8Array(extension.extnValue.valueBlock.valueHexView);
  // extnValue is the BIT STRING's DER: tag, length, unused-bits octet, then the first octet.
  return ((bits[3] ?? 0) & bit) !== 0;
}

function isCa(certificate: pkijs.Certificate): boolean {
  return certificate.subject.isEqual(certificate.issuer);
}

/** GetCACert (RFC 8894 §4.2): one DER certificate, or a certificates-only SignedData with the RA. */
export async function getCaCertificates(base: string, identifier?: string): Promise<CaCertificates> {
  const { type, body } = await httpGet(operationUrl(base, 'GetCACert', identifier));
  const all =
    type === 'application/x-x509-ca-ra-cert' ? readCertificatesOnly(body) : [parseCertificateDer(body)];
  const ca = all.find(isCa) ?? all[0];
  if (ca === undefined) throw new PkiError('GetCACert: no certificate in the reply');
  const others = all.filter((certificate) => certificate !== ca);
  const recipient = others.find((c) => hasKeyUsage(c, KeyUsageBit.keyEncipherment)) ?? ca;
  return { ca, caDer: toDer(ca), recipient, all };
}

export interface EnrollRequest {
  readonly url: string;
  readonly key: KeyObject;
  readonly csr: Uint8Array;
  readonly subject: pkijs.RelativeDistinguishedNames;
  readonly authority: CaCertificates;
  readonly pollIntervalMs: number;
  readonly maxPolls: number;
  readonly now: () => Date;
  readonly sleep: (ms: number) => Promise<void>;
  readonly log: (line: string) => void;
}

export interface Enrolled {
  readonly certificate: Uint8Array;
  readonly transactionId: string;
  readonly polls: number;
}

/** RFC 8894 §3.2.1.1.1: a transaction ID from the key, here the SHA-256 of its SubjectPublicKeyInfo. */
export function transactionIdOf(key: KeyObject): string {
  return createHash('sha256')
    .update(toDer(publicKeyInfo(key)))
    .digest('hex')
    .toUpperCase();
}

async function selfSigned(
  key: KeyObject,
  subject: pkijs.RelativeDistinguishedNames,
  now: Date,
): Promise<pkijs.Certificate> {
  const { certificate } = await signCertificate(
    {
      serialNumber: randomSerial(),
      issuer: subject,
      subject,
      notBefore: new Date(now.getTime() - 3_600_000),
      notAfter: new Date(now.getTime() + 7 * 86_400_000),
      subjectPublicKeyInfo: publicKeyInfo(key),
      extensions: [],
    },
    key,
  );
  return certificate;
}

async function postPkiOperation(base: string, message: Uint8Array, post: boolean): Promise<Uint8Array> {
  const url = operationUrl(base, 'PKIOperation', post ? undefined : Buffer.from(message).toString('base64'));
  if (!post) return (await httpGet(url)).body;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-pki-message' },
      body: message,
      signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
    });
  } catch (error) {
    throw new PkiError(`${url.origin}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return (await readResponse(url, response)).body;
}

/** PKCSReq, then CertPoll while the CA answers PENDING; resolves to the issued certificate. */
export async function enroll(request: EnrollRequest): Promise<Enrolled> {
  const caps = await getCaCaps(request.url).catch(() => new Set<string>());
  const post = caps.has('POSTPKIOPERATION') || caps.has('SCEPSTANDARD');
  const cipherOid = caps.has('AES') || caps.has('SCEPSTANDARD') ? CONTENT_CIPHER.aes128 : CONTENT_CIPHER.des3;
  const signerCertificate = await selfSigned(request.key, request.subject, request.now());
  const signer = { certificate: signerCertificate, key: request.key };
  const transactionId = transactionIdOf(request.key);
  const recipient = request.authority.recipient;
  const exchange = async (messageType: MessageTypeValue, data: Uint8Array): Promise<IncomingMessage> => {
    const senderNonce = newNonce();
    const message = buildPkiMessage(
      { messageType, transactionId, senderNonce, content: { data, recipient, cipherOid } },
      signer,
      request.now(),
    );
    const reply = readPkiMessage(await postPkiOperation(request.url, message, post), request.authority.all);
    if (!reply.signerVerified)
      throw new PkiError("the reply is not signed by the CA's (or RA's) certificate");
    // RFC 8894 §3.2.1.5: the reply names our transaction and echoes our nonce.
    if (reply.messageType !== MessageType.CertRep)
      throw new PkiError(`reply is messageType ${reply.messageType}, not CertRep`);
    if (reply.transactionId !== transactionId) throw new PkiError('reply is for another transaction');
    if (!sameNonce(reply.recipientNonce, senderNonce))
      throw new PkiError('reply does not carry our nonce (replay?)');
    return reply;
  };
  request.log(`SCEP PKCSReq to ${request.url}, transaction ${transactionId}`);
  let reply = await exchange(MessageType.PKCSReq, request.csr);
  let polls = 0;
  while (reply.pkiStatus === PkiStatus.PENDING) {
    if (polls >= request.maxPolls)
      throw new PkiError(`still PENDING after ${polls} polls: the CA has not granted the request`);
    request.log(`SCEP PENDING: polling again in ${Math.round(request.pollIntervalMs / 1000)} s`);
    await request.sleep(request.pollIntervalMs);
    polls++;
    reply = await exchange(
      MessageType.CertPoll,
      issuerAndSubject(request.authority.ca.subject, request.subject),
    );
  }
  if (reply.pkiStatus === PkiStatus.FAILURE)
    throw new PkiError(`the CA refused the request: ${failInfoName(reply.failInfo ?? '')}`);
  if (reply.pkiStatus !== PkiStatus.SUCCESS)
    throw new PkiError(`reply pkiStatus ${reply.pkiStatus ?? 'missing'}`);
  const { data } = openMessageData(reply, signerCertificate, request.key);
  const ours = toDer(publicKeyInfo(request.key));
  const issued = readCertificatesOnly(data).find((certificate) =>
    Buffer.from(toDer(certificate.subjectPublicKeyInfo)).equals(ours),
  );
  if (issued === undefined) throw new PkiError('the CertRep holds no certificate for our key');
  return { certificate: toDer(issued), transactionId, polls };
}
