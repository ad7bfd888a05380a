// A SCEP server (RFC 8894) over the small CA, as IOS `crypto pki server NAME` is: GetCACaps,
// GetCACert and PKIOperation (PKCSReq and CertPoll) over HTTP. With `grant auto` a request
// with the right challenge password is issued at once; with `grant manual` it is PENDING until
// `typeswan pki ca grant ID`, and the client's CertPoll collects it.

import { createHash, timingSafeEqual, type KeyObject } from 'node:crypto';
import {
  createServer,
  type IncomingMessage as HttpRequest,
  type Server,
  type ServerResponse,
} from 'node:http';
import * as pkijs from 'pkijs';
import { issue, type Ca } from '../ca.js';
import { certificatesOnly, replyCipher } from '../cms.js';
import { readCsr } from '../csr.js';
import { dnText } from '../name.js';
import { PkiError, fromDer, parseCertificateDer, publicKeyOf, toDer } from '../pkix.js';
import {
  FailInfo,
  MessageType,
  PkiStatus,
  buildPkiMessage,
  newNonce,
  openMessageData,
  readIssuerAndSubject,
  readPkiMessage,
  type FailInfoValue,
  type IncomingMessage,
  type PkiStatusValue,
} from './message.js';
import { grantedCertificate, readRequest, recordIssued, recordPending, requestId } from './requests.js';

const MAX_REQUEST = 64 * 1024;
export const SCEP_CAPABILITIES = [
  'POSTPKIOperation',
  'SHA-1',
  'SHA-256',
  'SHA-512',
  'AES',
  'DES3',
  'SCEPStandard',
];

export interface ScepServerOptions {
  readonly ca: Ca;
  /** The challenge password a PKCSReq must carry; undefined: none asked. */
  readonly challenge: string | undefined;
  readonly grant: 'auto' | 'manual';
  readonly days: number;
  readonly now: () => Date;
  readonly log: (line: string) => void;
}

interface Reply {
  readonly status: PkiStatusValue;
  readonly failInfo?: FailInfoValue;
  readonly certificate?: Uint8Array;
}

function sameSecret(given: string | undefined, expected: string): boolean {
  // Hash both so the comparison is of equal lengths and takes the same time for any input.
  const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();
  return given !== undefined && timingSafeEqual(digest(given), digest(expected));
}

