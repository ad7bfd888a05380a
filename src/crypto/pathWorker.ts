// The worker thread behind pathValidation.ts: RFC 5280 path validation with pkijs, whose API is
// asynchronous (WebCrypto), answered through a shared flag so the IKE engine can stay a
// synchronous state machine. One request at a time; every failure is an answer, never a throw.

import { webcrypto } from 'node:crypto';
import { workerData, type MessagePort } from 'node:worker_threads';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { PathFailureCode, PathRequest, PathResult } from './pathValidation.js';

pkijs.setEngine(
  'node',
  new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as pkijs.CryptoEngineParameters['crypto'] }),
);

const data = workerData as { flag: SharedArrayBuffer; port: MessagePort };
const flag = new Int32Array(data.flag);
const port = data.port;
const KEY_USAGE = '2.5.29.15';
const BASIC_CONSTRAINTS = '2.5.29.19';

function certificate(der: Uint8Array): pkijs.Certificate {
  const copy = new Uint8Array(der); // a fresh ArrayBuffer: asn1js reads from offset 0
  return pkijs.Certificate.fromBER(copy.buffer);
}

function crl(der: Uint8Array): pkijs.CertificateRevocationList {
  const copy = new Uint8Array(der);
  return pkijs.CertificateRevocationList.fromBER(copy.buffer);
}

/** First byte of the keyUsage BIT STRING, or undefined when the extension is absent. */
function keyUsageBits(c: pkijs.Certificate): number | undefined {
  const ext = c.extensions?.find((e) => e.extnID === KEY_USAGE);
  if (!ext) return undefined;
  const parsed: unknown = ext.parsedValue;
  if (!(parsed instanceof asn1js.BitString)) return 0;
  return new Uint8Array(parsed.valueBlock.valueHexView)[0] ?? 0;
}

function pathLenOf(c: pkijs.Certificate): number | undefined {
  const ext = c.extensions?.find((e) => e.extnID === BASIC_CONSTRAINTS);
  const parsed: unknown = ext?.parsedValue;
  if (!(parsed instanceof pkijs.BasicConstraints)) return undefined;
  const n = parsed.pathLenConstraint;
  return typeof n === 'number' ? n : undefined;
}

function fail(code: PathFailureCode, reason: string): PathResult {
  return { ok: false, code, reason };
}

async function validate(req: PathRequest): Promise<PathResult> {
  let leaf: pkijs.Certificate;
  let intermediates: pkijs.Certificate[];
  let anchors: pkijs.Certificate[];
  let crls: pkijs.CertificateRevocationList[];
  try {
    leaf = certificate(req.leaf);
    intermediates = req.intermediates.map(certificate);
    anchors = req.anchors.map(certificate);
  } catch {
    return fail('malformed', 'a certificate does not decode');
  }
  try {
    crls = req.crls.map(crl);
  } catch {
    return fail('no-crl', 'a CRL does not decode');
  }
  if (anchors.length === 0) return fail('untrusted', 'no trust point certificate configured');
  // pkijs checks revocation only when it was given some CRL at all.
  if (req.crlRequired && crls.length === 0) return fail('no-crl', 'a CRL is required and none is available');
  // RFC 5280 §4.2.1.3: a key that signs IKE's HASH needs digitalSignature (or nonRepudiation).
  const usage = keyUsageBits(leaf);
  if (req.purpose === 'signature' && usage !== undefined && (usage & 0xc0) === 0)
    return fail('key-usage', 'keyUsage allows neither digitalSignature nor nonRepudiation');
  // A key an encrypted nonce is sealed to needs keyEncipherment (or dataEncipherment).
  if (req.purpose === 'encryption' && usage !== undefined && (usage & 0x30) === 0)
    return fail('key-usage', 'keyUsage allows neither keyEncipherment nor dataEncipherment');
  const engine = new pkijs.CertificateChainValidationEngine({
    trustedCerts: anchors,
    certs: [...intermediates, leaf], // pkijs takes the last one as the end entity
    crls,
    checkDate: new Date(req.now),
  });
  const r = await engine.verify({ passedWhenNotRevValues: !req.crlRequired });
  if (!r.result) {
    const message = r.resultMessage;
    switch (r.resultCode) {
      case 8:
        return fail('expired', 'a certificate of the path is expired or not yet valid');
      case 12:
        return fail('revoked', 'revoked by the CRL of its issuer');
      case 11:
      case 13:
        return fail('no-crl', `no valid CRL: ${message}`);
      case 10:
      case 60:
      case 97:
        return fail('untrusted', 'no path to a trust point');
      case 3:
      case 4:
      case 5:
      case 7:
      case 14:
        return fail('not-ca', message);
      default:
        // No issuer found at all is a plain Error in pkijs (code -1).
        if (/certificate path/i.test(message)) return fail('untrusted', 'no path to a trust point');
        return fail('invalid', message);
    }
  }
  // RFC 5280 §4.2.1.9: pathLenConstraint counts the intermediates below a CA (pkijs does not).
  const path = r.certificatePath ?? [];
  for (let i = 1; i < path.length; i++) {
    const cert = path[i];
    const limit = cert ? pathLenOf(cert) : undefined;
    if (limit !== undefined && i - 1 > limit)
      return fail('path-length', `${i - 1} CA certificates below one whose pathLenConstraint is ${limit}`);
  }
  return { ok: true, depth: path.length };
}

port.on('message', (req: PathRequest) => {
  validate(req)
    .catch((e: unknown) => fail('invalid', e instanceof Error ? e.message : 'path validation failed'))
    .then((result) => {
      port.postMessage(result);
      Atomics.store(flag, 0, 1);
      Atomics.notify(flag, 0);
    })
    .catch(() => undefined);
});
