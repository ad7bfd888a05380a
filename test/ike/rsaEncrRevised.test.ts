// Revised mode (RFC 2409 §5.3, method 5) as the RFC spells it, checked by hand with Node's own
// primitives rather than with the engine's functions:
//   Ne_i = prf(Ni_b, CKY-I), Ne_r = prf(Nr_b, CKY-R); Ke_i/Ke_r from them as App. B takes a
//   cipher key from SKEYID_e (K1 = prf(Ne, 0), K2 = prf(Ne, K1), ... when the prf is short);
//   "The IV for encrypting the first payload following the nonce is set to 0 (zero). The IV for
//   subsequent payloads encrypted with the ephemeral symmetric cipher key, Ke_i, is the last
//   ciphertext block of the previous payload."; each body padded with zeros and a last byte
//   counting them.
// The aggressive-mode messages both engines send are taken apart byte by byte: the nonce
// decrypted with the receiver's private key (raw RSA, PKCS#1 v1.5 type 2 stripped by hand), the
// KE, ID (and CERT) bodies decrypted with createDecipheriv in one CBC chain. And the optional
// CERT under Ke_i: a responder with no pubkey-chain key for the initiator takes the key of the
// certificate once it chains to a trust point (certificates from strongSwan's pki).

import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  constants,
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  createPublicKey,
  generateKeyPairSync,
  privateDecrypt,
  type KeyObject,
} from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CertificateBlock, PublicKeyEntry, RouterConfig } from '../../src/policy/model.js';
import { openBodies, ownKeyFor, sealBodies } from '../../src/ike/rsaEncr.js';
import { ikeCipher } from '../../src/ike/keys.js';
import { A_WAN, B_WAN, chapterConfigs, eventsOf, Lab, SELECTOR_A } from './harness.js';
import { pkiSkipReason, SwanPki } from '../util/swanPki.js';

const A_KEY = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
const B_KEY = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;

function publicDer(k: KeyObject): string {
  return createPublicKey(k).export({ format: 'der', type: 'spki' }).toString('hex');
}

/** RFC 2409 §5.3 padding: zeros, then a last byte counting them. */
function rfcPad(body: Buffer, bs: number): Buffer {
  const pad = bs - (body.length % bs);
  const out = Buffer.alloc(body.length + pad);
  body.copy(out);
  out[out.length - 1] = pad - 1;
  return out;
}

function rfcUnpad(plain: Buffer): Buffer {
  const count = plain[plain.length - 1] ?? 0;
  assert.ok(
    plain.subarray(plain.length - 1 - count, plain.length - 1).every((b) => b === 0),
    'zero padding',
  );
  return plain.subarray(0, plain.length - 1 - count);
}

function cbc(alg: string, key: Buffer, iv: Buffer, data: Buffer, encrypt: boolean): Buffer {
  const c = encrypt ? createCipheriv(alg, key, iv) : createDecipheriv(alg, key, iv);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(data), c.final()]);
}

describe('revised mode: one CBC chain over the payloads after the nonce', () => {
  const key = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');
  const ke = Buffer.alloc(20, 0xab);
  const id = Buffer.from('0211f4001122334455', 'hex');
  const cipher = ikeCipher('aes', 128);

  it('sealBodies: the first body under IV 0, the next under the last ciphertext block of the first', () => {
    // By hand: AES-128-CBC without OpenSSL padding, RFC 2409 padding applied first.
    const first = cbc('aes-128-cbc', key, Buffer.alloc(16), rfcPad(ke, 16), true);
    const second = cbc('aes-128-cbc', key, first.subarray(first.length - 16), rfcPad(id, 16), true);
    const sealed = sealBodies(cipher, key, [ke, id]);
    assert.equal(Buffer.from(sealed[0] ?? []).toString('hex'), first.toString('hex'));
    assert.equal(Buffer.from(sealed[1] ?? []).toString('hex'), second.toString('hex'));
    // Under a zero IV the second body would differ: the chain is what the RFC asks for.
    const alone = cbc('aes-128-cbc', key, Buffer.alloc(16), rfcPad(id, 16), true);
    assert.notEqual(alone.toString('hex'), second.toString('hex'));
  });

  it('openBodies: reads the hand-made chain, and not bodies each sealed under IV 0', () => {
    const first = cbc('aes-128-cbc', key, Buffer.alloc(16), rfcPad(ke, 16), true);
    const second = cbc('aes-128-cbc', key, first.subarray(first.length - 16), rfcPad(id, 16), true);
    const opened = openBodies(cipher, key, [first, second]);
    assert.equal(Buffer.from(opened[0] ?? []).toString('hex'), ke.toString('hex'));
    assert.equal(Buffer.from(opened[1] ?? []).toString('hex'), id.toString('hex'));
    const alone = cbc('aes-128-cbc', key, Buffer.alloc(16), rfcPad(id, 16), true);
    const wrong = openBodies(cipher, key, [first, alone])[1];
    assert.notEqual(Buffer.from(wrong ?? []).toString('hex'), id.toString('hex'));
    // A body that is not whole blocks breaks the chain from there on.
    assert.deepEqual(
      openBodies(cipher, key, [first.subarray(1), second]).map((b) => b === undefined),
      [true, true],
    );
  });
});

