// The host side of rsa-sig: signing keys from the key store by IOS label (default
// hostname.ip-domain-name, a trust point's rsakeypair, usage keys' LABEL.sign.pem first), and
// CRLs fetched over HTTP from a loopback server, cached, with failures reported.

import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CrlCache, loadDecryptionKeys, loadSigningKeys } from '../../src/gateway/index.js';
import { writeKeyPair } from '../../src/pki/keystore.js';
import { parseConfig } from '../../src/config/index.js';
import { pkiSkipReason, SwanPki } from '../util/swanPki.js';

const rsa = () => generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;

describe('loadSigningKeys', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsce-keys-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  it('default label, rsakeypair, usage keys before the general pair, and what is missing', () => {
    const general = rsa();
    const sign = rsa();
    const labelled = rsa();
    writeKeyPair(dir, 'gw1.lab.example', general);
    writeKeyPair(dir, 'gw1.lab.example', sign, 'sign');
    writeKeyPair(dir, 'tp2keys', labelled);
    const config = parseConfig(
      'hostname gw1\nip domain-name lab.example\ncrypto ca trustpoint one\ncrypto ca trustpoint two\n rsakeypair tp2keys\ncrypto ca trustpoint three\n rsakeypair nothere\n',
      'gw1.cfg',
    );
    const keys = loadSigningKeys(config, dir);
    assert.ok(keys.keys.get('one')?.equals(sign), 'usage keys: LABEL.sign.pem signs');
    assert.ok(keys.keys.get('two')?.equals(labelled));
    assert.equal(keys.keys.has('three'), false);
    assert.equal(keys.missing.length, 1);
    assert.match(keys.missing[0] ?? '', /three: no key pair .*nothere\.pem/);
  });
});

describe('loadDecryptionKeys', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsce-dkeys-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  it("the trust points' rsakeypair labels first, then hostname.ip-domain-name; .encr.pem before .pem", () => {
    const general = rsa();
    const labelledEncr = rsa();
    const labelled = rsa();
    writeKeyPair(dir, 'gw1.lab.example', general);
    writeKeyPair(dir, 'tpkeys', labelledEncr, 'encr');
    writeKeyPair(dir, 'tpkeys', labelled);
    const config = parseConfig(
      'hostname gw1\nip domain-name lab.example\ncrypto ca trustpoint one\n rsakeypair tpkeys\n',
      'gw1.cfg',
    );
    const { keys, missing } = loadDecryptionKeys(config, dir);
    assert.deepEqual(missing, []);
    assert.equal(keys.length, 3);
    assert.ok(keys[0]?.equals(labelledEncr), 'the labelled usage key decrypts first');
    assert.ok(keys[1]?.equals(labelled));
    assert.ok(keys[2]?.equals(general));
    const none = loadDecryptionKeys(parseConfig('hostname gw9\n', 'gw9.cfg'), dir);
    assert.deepEqual(none.keys, []);
    assert.match(none.missing[0] ?? '', /no key pair .*gw9\.pem/);
  });
});

const skip = pkiSkipReason();
describe('CrlCache over HTTP', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsce-crl-'));
  const pki = new SwanPki(dir);
  const ca = pki.selfSigned('ca', { dn: 'C=XX, O=Lab, CN=CRL CA' });
  const crl = pki.crl(ca, []);
  let hits = 0;
  const server = createServer((req, res) => {
    hits++;
    if (req.url === '/ca.crl') res.end(Buffer.from(crl));
    else if (req.url === '/ca.pem') {
      res.end(`-----BEGIN X509 CRL-----\n${Buffer.from(crl).toString('base64')}\n-----END X509 CRL-----\n`);
    } else if (req.url === '/junk') res.end('hello');
    else {
      res.statusCode = 404;
      res.end();
    }
  });
  after(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function settle(cache: CrlCache, url: string) {
    for (let i = 0; i < 100; i++) {
      const r = cache.lookup(url);
      if (r.state !== 'pending') return r;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return cache.lookup(url);
  }

  it('pending first, then the CRL (DER or PEM), cached; 404 and junk fail', async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const outcomes: string[] = [];
    const cache = new CrlCache(Date.now, undefined, (url, o) => outcomes.push(`${url} ${o}`));
    assert.deepEqual(cache.lookup(`${base}/ca.crl`), { state: 'pending' });
    const der = await settle(cache, `${base}/ca.crl`);
    assert.equal(der.state, 'ready');
    assert.deepEqual(der.state === 'ready' && [...der.der], [...crl]);
    const before = hits;
    assert.equal(cache.lookup(`${base}/ca.crl`).state, 'ready');
    assert.equal(hits, before, 'served from the cache');
    const pem = await settle(cache, `${base}/ca.pem`);
    assert.deepEqual(pem.state === 'ready' && [...pem.der], [...crl]);
    const missing = await settle(cache, `${base}/nothere`);
    assert.deepEqual(missing.state === 'failed' && missing.reason, 'HTTP 404');
    const junk = await settle(cache, `${base}/junk`);
    assert.equal(junk.state, 'failed');
    assert.ok(outcomes.some((o) => /ca\.crl fetched, 0 revoked/.test(o)));
  });
});