async function pkcsReq(
  options: ScepServerOptions,
  message: IncomingMessage,
  csr: Uint8Array,
): Promise<Reply> {
  const { ca } = options;
  const request = await readCsr(csr).catch((error: unknown) => {
    options.log(`%PKI-4-CS_REQUEST_REFUSED: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  });
  if (request === undefined) return { status: PkiStatus.FAILURE, failInfo: FailInfo.badRequest };
  // Proof of possession: signed by the key the request is for (RFC 8894 §3.3.1) or by the
  // certificate carried (some clients sign with the CSR's key but carry another key's certificate).
  if (!message.signerVerified && !message.verifiedBy(request.publicKey)) {
    options.log(`%PKI-4-CS_REQUEST_REFUSED: ${request.subject}: the signature does not verify`);
    return { status: PkiStatus.FAILURE, failInfo: FailInfo.badMessageCheck };
  }
  // A retransmitted PKCSReq of a known transaction gets that transaction's answer (§3.3.1).
  const known = readRequest(ca, requestId(message.transactionId));
  if (known !== undefined) return replyFor(options, known.id);
  if (options.challenge !== undefined && !sameSecret(request.challengePassword, options.challenge)) {
    options.log(`%PKI-4-CS_REQUEST_REFUSED: ${request.subject}: wrong or missing challenge password`);
    return { status: PkiStatus.FAILURE, failInfo: FailInfo.badRequest };
  }
  const now = options.now();
  if (options.grant === 'manual') {
    const pending = recordPending(ca, message.transactionId, request.subject, csr, now);
    options.log(
      `%PKI-6-CS_ENROLL: request ${pending.id} from ${request.subject} is PENDING (grant it with \`typeswan pki ca grant ${pending.id}\`)`,
    );
    return { status: PkiStatus.PENDING };
  }
  const issued = await issue(ca, csr, { days: options.days, now });
  recordIssued(ca, message.transactionId, request.subject, csr, issued.serial, now);
  options.log(`%PKI-6-CS_GRANTED: serial ${issued.serial} issued to ${issued.subject}`);
  return { status: PkiStatus.SUCCESS, certificate: issued.der };
}

function replyFor(options: ScepServerOptions, id: string): Reply {
  const request = readRequest(options.ca, id);
  if (request === undefined) return { status: PkiStatus.FAILURE, failInfo: FailInfo.badCertId };
  if (request.state === 'pending') return { status: PkiStatus.PENDING };
  if (request.state === 'rejected') return { status: PkiStatus.FAILURE, failInfo: FailInfo.badRequest };
  const certificate = grantedCertificate(options.ca, request);
  return certificate === undefined
    ? { status: PkiStatus.FAILURE, failInfo: FailInfo.badCertId }
    : { status: PkiStatus.SUCCESS, certificate };
}

function certPoll(options: ScepServerOptions, message: IncomingMessage): Reply {
  const request = readRequest(options.ca, requestId(message.transactionId));
  if (request === undefined) return { status: PkiStatus.FAILURE, failInfo: FailInfo.badCertId };
  // Only the requester may poll: signed by its certificate or by the key of its request.
  const csr = new Uint8Array(Buffer.from(request.csr, 'base64'));
  const csrKey = parseCsrKey(csr);
  if (!message.signerVerified && (csrKey === undefined || !message.verifiedBy(csrKey)))
    return { status: PkiStatus.FAILURE, failInfo: FailInfo.badMessageCheck };
  return replyFor(options, request.id);
}

function parseCsrKey(der: Uint8Array): KeyObject | undefined {
  try {
    const csr = fromDer(der, 'certification request', (schema) => new pkijs.CertificationRequest({ schema }));
    return publicKeyOf(csr.subjectPublicKeyInfo);
  } catch {
    return undefined;
  }
}

/** Answers one PKIOperation message with the CertRep to send back. */
export async function pkiOperation(options: ScepServerOptions, der: Uint8Array): Promise<Uint8Array> {
  const { ca } = options;
  const message = readPkiMessage(der);
  const signer = message.signerCertificate;
  if (signer === undefined) throw new PkiError('pkiMessage carries no signer certificate to reply to');
  let reply: Reply;
  let cipherOid: string | undefined;
  try {
    const opened = openMessageData(message, ca.certificate, ca.key);
    cipherOid = opened.cipherOid;
    if (message.messageType === MessageType.PKCSReq || message.messageType === MessageType.RenewalReq) {
      reply = await pkcsReq(options, message, opened.data);
    } else if (message.messageType === MessageType.CertPoll) {
      const names = readIssuerAndSubject(opened.data);
      reply = names.issuer.isEqual(ca.certificate.subject)
        ? certPoll(options, message)
        : { status: PkiStatus.FAILURE, failInfo: FailInfo.badCertId };
      options.log(
        `%PKI-6-CS_POLL: ${dnText(names.subject)}: ${reply.status === PkiStatus.PENDING ? 'PENDING' : 'answered'}`,
      );
    } else {
      reply = { status: PkiStatus.FAILURE, failInfo: FailInfo.badRequest };
    }
  } catch (error) {
    if (!(error instanceof PkiError)) throw error;
    options.log(`%PKI-4-CS_REQUEST_REFUSED: ${error.message}`);
    reply = { status: PkiStatus.FAILURE, failInfo: FailInfo.badMessageCheck };
  }
  return certRep(options, message, signer, reply, cipherOid);
}

function certRep(
  options: ScepServerOptions,
  request: IncomingMessage,
  recipient: pkijs.Certificate,
  reply: Reply,
  cipherOid: string | undefined,
): Uint8Array {
  const { ca } = options;
  const content =
    reply.certificate === undefined
      ? undefined
      : {
          data: certificatesOnly([parseCertificateDer(reply.certificate), ca.certificate]),
          recipient,
          cipherOid: replyCipher(cipherOid),
        };
  return buildPkiMessage(
    {
      messageType: MessageType.CertRep,
      transactionId: request.transactionId,
      senderNonce: newNonce(),
      ...(request.senderNonce !== undefined ? { recipientNonce: request.senderNonce } : {}),
      pkiStatus: reply.status,
      ...(reply.failInfo !== undefined ? { failInfo: reply.failInfo } : {}),
      ...(content !== undefined ? { content } : {}),
    },
    { certificate: ca.certificate, key: ca.key },
    options.now(),
  );
}

function readBody(request: HttpRequest): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    request.on('data', (chunk: Buffer) => {
      length += chunk.length;
      if (length > MAX_REQUEST) {
        reject(new PkiError(`request body over ${MAX_REQUEST} bytes`));
        request.destroy();
      } else chunks.push(chunk);
    });
    request.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, status: number, type: string, body: Uint8Array | string): void {
  response.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

async function handle(
  options: ScepServerOptions,
  request: HttpRequest,
  response: ServerResponse,
): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://scep');
  const operation = url.searchParams.get('operation');
  if (operation === 'GetCACaps')
    return send(response, 200, 'text/plain', `${SCEP_CAPABILITIES.join('\n')}\n`);
  if (operation === 'GetCACert')
    return send(response, 200, 'application/x-x509-ca-cert', toDer(options.ca.certificate));
  if (operation !== 'PKIOperation') return send(response, 400, 'text/plain', 'unknown operation\n');
  let message: Uint8Array;
  if (request.method === 'POST') {
    message = await readBody(request);
  } else {
    const base64 = url.searchParams.get('message') ?? '';
    if (base64.length > (MAX_REQUEST * 4) / 3) return send(response, 413, 'text/plain', 'message too long\n');
    message = new Uint8Array(Buffer.from(base64, 'base64'));
  }
  const reply = await pkiOperation(options, message);
  send(response, 200, 'application/x-pki-message', reply);
}

/** Starts the SCEP server on `host`:`port` (port 0: any); resolves once it listens. */
export function startScepServer(options: ScepServerOptions, host: string, port: number): Promise<Server> {
  const server = createServer((request, response) => {
    handle(options, request, response).catch((error: unknown) => {
      // A message that does not parse or verify gets no CertRep: there is no one to sign it for.
      options.log(`%PKI-4-CS_REQUEST_REFUSED: ${error instanceof Error ? error.message : String(error)}`);
      if (!response.headersSent) send(response, 400, 'text/plain', 'bad request\n');
      else response.destroy();
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
