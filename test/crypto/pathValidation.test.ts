// RFC 5280 path validation (pkijs behind a synchronous facade) with certificates strongSwan's
// pki tool issues: a good path, an untrusted CA, expiry, a CA without cA=TRUE in the middle,
// pathLenConstraint, and revocation by a CRL pki signed.

import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validatePath, type PathRequest } from '../../src/crypto/index.js';
import { pkiSkipReason, SwanPki } from '../util/swanPki.js';

const skip = pkiSkipReason();

function opensslIssue(dir: string, keyFile: string, caCert: string, caKey: string): { der: Uint8Array } {
  const csr = join(dir, 'o.csr');
  const out = join(dir, 'o.pem');
  execFileSync('openssl', ['req', '-new', '-key', keyFile, '-subj', '/C=XX/O=Lab/CN=r9.lab', '-out', csr]);
  execFileSync(
    'openssl',
    [
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      caCert,
      '-CAkey',
      caKey,
      '-set_serial',
      '9',
      '-days',
      '5',
      '-out',
      out,
    ],
    {
      stdio: 'ignore',
    },
  );
  return { der: new Uint8Array(new X509Certificate(readFileSync(out)).raw) };
}
if (skip) console.log(`*** SKIPPING path validation tests: ${skip} ***`);

describe('validatePath', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsce-path-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const pki = new SwanPki(dir);
  const now = Date.now() + 60_000; // pki starts validity at the second it issues
  const ca = pki.selfSigned('ca', { dn: 'C=XX, O=Lab, CN=Lab Root CA', lifetimeDays: 60 });
  const other = pki.selfSigned('other', { dn: 'C=XX, O=Else, CN=Other CA', lifetimeDays: 60 });
  const leaf = pki.issue('leaf', ca, { dn: 'C=XX, O=Lab, CN=r1.lab', sans: ['r1.lab', '192.0.2.1'] });
  const s = Math.floor(now / 1000);
  const expired = pki.issue('expired', ca, {
    dn: 'C=XX, O=Lab, CN=old.lab',
    notBefore: s - 20 * 86400,
    notAfter: s - 86400,
  });
  const notCa = pki.issue('notca', ca, { dn: 'C=XX, O=Lab, CN=not a CA' });
  // pki will not issue from a certificate that is no CA; openssl will.
  const underNotCa = opensslIssue(dir, pki.key('under-notca'), notCa.certFile, notCa.keyFile);
  const sub0 = pki.issue('sub0', ca, { dn: 'C=XX, O=Lab, CN=Sub0', ca: true, pathlen: 0 });
  const sub1 = pki.issue('sub1', sub0, { dn: 'C=XX, O=Lab, CN=Sub1', ca: true });
  const deep = pki.issue('deep', sub1, { dn: 'C=XX, O=Lab, CN=deep.lab' });
  const okUnderSub0 = pki.issue('shallow', sub0, { dn: 'C=XX, O=Lab, CN=shallow.lab' });

  const req = (over: Partial<PathRequest>): PathRequest => ({
    leaf: leaf.der,
    intermediates: [],
    anchors: [ca.der],
    crls: [],
    now,
    crlRequired: false,
    purpose: 'signature',
    ...over,
  });

  it('a certificate the trust point issued is valid now', () => {
    assert.deepEqual(validatePath(req({})), { ok: true, depth: 2 });
  });
  it('another CA is no trust point for it: untrusted', () => {
    const r = validatePath(req({ anchors: [other.der] }));
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.code, 'untrusted', JSON.stringify(r));
  });
  it('an expired certificate, and a valid one checked a year later', () => {
    const r = validatePath(req({ leaf: expired.der }));
    assert.equal(!r.ok && r.code, 'expired');
    const later = validatePath(req({ now: now + 365 * 86400_000 }));
    assert.equal(!later.ok && later.code, 'expired');
  });
  it('an issuer without basicConstraints cA=TRUE cannot issue', () => {
    const r = validatePath(req({ leaf: underNotCa.der, intermediates: [notCa.der] }));
    assert.equal(r.ok, false);
  });
  it('pathLenConstraint 0 allows no intermediate CA below it', () => {
    assert.deepEqual(validatePath(req({ leaf: okUnderSub0.der, intermediates: [sub0.der] })), {
      ok: true,
      depth: 3,
    });
    const r = validatePath(req({ leaf: deep.der, intermediates: [sub1.der, sub0.der] }));
    assert.equal(!r.ok && r.code, 'path-length');
  });
  it('revoked by the CA CRL; not revoked in a CRL naming another; a required CRL missing', () => {
    const revoking = pki.crl(ca, [leaf]);
    const r = validatePath(req({ crls: [revoking], crlRequired: true }));
    assert.equal(!r.ok && r.code, 'revoked');
    const clean = pki.crl(ca, [expired]);
    assert.deepEqual(validatePath(req({ crls: [clean], crlRequired: true })), { ok: true, depth: 2 });
    const none = validatePath(req({ crlRequired: true }));
    assert.equal(!none.ok && none.code, 'no-crl');
  });
  it('garbage is malformed, never a throw', () => {
    const r = validatePath(req({ leaf: new Uint8Array([0x30, 0x03, 1, 2, 3]) }));
    assert.equal(!r.ok && r.code, 'malformed');
    const c = validatePath(req({ crls: [new Uint8Array([0x30, 0x01])], crlRequired: true }));
    assert.equal(c.ok, false);
  });
});