interface Payloads {
  readonly cookies: Buffer;
  readonly list: { type: number; body: Buffer }[];
}

/** The clear payload chain of a phase-1 datagram (RFC 2408 §3.1, §3.2). */
function payloadsOf(datagram: Uint8Array): Payloads {
  const d = Buffer.from(datagram);
  const list: { type: number; body: Buffer }[] = [];
  let type = d[16] ?? 0;
  let at = 28;
  while (type !== 0 && at + 4 <= d.length) {
    const len = d.readUInt16BE(at + 2);
    list.push({ type, body: d.subarray(at + 4, at + len) });
    type = d[at] ?? 0;
    at += len;
  }
  return { cookies: d.subarray(0, 16), list };
}

/** Raw RSA, then PKCS#1 v1.5 type 2 (00 02 PS 00 M) taken off by hand. */
function rsaOpen(key: KeyObject, block: Buffer): Buffer {
  const em = privateDecrypt({ key, padding: constants.RSA_NO_PADDING }, block);
  assert.equal(em[0], 0);
  assert.equal(em[1], 2);
  const zero = em.indexOf(0, 2);
  assert.ok(zero >= 10);
  return em.subarray(zero + 1);
}

/** RFC 2409 App. B: the first keyLength bytes of K1 | K2 | ... with K1 = prf(Ne, 0). */
function appendixB(ne: Buffer, keyLength: number): Buffer {
  if (ne.length >= keyLength) return ne.subarray(0, keyLength);
  const ks: Buffer[] = [
    createHmac('sha1', ne)
      .update(Buffer.from([0]))
      .digest(),
  ];
  while (Buffer.concat(ks).length < keyLength)
    ks.push(
      createHmac('sha1', ne)
        .update(ks[ks.length - 1] ?? Buffer.alloc(0))
        .digest(),
    );
  return Buffer.concat(ks).subarray(0, keyLength);
}

const NONCE = 10;
const KE = 4;
const ID = 5;
const CERT = 6;

/** The bodies revised mode encrypts, decrypted by hand: 3DES-CBC, HMAC-SHA1 (the policy below). */
function openByHand(datagram: Uint8Array, receiver: KeyObject, cookie: Buffer): Map<number, Buffer> {
  const { list } = payloadsOf(datagram);
  const nonce = list.find((p) => p.type === NONCE);
  assert.ok(nonce, 'a NONCE payload');
  const nb = rsaOpen(receiver, nonce.body);
  const ne = createHmac('sha1', nb).update(cookie).digest();
  const ke = appendixB(ne, 24);
  const out = new Map<number, Buffer>();
  let iv: Buffer = Buffer.alloc(8);
  for (const p of list.slice(list.indexOf(nonce) + 1)) {
    if (![KE, ID, CERT].includes(p.type)) continue;
    out.set(p.type, rfcUnpad(cbc('des-ede3-cbc', ke, iv, p.body, false)));
    iv = p.body.subarray(p.body.length - 8);
  }
  return out;
}

function revised(
  c: RouterConfig,
  hostname: string,
  keys: PublicKeyEntry[],
  peerName: string,
  peer: string,
): RouterConfig {
  return {
    ...c,
    hostname,
    domainName: 'cisco.com',
    isakmpPolicies: c.isakmpPolicies.map((p) => ({
      ...p,
      authentication: 'rsa-encr-revised',
      encryption: '3des',
      hash: 'sha',
      group: 2,
    })),
    presharedKeys: [],
    isakmp: { ...c.isakmp, identity: 'hostname' },
    publicKeys: keys,
    hosts: [{ name: peerName, address: peer }],
  };
}

