// The enrollment requests a CA's SCEP server has received (IOS `crypto pki server NAME info
// requests`), one JSON file each under CA-DIR/requests/, keyed by a hash of the transaction
// ID (peer text never names a file). `grant` issues the certificate the next poll collects.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { issue, issuedCertificate, type Ca } from '../ca.js';
import { PkiError } from '../pkix.js';

export type RequestState = 'pending' | 'granted' | 'rejected';

export interface EnrollmentRequest {
  readonly id: string;
  readonly transactionId: string;
  readonly subject: string;
  readonly received: string;
  readonly state: RequestState;
  readonly serial?: string;
  /** The PKCS#10 request, base64 DER. */
  readonly csr: string;
}

const MAX_PENDING = 1000;

function requestsDir(ca: Ca): string {
  return join(ca.dir, 'requests');
}

/** A short ID for the operator (first 16 hex digits of SHA-256 of the transaction ID). */
export function requestId(transactionId: string): string {
  return createHash('sha256').update(transactionId).digest('hex').slice(0, 16);
}

function fileOf(ca: Ca, id: string): string {
  if (!/^[0-9a-f]{16}$/.test(id)) throw new PkiError(`request "${id}": 16 hex digits expected`);
  return join(requestsDir(ca), `${id}.json`);
}

export function readRequest(ca: Ca, id: string): EnrollmentRequest | undefined {
  const file = fileOf(ca, id);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as EnrollmentRequest;
}

function writeRequest(ca: Ca, request: EnrollmentRequest): void {
  mkdirSync(requestsDir(ca), { recursive: true, mode: 0o755 });
  const file = fileOf(ca, request.id);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(request, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}

export function listRequests(ca: Ca): EnrollmentRequest[] {
  if (!existsSync(requestsDir(ca))) return [];
  return readdirSync(requestsDir(ca))
    .filter((name) => /^[0-9a-f]{16}\.json$/.test(name))
    .map((name) => readRequest(ca, name.slice(0, 16)))
    .filter((request): request is EnrollmentRequest => request !== undefined)
    .sort((a, b) => a.received.localeCompare(b.received));
}

export function recordPending(
  ca: Ca,
  transactionId: string,
  subject: string,
  csr: Uint8Array,
  now: Date,
): EnrollmentRequest {
  if (listRequests(ca).filter((r) => r.state === 'pending').length >= MAX_PENDING)
    throw new PkiError(`${MAX_PENDING} requests are pending already`);
  const request: EnrollmentRequest = {
    id: requestId(transactionId),
    transactionId,
    subject,
    received: now.toISOString(),
    state: 'pending',
    csr: Buffer.from(csr).toString('base64'),
  };
  writeRequest(ca, request);
  return request;
}

export function recordIssued(
  ca: Ca,
  transactionId: string,
  subject: string,
  csr: Uint8Array,
  serial: string,
  now: Date,
): void {
  writeRequest(ca, {
    id: requestId(transactionId),
    transactionId,
    subject,
    received: now.toISOString(),
    state: 'granted',
    serial,
    csr: Buffer.from(csr).toString('base64'),
  });
}

/** Grants a pending request: the CA issues its certificate now. */
export async function grant(ca: Ca, id: string, days: number, now: Date): Promise<EnrollmentRequest> {
  const request = readRequest(ca, id);
  if (request === undefined) throw new PkiError(`request ${id}: no such request`);
  if (request.state !== 'pending') throw new PkiError(`request ${id}: ${request.state} already`);
  const issued = await issue(ca, new Uint8Array(Buffer.from(request.csr, 'base64')), { days, now });
  const granted = { ...request, state: 'granted' as const, serial: issued.serial };
  writeRequest(ca, granted);
  return granted;
}

export function reject(ca: Ca, id: string): EnrollmentRequest {
  const request = readRequest(ca, id);
  if (request === undefined) throw new PkiError(`request ${id}: no such request`);
  if (request.state !== 'pending') throw new PkiError(`request ${id}: ${request.state} already`);
  const rejected = { ...request, state: 'rejected' as const };
  writeRequest(ca, rejected);
  return rejected;
}

/** The certificate of a granted request. */
export function grantedCertificate(ca: Ca, request: EnrollmentRequest): Uint8Array | undefined {
  return request.serial === undefined ? undefined : issuedCertificate(ca, request.serial);
}
