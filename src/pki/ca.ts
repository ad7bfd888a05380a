// A small certificate authority, as IOS `crypto pki server NAME` runs one: its key pair is
// the key store's LABEL = NAME, and its directory holds
//   ca.pem        the self-signed CA certificate      ca.json    name, serial and CRL counters
//   index.json    every certificate issued (revoked)  certs/     SERIAL.pem of each
//   crl.pem       the latest CRL
// Serials count up from 1 (the CA's own), as the IOS certificate server numbers them.

import type { KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { signCertificate, time } from './certificate.js';
import { readCsr } from './csr.js';
import { KeyUsageBit, OID, authorityKeyIdentifier, caExtensions, endEntityExtensions } from './extensions.js';
import { readKeyPair, writeKeyPair } from './keystore.js';
import { generateRsaKey } from './keygen.js';
import { parseDn } from './name.js';
import { derObjects, pemEncode } from './pem.js';
import {
  PkiError,
  integerOf,
  parseCertificateDer,
  publicKeyInfo,
  signingKey,
  toDer,
  usePkijs,
} from './pkix.js';

export const DEFAULT_CA_DIR = '/var/lib/typeswan/ca';
const DAY_MS = 86_400_000;

/** CRL reason codes (RFC 5280 §5.3.1). */
export const RevocationReason = {
  unspecified: 0,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  certificateHold: 6,
} as const;
export type RevocationReasonName = keyof typeof RevocationReason;

export interface IssuedEntry {
  readonly serial: string;
  readonly subject: string;
  readonly notAfter: string;
  readonly revoked?: { readonly at: string; readonly reason: RevocationReasonName };
}

interface CaState {
  readonly name: string;
  readonly nextSerial: number;
  readonly crlNumber: number;
}

export interface Ca {
  readonly dir: string;
  readonly name: string;
  readonly certificate: pkijs.Certificate;
  readonly certificateDer: Uint8Array;
  readonly key: KeyObject;
}

const statePath = (dir: string): string => join(dir, 'ca.json');
const indexPath = (dir: string): string => join(dir, 'index.json');

function writeAtomically(file: string, content: string | Uint8Array, mode = 0o644): void {
  const temporary = `${file}.tmp`;
  writeFileSync(temporary, content, { mode });
  renameSync(temporary, file);
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new PkiError(`${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function readState(dir: string): CaState {
  const value = readJson(statePath(dir));
  if (
    typeof value !== 'object' ||
    value === null ||
    !('name' in value && typeof value.name === 'string') ||
    !('nextSerial' in value && typeof value.nextSerial === 'number') ||
    !('crlNumber' in value && typeof value.crlNumber === 'number')
  )
    throw new PkiError(`${statePath(dir)}: not a typeswan CA state`);
  return { name: value.name, nextSerial: value.nextSerial, crlNumber: value.crlNumber };
}

function writeState(dir: string, state: CaState): void {
  writeAtomically(statePath(dir), `${JSON.stringify(state, null, 2)}\n`);
}

export function readIndex(dir: string): IssuedEntry[] {
  if (!existsSync(indexPath(dir))) return [];
  const value = readJson(indexPath(dir));
  if (!Array.isArray(value)) throw new PkiError(`${indexPath(dir)}: not a list`);
  return value as IssuedEntry[];
}

function writeIndex(dir: string, entries: readonly IssuedEntry[]): void {
  writeAtomically(indexPath(dir), `${JSON.stringify(entries, null, 2)}\n`);
}

export interface InitOptions {
  readonly dir: string;
  readonly keystore: string;
  readonly name: string;
  readonly subject: string;
  readonly days: number;
  readonly modulus: number;
  readonly now: Date;
}

/** Creates the CA: its key pair in the key store and its self-signed certificate (serial 1). */
export async function initCa(options: InitOptions): Promise<Ca> {
  usePkijs();
  if (existsSync(statePath(options.dir))) throw new PkiError(`${options.dir}: a CA exists here already`);
  if (readKeyPair(options.keystore, options.name) !== undefined)
    throw new PkiError(`key store ${options.keystore} already holds a key pair named ${options.name}`);
  const key = generateRsaKey(options.modulus);
  const spki = publicKeyInfo(key);
  const subject = parseDn(options.subject);
  const { certificate, der } = await signCertificate(
    {
      serialNumber: serialInteger('1'),
      issuer: subject,
      subject,
      notBefore: options.now,
      notAfter: new Date(options.now.getTime() + options.days * DAY_MS),
      subjectPublicKeyInfo: spki,
      extensions: caExtensions(spki),
    },
    key,
  );
  mkdirSync(join(options.dir, 'certs'), { recursive: true, mode: 0o755 });
  writeKeyPair(options.keystore, options.name, key);
  writeAtomically(join(options.dir, 'ca.pem'), pemEncode('CERTIFICATE', der));
  writeState(options.dir, { name: options.name, nextSerial: 2, crlNumber: 1 });
  writeIndex(options.dir, []);
  return { dir: options.dir, name: options.name, certificate, certificateDer: der, key };
}

export function openCa(dir: string, keystore: string): Ca {
  usePkijs();
  if (!existsSync(statePath(dir))) throw new PkiError(`${dir}: no CA here (run \`typeswan pki ca init\`)`);
  const state = readState(dir);
  const der = derObjects(readFileSync(join(dir, 'ca.pem')), 'CERTIFICATE')[0];
  if (der === undefined) throw new PkiError(`${join(dir, 'ca.pem')}: no certificate`);
  const key = readKeyPair(keystore, state.name);
  if (key === undefined) throw new PkiError(`key store ${keystore} has no key pair named ${state.name}`);
  return { dir, name: state.name, certificate: parseCertificateDer(der), certificateDer: der, key };
}

export interface IssueOptions {
  readonly days: number;
  readonly now: Date;
}

export interface Issued {
  readonly serial: string;
  readonly der: Uint8Array;
  readonly subject: string;
}

/** Issues an end-entity certificate for a PKCS#10 request (signature checked first). */
export async function issue(ca: Ca, csrDer: Uint8Array, options: IssueOptions): Promise<Issued> {
  const request = await readCsr(csrDer);
  const state = readState(ca.dir);
  const serial = state.nextSerial.toString(16).toUpperCase();
  const spki = request.csr.subjectPublicKeyInfo;
  const notAfter = new Date(
    Math.min(options.now.getTime() + options.days * DAY_MS, ca.certificate.notAfter.value.getTime()),
  );
  const extensions = endEntityExtensions(
    spki,
    ca.certificate.subjectPublicKeyInfo,
    KeyUsageBit.digitalSignature | KeyUsageBit.keyEncipherment,
    request.altNames,
  );
  const { der } = await signCertificate(
    {
      serialNumber: serialInteger(serial),
      issuer: ca.certificate.subject,
      subject: request.csr.subject,
      notBefore: options.now,
      notAfter,
      subjectPublicKeyInfo: spki,
      extensions,
    },
    ca.key,
  );
  writeState(ca.dir, { ...state, nextSerial: state.nextSerial + 1 });
  writeAtomically(join(ca.dir, 'certs', `${serial}.pem`), pemEncode('CERTIFICATE', der));
  writeIndex(ca.dir, [
    ...readIndex(ca.dir),
    { serial, subject: request.subject, notAfter: notAfter.toISOString() },
  ]);
  return { serial, der, subject: request.subject };
}

/** The issued certificate of `serial` (hex), if this CA issued it. */
export function issuedCertificate(ca: Ca, serial: string): Uint8Array | undefined {
  const file = join(ca.dir, 'certs', `${normalSerial(serial)}.pem`);
  return existsSync(file) ? derObjects(readFileSync(file), 'CERTIFICATE')[0] : undefined;
}

function serialInteger(hex: string): asn1js.Integer {
  return integerOf(new Uint8Array(Buffer.from(hex.length % 2 === 1 ? `0${hex}` : hex, 'hex')));
}

function normalSerial(serial: string): string {
  const hex = serial.replace(/^0x/i, '').replace(/:/g, '');
  if (!/^[0-9A-Fa-f]+$/.test(hex)) throw new PkiError(`serial "${serial}": hexadecimal expected`);
  return hex.toUpperCase().replace(/^0+(?=.)/, '');
}

export function revoke(ca: Ca, serial: string, reason: RevocationReasonName, now: Date): IssuedEntry {
  const wanted = normalSerial(serial);
  const entries = readIndex(ca.dir);
  const at = entries.findIndex((entry) => entry.serial === wanted);
  const entry = entries[at];
  if (entry === undefined) throw new PkiError(`serial ${wanted}: not issued by this CA`);
  if (entry.revoked !== undefined)
    throw new PkiError(`serial ${wanted}: revoked already (${entry.revoked.at})`);
  const revokedEntry = { ...entry, revoked: { at: now.toISOString(), reason } };
  entries[at] = revokedEntry;
  writeIndex(ca.dir, entries);
  return revokedEntry;
}

export interface CrlOptions {
  readonly days: number;
  readonly now: Date;
}

/** A v2 CRL of every revoked certificate (RFC 5280 §5), written to crl.pem too. */
export async function makeCrl(ca: Ca, options: CrlOptions): Promise<Uint8Array> {
  const state = readState(ca.dir);
  const revoked = readIndex(ca.dir).filter((entry) => entry.revoked !== undefined);
  const revokedCertificates = revoked.map((entry) => {
    const reason = RevocationReason[entry.revoked?.reason ?? 'unspecified'];
    return new pkijs.RevokedCertificate({
      userCertificate: serialInteger(entry.serial),
      revocationDate: time(new Date(entry.revoked?.at ?? options.now)),
      crlEntryExtensions: new pkijs.Extensions({
        extensions: [
          new pkijs.Extension({
            extnID: OID.crlReason,
            extnValue: new asn1js.Enumerated({ value: reason }).toBER(false),
          }),
        ],
      }),
    });
  });
  const crl = new pkijs.CertificateRevocationList({
    version: 1,
    issuer: ca.certificate.subject,
    thisUpdate: time(options.now),
    nextUpdate: time(new Date(options.now.getTime() + options.days * DAY_MS)),
    crlExtensions: new pkijs.Extensions({
      extensions: [
        authorityKeyIdentifier(ca.certificate.subjectPublicKeyInfo),
        new pkijs.Extension({
          extnID: OID.crlNumber,
          extnValue: new asn1js.Integer({ value: state.crlNumber }).toBER(false),
        }),
      ],
    }),
  });
  if (revokedCertificates.length > 0) crl.revokedCertificates = revokedCertificates;
  await crl.sign(await signingKey(ca.key), 'SHA-256');
  const der = toDer(crl);
  writeState(ca.dir, { ...state, crlNumber: state.crlNumber + 1 });
  writeAtomically(join(ca.dir, 'crl.pem'), pemEncode('X509 CRL', der));
  return der;
}