function established(lab: Lab): boolean {
  return lab.a.installed.length === 1 && lab.b.installed.length === 1;
}

/** An FQDN ID body (RFC 2407 §4.6.2): type 2, protocol 0, port 0 (IOS sends 17/500). */
function fqdnOf(idBody: Buffer): string {
  assert.equal(idBody[0], 2, 'ID_FQDN');
  return idBody.subarray(4).toString('latin1');
}

describe('revised mode on the wire, decrypted by hand', () => {
  it('aggressive mode: both ends encrypt KE and ID as RFC 2409 §5.3 says', () => {
    const base = chapterConfigs();
    const a = revised(
      base.a,
      'wan2511',
      [{ kind: 'named-key', name: 'wan2516.cisco.com', der: publicDer(B_KEY) }],
      'wan2516.cisco.com',
      B_WAN,
    );
    const b = revised(
      base.b,
      'wan2516',
      [{ kind: 'named-key', name: 'wan2511.cisco.com', der: publicDer(A_KEY) }],
      'wan2511.cisco.com',
      A_WAN,
    );
    const lab = new Lab(
      { config: a, aggressiveMode: true, decryptionKeys: [A_KEY] },
      { config: b, decryptionKeys: [B_KEY] },
    );
    lab.acquire('a');
    lab.run(30);
    assert.ok(established(lab));
    const am1 = lab.a.sent[0];
    const am2 = lab.b.sent[0];
    assert.ok(am1 && am2);
    const fromA = openByHand(am1, B_KEY, payloadsOf(am1).cookies.subarray(0, 8));
    assert.equal(fromA.get(KE)?.length, 128, "the initiator's group 2 public value");
    assert.equal(fqdnOf(fromA.get(ID) ?? Buffer.alloc(0)), 'wan2511.cisco.com');
    const fromB = openByHand(am2, A_KEY, payloadsOf(am2).cookies.subarray(8, 16));
    assert.equal(fromB.get(KE)?.length, 128, "the responder's group 2 public value");
    assert.equal(fqdnOf(fromB.get(ID) ?? Buffer.alloc(0)), 'wan2516.cisco.com');
    assert.equal(fromA.has(CERT), false, 'no certificate for our key: no CERT');
  });
});

const skip = pkiSkipReason();
if (skip) console.log(`*** SKIPPING revised-mode CERT tests: ${skip} ***`);

