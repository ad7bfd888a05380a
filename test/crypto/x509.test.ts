// X.509 with the strongSwan RSA vector's test PKI. The DER of the CA's subject Name is checked
// against what strongSwan put in its CERTREQ payload (MM4 of the capture: encoding 4, then
// the CA's DN), independent of our DER walk.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CertificateError, parseCertificate } from '../../src/crypto/index.js';
import { fixture } from '../util/fixtures.js';
import { toHex } from './hex.js';
import { PAYLOAD, loadVector, walkPayloads } from './strongswanVector.js';

const dir = fixture(join('strongswan-ikev1', 'mm-rsa-aes128-sha256-modp2048'));
const der = (file: string): Uint8Array =>
  new Uint8Array(new X509Certificate(readFileSync(join(dir, file))).raw);
const ca = parseCertificate(der('ca.cert.pem'));
const r1 = parseCertificate(der('r1.cert.pem'));
const r2 = parseCertificate(der('r2.cert.pem'));

describe('parseCertificate', () => {
  it('names, validity, subjectAltName and CA flag', () => {
    assert.match(r1.subject, /CN=r1\.lab\.example/);
    assert.match(r1.issuer, /CN=IPsec Lab Root CA/);
    assert.deepEqual(r1.dnsNames, ['r1.lab.example']);
    assert.deepEqual(r2.dnsNames, ['r2.lab.example']);
    assert.equal(r1.isCa, false);
    assert.equal(ca.isCa, true);
    assert.equal(r1.notBefore.toISOString(), '2026-11-28T02:12:45.000Z');
    assert.equal(r1.notAfter.toISOString(), '2031-11-27T02:12:45.000Z');
    assert.equal(r1.publicKey.asymmetricKeyDetails?.modulusLength, 3072);
  });

  it("the CA's subject DER equals the DN strongSwan sent in its CERTREQ, and r1's issuer DER", () => {
    const v = loadVector('mm-rsa-aes128-sha256-modp2048');
    const mm4 = v.messages.find(
      (m) => !m.fromInitiator && !m.header.encrypted && m.header.nextPayload === PAYLOAD.KE,
    );
    assert.ok(mm4);
    const cr = walkPayloads(mm4.header.nextPayload, mm4.message.subarray(28)).payloads.find(
      (p) => p.type === 7,
    );
    assert.ok(cr);
    assert.equal(cr.body[0], 4);
    assert.equal(toHex(ca.subjectDer), toHex(cr.body.subarray(1)));
    assert.equal(toHex(r1.issuerDer), toHex(cr.body.subarray(1)));
    assert.equal(toHex(ca.issuerDer), toHex(ca.subjectDer)); // self-signed
  });

  it('refuses garbage and truncated DER with CertificateError only', () => {
    const full = der('r1.cert.pem');
    for (const bad of [
      new Uint8Array(0),
      new Uint8Array([0x30]),
      full.subarray(0, 100),
      new Uint8Array(64).fill(0x30),
    ]) {
      assert.throws(() => parseCertificate(bad), CertificateError);
    }
  });
});