describe("revised mode: the initiator's CERT under Ke_i", { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsce-rev-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const pki = new SwanPki(dir);
  const ca = pki.selfSigned('ca', { dn: 'C=XX, O=Lab, CN=Lab Root CA', lifetimeDays: 60 });
  const rogue = pki.selfSigned('rogue', { dn: 'C=XX, O=Lab, CN=Other CA', lifetimeDays: 60 });
  const aCert = pki.issue('a', ca, { dn: 'C=XX, O=Lab, CN=wan2511.cisco.com', sans: ['wan2511.cisco.com'] });
  const aRogue = pki.issue('ar', rogue, {
    dn: 'C=XX, O=Lab, CN=wan2511.cisco.com',
    sans: ['wan2511.cisco.com'],
  });
  const now = (): number => Date.now() + 60_000;
  const hex = (der: Uint8Array): string => Buffer.from(der).toString('hex');

  function pair(cert: typeof aCert, aggressive: boolean): Lab {
    const base = chapterConfigs();
    const aBlocks: CertificateBlock[] = [
      { trustpoint: 'labca', serial: '01', role: 'ca', der: hex(cert === aCert ? ca.der : rogue.der) },
      { trustpoint: 'labca', serial: '02', role: 'router', der: hex(cert.der) },
    ];
    const a: RouterConfig = {
      ...revised(
        base.a,
        'wan2511',
        [{ kind: 'named-key', name: 'wan2516.cisco.com', der: publicDer(B_KEY) }],
        'wan2516.cisco.com',
        B_WAN,
      ),
      trustpoints: [{ name: 'labca', kind: 'trustpoint', crlOptional: true }],
      certificates: aBlocks,
    };
    // B has no key for A in its chain: only the certificate can tell it.
    const b: RouterConfig = {
      ...revised(base.b, 'wan2516', [], 'wan2511.cisco.com', A_WAN),
      trustpoints: [{ name: 'labca', kind: 'trustpoint', crlOptional: true }],
      certificates: [{ trustpoint: 'labca', serial: '01', role: 'ca', der: hex(ca.der) }],
    };
    return new Lab(
      {
        config: a,
        aggressiveMode: aggressive,
        decryptionKeys: [cert.key],
        pki: { signingKeys: new Map(), now },
      },
      { config: b, decryptionKeys: [B_KEY], pki: { signingKeys: new Map(), now } },
    );
  }

  for (const aggressive of [true, false])
    it(`${aggressive ? 'aggressive' : 'main'} mode: the responder encrypts to the key of the certificate`, () => {
      const lab = pair(aCert, aggressive);
      lab.acquire('a');
      lab.run(30);
      assert.ok(
        established(lab),
        JSON.stringify([...eventsOf(lab.b, 'certRefused'), ...eventsOf(lab.b, 'ikeSaDeleted')]),
      );
      assert.equal(eventsOf(lab.b, 'certApproved').length, 1);
      // The CERT is the third body of the chain after the nonce: encoding 4, then the DER.
      const first = lab.a.sent.find((d) => payloadsOf(d).list.some((p) => p.type === NONCE));
      assert.ok(first);
      const cookie = payloadsOf(first).cookies.subarray(0, 8);
      const cert = openByHand(first, B_KEY, cookie).get(CERT);
      assert.ok(cert, 'a CERT payload after KE and ID');
      assert.equal(cert[0], 4, 'X.509 Certificate - Signature');
      assert.equal(cert.subarray(1).toString('hex'), hex(aCert.der));
      // Kept as a key extracted from a certificate (code C).
      assert.deepEqual(
        lab.b.engine.certifiedKeys().map((k) => [k.name, k.address]),
        [['wan2511.cisco.com', A_WAN]],
      );
    });

  it('the key so learned serves when the responder later initiates toward that peer', () => {
    const lab = pair(aCert, false);
    lab.acquire('a');
    lab.run(30);
    assert.ok(established(lab));
    for (const n of [lab.a, lab.b]) {
      lab.apply(n, n.engine.clearIpsec({}, lab.now));
      lab.apply(n, n.engine.clearIsakmp({}, lab.now));
    }
    lab.run(lab.now + 5);
    lab.a.installed = [];
    lab.b.installed = [];
    // B's chain still holds no key for A: the one from A's certificate is used.
    lab.acquire('b', {
      ...SELECTOR_A,
      localStart: SELECTOR_A.remoteStart,
      localEnd: SELECTOR_A.remoteEnd,
      remoteStart: SELECTOR_A.localStart,
      remoteEnd: SELECTOR_A.localEnd,
    });
    lab.run(lab.now + 30);
    assert.ok(established(lab), JSON.stringify(eventsOf(lab.b, 'ikeSaDeleted')));
  });

  it('HASH(1) may name our key by its certificate (RFC 2409 §5.2) or by the key itself', () => {
    const config: RouterConfig = {
      ...chapterConfigs().b,
      certificates: [{ trustpoint: 'labca', serial: '02', role: 'router', der: hex(aCert.der) }],
    };
    const ctx = { peers: [], ownKeys: [B_KEY, aCert.key] };
    const byCert = createHash('sha1').update(aCert.der).digest();
    const byKey = createHash('sha1')
      .update(createPublicKey(aCert.key).export({ type: 'spki', format: 'der' }))
      .digest();
    assert.equal(ownKeyFor(config, ctx, 'sha1', byCert), aCert.key);
    assert.equal(ownKeyFor(config, ctx, 'sha1', byKey), aCert.key);
    assert.equal(ownKeyFor(config, ctx, 'sha1', Buffer.alloc(20, 7)), undefined);
    assert.equal(ownKeyFor(config, ctx, 'sha1', undefined), B_KEY);
  });

  it('a certificate from a CA the responder does not trust is refused with INVALID-CERT-AUTHORITY', () => {
    const lab = pair(aRogue, true);
    lab.acquire('a');
    lab.run(30);
    assert.ok(!established(lab));
    assert.ok(eventsOf(lab.b, 'certRefused').length >= 1);
    assert.ok(
      eventsOf(lab.b, 'notifySent').some((e) => e.notify === 'INVALID_CERT_AUTHORITY'),
      JSON.stringify(eventsOf(lab.b, 'notifySent')),
    );
  });
});
