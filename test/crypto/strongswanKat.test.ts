// IKEv1 key schedule against strongSwan 5.9.8 (test/fixtures/strongswan-ikev1/*/README.md).
// For every vector: from the logged inputs (DH shared secret, PFS DH secret) and what the
// capture carries (cookies, nonces, KE values, SA and ID payloads, SPIs) plus the PSK of the
// swanctl conf, derive every value charon logged at level 4 — SKEYID, SKEYID_d/a/e, Ka, the
// initial IV, HASH_I/HASH_R (and their input data), the per-message-ID IV chain, quick-mode
// HASH(1)/(2)/(3), informational/transaction hashes, the KEYMAT seeds and ESP keys — and
// decrypt every encrypted ISAKMP message and every ESP packet of the capture with them.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPublicKey } from 'node:crypto';
import {
  aeadOpen,
  cbcDecrypt,
  deriveSkeyids,
  expandEncryptionKey,
  gcmNonce,
  getCipher,
  getIntegrity,
  hashI,
  hashR,
  informationalHash,
  keymat,
  nextIv,
  parseCertificate,
  phase1Iv,
  phase2Iv,
  quickModeHash1,
  quickModeHash2,
  quickModeHash3,
  rsaVerifyIkev1,
  skeyidPsk,
  skeyidSig,
  splitKeyMaterial,
  uint32Bytes,
  verifyIcv,
  type CipherSuite,
  type HashAlg,
} from '../../src/crypto/index.js';
import type { EspCipher, IntegrityAlg } from '../../src/policy/sa.js';
import { fixture } from '../util/fixtures.js';
import { toHex } from './hex.js';
import {
  PAYLOAD,
  logged,
  loggedOnce,
  loadVector,
  walkPayloads,
  type IsakmpDatagram,
  type RawPayload,
  type Vector,
} from './strongswanVector.js';

const VECTORS = [
  'mm-psk-aes128-sha1-modp2048',
  'mm-psk-3des-md5-modp1024-pfs',
  'am-psk-aes256-sha256-modp2048',
  'mm-rsa-aes128-sha256-modp2048',
  'mm-psk-xauth-modecfg',
  'dpd-delete',
] as const;

const EXCHANGE = {
  IDENTITY_PROTECTION: 2,
  AGGRESSIVE: 4,
  INFORMATIONAL: 5,
  TRANSACTION: 6,
  QUICK: 32,
} as const;

function ikeSuite(proposal: string): { cipher: CipherSuite; hash: HashAlg } {
  const parts = proposal.split('/');
  const enc = parts[0] ?? '';
  const cipher =
    enc === '3DES_CBC' ? getCipher('3des-cbc') : getCipher('aes-cbc', Number(/AES_CBC_(\d+)/.exec(enc)?.[1]));
  const prfName = parts.find((p) => p.startsWith('PRF_HMAC_')) ?? '';
  const hash = ({ PRF_HMAC_MD5: 'md5', PRF_HMAC_SHA1: 'sha1', PRF_HMAC_SHA2_256: 'sha256' } as const)[
    prfName as 'PRF_HMAC_MD5' | 'PRF_HMAC_SHA1' | 'PRF_HMAC_SHA2_256'
  ];
  assert.ok(hash, `PRF of ${proposal}`);
  return { cipher, hash };
}

function espSuite(proposal: string): {
  cipher: EspCipher;
  keyBits: number | undefined;
  integrity: IntegrityAlg;
} {
  const parts = proposal.split('/');
  const enc = parts[0] ?? '';
  const integrity = (
    {
      HMAC_SHA1_96: 'hmac-sha1-96',
      HMAC_MD5_96: 'hmac-md5-96',
      HMAC_SHA2_256_128: 'hmac-sha256-128',
    } as const
  )[(parts[1] ?? '') as 'HMAC_SHA1_96'];
  if (enc === '3DES_CBC') return { cipher: '3des-cbc', keyBits: undefined, integrity };
  const gcm = /AES_GCM_(\d+)_(\d+)/.exec(enc);
  if (gcm) return { cipher: `aes-gcm-${gcm[1]}` as EspCipher, keyBits: Number(gcm[2]), integrity: 'none' };
  return { cipher: 'aes-cbc', keyBits: Number(/AES_CBC_(\d+)/.exec(enc)?.[1]), integrity };
}

function payloadOf(payloads: readonly RawPayload[], type: number): RawPayload {
  const p = payloads.find((x) => x.type === type);
  assert.ok(p, `payload ${type}`);
  return p;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

/** SPI of the first proposal of an SA payload body (DOI, situation, proposal header). */
function proposalSpi(saBody: Uint8Array): number {
  const spiSize = saBody[8 + 6] ?? 0;
  assert.equal(spiSize, 4);
  return Buffer.from(saBody.subarray(8 + 8, 8 + 12)).readUInt32BE(0);
}

interface Decrypted {
  readonly msg: IsakmpDatagram;
  readonly plaintext: Uint8Array;
  readonly payloads: RawPayload[];
  readonly trailing: Uint8Array;
  /** Bytes of the payload chain after the leading HASH payload (what HASH(1)/(2) cover). */
  readonly afterHash: Uint8Array;
}

interface Derived {
  readonly v: Vector;
  readonly hash: HashAlg;
  readonly cipher: CipherSuite;
  readonly gxy: Uint8Array;
  readonly skeyid: Uint8Array;
  readonly d: Uint8Array;
  readonly a: Uint8Array;
  readonly e: Uint8Array;
  readonly ka: Uint8Array;
  readonly gxi: Uint8Array;
  readonly gxr: Uint8Array;
  readonly ni: Uint8Array;
  readonly nr: Uint8Array;
  readonly clear: IsakmpDatagram[];
  readonly decrypted: Decrypted[];
  /** IVs per message ID: [first IV, IV after message 1, after message 2, ...]. */
  readonly ivChains: Map<number, Uint8Array[]>;
}

function derive(v: Vector): Derived {
  const { cipher, hash } = ikeSuite(v.ikeProposal);
  const gxy = loggedOnce(v.initiatorLog, 'shared Diffie Hellman secret');
  const clear = v.messages.filter((m) => !m.header.encrypted);
  const first = (fromInitiator: boolean, type: number): RawPayload => {
    for (const m of clear) {
      if (m.fromInitiator !== fromInitiator) continue;
      const p = walkPayloads(m.header.nextPayload, m.message.subarray(28)).payloads.find(
        (x) => x.type === type,
      );
      if (p) return p;
    }
    throw new Error(`no clear payload ${type} from ${fromInitiator ? 'initiator' : 'responder'}`);
  };
  const gxi = first(true, PAYLOAD.KE).body;
  const gxr = first(false, PAYLOAD.KE).body;
  const ni = first(true, PAYLOAD.NONCE).body;
  const nr = first(false, PAYLOAD.NONCE).body;
  const skeyid = v.psk ? skeyidPsk(hash, v.psk, ni, nr) : skeyidSig(hash, ni, nr, gxy);
  const { d, a, e } = deriveSkeyids(hash, skeyid, gxy, v.ckyI, v.ckyR);
  const ka = expandEncryptionKey(hash, e, cipher.keyLength);

  // RFC 2409 App. B: IV chains. Phase 1 starts from hash(g^xi | g^xr); each later message of an
  // exchange uses the last ciphertext block of the one before; a new M-ID starts from
  // hash(last phase-1 block | M-ID).
  const ivChains = new Map<number, Uint8Array[]>();
  ivChains.set(0, [phase1Iv(hash, gxi, gxr, cipher.blockSize)]);
  const decrypted: Decrypted[] = [];
  let lastPhase1Block: Uint8Array | undefined;
  for (const msg of v.messages.filter((m) => m.header.encrypted)) {
    const mid = msg.header.messageId;
    let chain = ivChains.get(mid);
    if (!chain) {
      assert.ok(lastPhase1Block, `M-ID ${mid} before the end of phase 1`);
      chain = [phase2Iv(hash, lastPhase1Block, mid, cipher.blockSize)];
      ivChains.set(mid, chain);
    }
    const body = msg.message.subarray(28, msg.header.length);
    assert.equal(body.length % cipher.blockSize, 0, `frame ${msg.frame}: body not whole blocks`);
    const iv = chain[chain.length - 1] ?? new Uint8Array(0);
    const plaintext = cbcDecrypt(cipher, ka, iv, body);
    chain.push(nextIv(body, cipher.blockSize));
    if (mid === 0) lastPhase1Block = nextIv(body, cipher.blockSize);
    const { payloads, trailing } = walkPayloads(msg.header.nextPayload, plaintext);
    const hashLen = payloads[0]?.type === PAYLOAD.HASH ? (payloads[0]?.raw.length ?? 0) : 0;
    decrypted.push({
      msg,
      plaintext,
      payloads,
      trailing,
      afterHash: plaintext.subarray(hashLen, plaintext.length - trailing.length),
    });
  }
  return { v, hash, cipher, gxy, skeyid, d, a, e, ka, gxi, gxr, ni, nr, clear, decrypted, ivChains };
}

function identities(readme: string): { type: number; data: Uint8Array }[] {
  const row = readme.split('\n').find((l) => l.startsWith('| Identities |')) ?? '';
  return [...row.matchAll(/ID_(IPV4_ADDR|FQDN) (\S+)/g)].map((m) =>
    m[1] === 'FQDN'
      ? { type: 2, data: new Uint8Array(Buffer.from(m[2] ?? '', 'ascii')) }
      : { type: 1, data: new Uint8Array((m[2] ?? '').split('.').map(Number)) },
  );
}

function assertSame(actual: Uint8Array, expected: Uint8Array | undefined, what: string): void {
  assert.ok(expected, `${what}: not logged`);
  assert.equal(toHex(actual), toHex(expected), what);
}

for (const name of VECTORS) {
  describe(`strongSwan vector ${name}`, () => {
    const v = loadVector(name);
    const k = derive(v);
    const log = v.initiatorLog;
    const aggressive = v.messages[0]?.header.exchangeType === EXCHANGE.AGGRESSIVE;

    it('cookies and nonces of the capture are the README values', () => {
      assertSame(v.messages[0]?.header.ckyI ?? new Uint8Array(0), v.ckyI, 'CKY-I');
      assertSame(v.messages[1]?.header.ckyR ?? new Uint8Array(0), v.ckyR, 'CKY-R');
      assertSame(k.ni, v.nonces[0], 'Ni');
      assertSame(k.nr, v.nonces[1], 'Nr');
      assert.equal(k.gxy.length, k.gxi.length);
    });

    it('SKEYID, SKEYID_d/a/e, Ka (with App. B expansion where needed) and the initial IV', () => {
      assertSame(k.skeyid, loggedOnce(log, 'SKEYID'), 'SKEYID');
      assertSame(k.d, loggedOnce(log, 'SKEYID_d'), 'SKEYID_d');
      assertSame(k.a, loggedOnce(log, 'SKEYID_a'), 'SKEYID_a');
      assertSame(k.e, loggedOnce(log, 'SKEYID_e'), 'SKEYID_e');
      assertSame(k.ka, loggedOnce(log, 'encryption key Ka'), 'Ka');
      assertSame(k.ivChains.get(0)?.[0] ?? new Uint8Array(0), loggedOnce(log, 'initial IV'), 'initial IV');
    });

    it('every encrypted ISAKMP message decrypts to a well-formed payload chain', () => {
      assert.ok(k.decrypted.length >= 3);
      for (const d of k.decrypted) {
        assert.ok(d.payloads.length >= 1, `frame ${d.msg.frame}`);
        // RFC 2409 §5.3 padding up to the block size; charon adds 1..blocksize zero bytes.
        assert.ok(
          d.trailing.length >= 1 && d.trailing.length <= k.cipher.blockSize,
          `frame ${d.msg.frame}: ${d.trailing.length} bytes of padding`,
        );
        assert.ok(
          d.trailing.every((b) => b === 0),
          `frame ${d.msg.frame}: padding bytes`,
        );
        assert.equal(d.msg.header.length, d.msg.message.length);
      }
    });

    it('phase-1 identities: MM5/AM1 carries the initiator ID, MM6/AM2 the responder ID', () => {
      const [idI, idR] = identities(v.readme);
      assert.ok(idI && idR);
      const idii = idPayload(k, true);
      const idir = idPayload(k, false);
      assert.equal(idii.body[0], idI.type);
      assertSame(idii.body.subarray(4), idI.data, 'IDii data');
      assert.equal(idir.body[0], idR.type);
      assertSame(idir.body.subarray(4), idR.data, 'IDir data');
      if (!aggressive) {
        // The first payload of decrypted MM5 is the ID payload.
        assert.equal(k.decrypted[0]?.payloads[0]?.type, PAYLOAD.ID);
      }
    });

    it('HASH_I and HASH_R (RFC 2409 §5) from SAi_b and the ID bodies, and their logged input data', () => {
      const saiB = saPayloadBody(k);
      const idiiB = idPayload(k, true).body;
      const idirB = idPayload(k, false).body;
      const hI = hashI(k.hash, k.skeyid, k.gxi, k.gxr, v.ckyI, v.ckyR, saiB, idiiB);
      const hR = hashR(k.hash, k.skeyid, k.gxi, k.gxr, v.ckyI, v.ckyR, saiB, idirB);
      assertSame(hI, loggedOnce(log, 'HASH_I'), 'HASH_I');
      assertSame(hR, loggedOnce(log, 'HASH_R'), 'HASH_R');
      assertSame(
        concat(k.gxi, k.gxr, v.ckyI, v.ckyR, saiB, idiiB),
        loggedOnce(log, 'HASH_I data'),
        'HASH_I data',
      );
      assertSame(
        concat(k.gxr, k.gxi, v.ckyR, v.ckyI, saiB, idirB),
        loggedOnce(log, 'HASH_R data'),
        'HASH_R data',
      );
      if (v.psk) {
        assertSame(authPayload(k, true, PAYLOAD.HASH).body, hI, 'HASH payload of the initiator');
        assertSame(authPayload(k, false, PAYLOAD.HASH).body, hR, 'HASH payload of the responder');
      }
    });

    it('"next IV for MID" values: the phase-1 chain, then hash(last phase-1 block | M-ID) and its chain', () => {
      const byMid = new Map<number, Uint8Array[]>();
      for (const entry of log) {
        const m = /^next IV for MID (\d+)$/.exec(entry.label);
        if (!m) continue;
        const list = byMid.get(Number(m[1])) ?? [];
        list.push(entry.value);
        byMid.set(Number(m[1]), list);
      }
      assert.ok(byMid.size >= 2);
      for (const [mid, values] of byMid) {
        const chain = k.ivChains.get(mid);
        assert.ok(chain, `M-ID ${mid} has no encrypted message in the capture`);
        // Phase 1 logs the IV after each message; a new M-ID logs its first IV, then each next.
        const expected = mid === 0 ? chain.slice(1) : chain;
        assert.ok(
          values.length <= expected.length,
          `M-ID ${mid}: ${values.length} logged, ${expected.length} derived`,
        );
        values.forEach((iv, i) => assertSame(expected[i] ?? new Uint8Array(0), iv, `IV ${i} of M-ID ${mid}`));
      }
    });

    it('quick mode HASH(1), HASH(2), HASH(3) (RFC 2409 §5.5) and the QM nonces', () => {
      const qm = k.decrypted.filter((d) => d.msg.header.exchangeType === EXCHANGE.QUICK);
      assert.equal(qm.length, 3);
      const [qm1, qm2, qm3] = qm;
      assert.ok(qm1 && qm2 && qm3);
      const mid = qm1.msg.header.messageId;
      const niB = payloadOf(qm1.payloads, PAYLOAD.NONCE).body;
      const nrB = payloadOf(qm2.payloads, PAYLOAD.NONCE).body;
      assertSame(niB, v.nonces[2], 'QM Ni');
      assertSame(nrB, v.nonces[3], 'QM Nr');
      const h1 = quickModeHash1(k.hash, k.a, mid, qm1.afterHash);
      const h2 = quickModeHash2(k.hash, k.a, mid, niB, qm2.afterHash);
      const h3 = quickModeHash3(k.hash, k.a, mid, niB, nrB);
      assertSame(h1, loggedOnce(log, 'Hash(1)'), 'Hash(1)');
      assertSame(h2, loggedOnce(log, 'Hash(2)'), 'Hash(2)');
      assertSame(h3, loggedOnce(log, 'Hash(3)'), 'Hash(3)');
      assertSame(payloadOf(qm1.payloads, PAYLOAD.HASH).body, h1, 'HASH payload of QM1');
      assertSame(payloadOf(qm2.payloads, PAYLOAD.HASH).body, h2, 'HASH payload of QM2');
      assertSame(payloadOf(qm3.payloads, PAYLOAD.HASH).body, h3, 'HASH payload of QM3');
    });

    it('KEYMAT (RFC 2409 §5.5): seeds and the ESP keys of both SAs, with the PFS secret where used', () => {
      const qm = k.decrypted.filter((d) => d.msg.header.exchangeType === EXCHANGE.QUICK);
      const [qm1, qm2] = qm;
      assert.ok(qm1 && qm2);
      // The SPI in each side's proposal is the one it chose for its inbound SA.
      assert.equal(proposalSpi(payloadOf(qm1.payloads, PAYLOAD.SA).body), v.spiR1Inbound);
      assert.equal(proposalSpi(payloadOf(qm2.payloads, PAYLOAD.SA).body), v.spiR1Outbound);
      const niB = payloadOf(qm1.payloads, PAYLOAD.NONCE).body;
      const nrB = payloadOf(qm2.payloads, PAYLOAD.NONCE).body;
      const pfs = logged(log, 'DH secret')[0];
      if (pfs) {
        assert.equal(payloadOf(qm1.payloads, PAYLOAD.KE).body.length, pfs.length);
        assert.equal(payloadOf(qm2.payloads, PAYLOAD.KE).body.length, pfs.length);
      } else {
        assert.equal(
          qm1.payloads.find((p) => p.type === PAYLOAD.KE),
          undefined,
        );
      }
      const esp = espSuite(v.espProposal);
      const suite = getCipher(esp.cipher, esp.keyBits);
      const encLength = suite.keyLength + suite.saltLength;
      const intLength = getIntegrity(esp.integrity).keyLength;
      const ESP = 3;
      for (const [role, spi] of [
        ['initiator', v.spiR1Outbound],
        ['responder', v.spiR1Inbound],
      ] as const) {
        const seed = concat(pfs ?? new Uint8Array(0), new Uint8Array([ESP]), uint32Bytes(spi), niB, nrB);
        assertSame(seed, loggedOnce(log, `${role} SA seed`), `${role} SA seed`);
        const material = keymat(k.hash, k.d, ESP, spi, niB, nrB, encLength + intLength, pfs);
        assertSame(
          material.subarray(0, encLength),
          loggedOnce(log, `encryption ${role} key`),
          `${role} encryption key`,
        );
        if (intLength > 0) {
          assertSame(
            material.subarray(encLength),
            loggedOnce(log, `integrity ${role} key`),
            `${role} integrity key`,
          );
        } else {
          assert.equal(logged(log, `integrity ${role} key`).length, 0);
        }
      }
    });

    it('the ESP packets of the capture verify and decrypt with those keys', () => {
      const esp = espSuite(v.espProposal);
      const suite = getCipher(esp.cipher, esp.keyBits);
      const icvLength = suite.aead ? suite.icvLength : getIntegrity(esp.integrity).icvLength;
      const keys = new Map<number, { enc: Uint8Array; int: Uint8Array }>([
        [
          v.spiR1Outbound,
          {
            enc: loggedOnce(log, 'encryption initiator key'),
            int: logged(log, 'integrity initiator key')[0] ?? new Uint8Array(0),
          },
        ],
        [
          v.spiR1Inbound,
          {
            enc: loggedOnce(log, 'encryption responder key'),
            int: logged(log, 'integrity responder key')[0] ?? new Uint8Array(0),
          },
        ],
      ]);
      const packets = v.datagrams.filter((d) => d.kind === 'esp');
      assert.ok(packets.length >= 2);
      for (const p of packets) {
        const view = Buffer.from(p.payload);
        const spi = view.readUInt32BE(0);
        const key = keys.get(spi);
        assert.ok(key, `frame ${p.frame}: SPI ${spi.toString(16)}`);
        const header = p.payload.subarray(0, 8);
        const iv = p.payload.subarray(8, 8 + suite.ivLength);
        const body = p.payload.subarray(8 + suite.ivLength, p.payload.length - icvLength);
        const icv = p.payload.subarray(p.payload.length - icvLength);
        let plain: Uint8Array | undefined;
        if (suite.aead) {
          const { key: k2, salt } = splitKeyMaterial(suite, key.enc);
          // RFC 4106 §5: AAD = SPI | sequence number.
          plain = aeadOpen(suite, k2, gcmNonce(salt, iv), header, p.payload.subarray(8 + suite.ivLength));
        } else {
          assert.equal(
            verifyIcv(esp.integrity, key.int, icv, p.payload.subarray(0, p.payload.length - icvLength)),
            true,
            `frame ${p.frame}: ICV`,
          );
          plain = cbcDecrypt(suite, key.enc, iv, body);
        }
        assert.ok(plain, `frame ${p.frame}: AEAD open`);
        // RFC 4303 §2.4: ... | Pad Length | Next Header; tunnel mode carries IPv4 (4), here ICMP.
        const nextHeader = plain[plain.length - 1];
        const padLength = plain[plain.length - 2] ?? 0;
        assert.equal(nextHeader, 4, `frame ${p.frame}: next header`);
        for (let i = 1; i <= padLength; i++) assert.equal(plain[plain.length - 2 - padLength + i - 1], i);
        assert.equal((plain[0] ?? 0) >> 4, 4);
        assert.equal(plain[9], 1, 'ICMP');
      }
    });

    it('responder.log logged the same keys and hashes', () => {
      for (const label of [
        'SKEYID',
        'SKEYID_d',
        'SKEYID_a',
        'SKEYID_e',
        'encryption key Ka',
        'HASH_I',
        'HASH_R',
        'Hash(1)',
        'Hash(2)',
        'Hash(3)',
        'encryption initiator key',
        'encryption responder key',
      ]) {
        assertSame(loggedOnce(v.responderLog, label), loggedOnce(log, label), `responder ${label}`);
      }
    });
  });
}

function saPayloadBody(k: Derived): Uint8Array {
  const m = k.clear.find((x) => x.fromInitiator);
  assert.ok(m);
  return payloadOf(walkPayloads(m.header.nextPayload, m.message.subarray(28)).payloads, PAYLOAD.SA).body;
}

/** The phase-1 ID payload of one side: in clear in aggressive mode, else in MM5/MM6. */
function idPayload(k: Derived, initiator: boolean): RawPayload {
  for (const m of k.clear.filter((x) => x.fromInitiator === initiator)) {
    const p = walkPayloads(m.header.nextPayload, m.message.subarray(28)).payloads.find(
      (x) => x.type === PAYLOAD.ID,
    );
    if (p) return p;
  }
  const d = k.decrypted.find((x) => x.msg.header.messageId === 0 && x.msg.fromInitiator === initiator);
  assert.ok(d, `phase-1 message of the ${initiator ? 'initiator' : 'responder'}`);
  return payloadOf(d.payloads, PAYLOAD.ID);
}

function authPayload(k: Derived, initiator: boolean, type: number): RawPayload {
  for (const m of k.clear.filter((x) => x.fromInitiator === initiator)) {
    const p = walkPayloads(m.header.nextPayload, m.message.subarray(28)).payloads.find(
      (x) => x.type === type,
    );
    if (p) return p;
  }
  const d = k.decrypted.find((x) => x.msg.header.messageId === 0 && x.msg.fromInitiator === initiator);
  assert.ok(d);
  return payloadOf(d.payloads, type);
}

describe('strongSwan vectors: informational and transaction exchanges', () => {
  it('dpd-delete: every informational HASH(1) = prf(SKEYID_a, M-ID | N/D) (RFC 2409 §5.7), as logged', () => {
    const k = derive(loadVector('dpd-delete'));
    const info = k.decrypted.filter((d) => d.msg.header.exchangeType === EXCHANGE.INFORMATIONAL);
    assert.equal(info.length, 6);
    const computed = info.map((d) => informationalHash(k.hash, k.a, d.msg.header.messageId, d.afterHash));
    info.forEach((d, i) =>
      assertSame(payloadOf(d.payloads, PAYLOAD.HASH).body, computed[i], `frame ${d.msg.frame} HASH`),
    );
    const loggedHashes = new Set(logged(k.v.initiatorLog, 'Hash').map(toHex));
    assert.deepEqual(new Set(computed.map(toHex)), loggedHashes);
    // DPD R-U-THERE/ACK (36136/36137) and a delete payload are in there.
    const notifyTypes = info.flatMap((d) =>
      d.payloads.filter((p) => p.type === PAYLOAD.N).map((p) => Buffer.from(p.body).readUInt16BE(6)),
    );
    assert.ok(
      notifyTypes.includes(36136) && notifyTypes.includes(36137),
      `notify types ${notifyTypes.join(',')}`,
    );
    assert.ok(info.some((d) => d.payloads.some((p) => p.type === PAYLOAD.D)));
  });

  it('mm-psk-xauth-modecfg: transaction exchange hashes, IVs and the XAUTH/mode-config content', () => {
    const k = derive(loadVector('mm-psk-xauth-modecfg'));
    const tx = k.decrypted.filter((d) => d.msg.header.exchangeType === EXCHANGE.TRANSACTION);
    assert.equal(tx.length, 6);
    const computed = tx.map((d) => informationalHash(k.hash, k.a, d.msg.header.messageId, d.afterHash));
    tx.forEach((d, i) =>
      assertSame(payloadOf(d.payloads, PAYLOAD.HASH).body, computed[i], `frame ${d.msg.frame} HASH`),
    );
    assert.deepEqual(new Set(computed.map(toHex)), new Set(logged(k.v.initiatorLog, 'Hash').map(toHex)));
    const attrs = Buffer.concat(tx.map((d) => payloadOf(d.payloads, PAYLOAD.ATTR).body));
    assert.ok(attrs.includes(Buffer.from('alice')), 'XAUTH user name');
    assert.ok(attrs.includes(Buffer.from('alice-password')), 'XAUTH password');
    assert.ok(attrs.includes(Buffer.from([10, 99, 0, 1])), 'INTERNAL_IP4_ADDRESS 10.99.0.1');
  });

  it('mm-psk-3des-md5-modp1024-pfs: Ka needs the App. B expansion (MD5 gives 16 bytes, 3DES needs 24)', () => {
    const k = derive(loadVector('mm-psk-3des-md5-modp1024-pfs'));
    assert.equal(k.e.length, 16);
    assert.equal(k.ka.length, 24);
    assert.notEqual(toHex(k.ka.subarray(0, 16)), toHex(k.e));
  });

  it('mm-rsa-aes128-sha256-modp2048: SIG_I and SIG_R verify with the certificates of the capture', () => {
    const v = loadVector('mm-rsa-aes128-sha256-modp2048');
    const k = derive(v);
    const dir = fixture(join('strongswan-ikev1', v.name));
    for (const [initiator, certFile, label] of [
      [true, 'r1.cert.pem', 'HASH_I'],
      [false, 'r2.cert.pem', 'HASH_R'],
    ] as const) {
      const certPayload = authPayload(k, initiator, PAYLOAD.CERT);
      assert.equal(certPayload.body[0], 4, 'X.509 signature certificate encoding');
      const cert = parseCertificate(certPayload.body.subarray(1));
      const pem = createPublicKey(readFileSync(join(dir, certFile)));
      assert.equal(
        toHex(cert.publicKey.export({ format: 'der', type: 'spki' })),
        toHex(pem.export({ format: 'der', type: 'spki' })),
      );
      const sig = authPayload(k, initiator, PAYLOAD.SIG).body;
      assert.equal(sig.length, 384, 'RSA-3072 signature');
      const h = loggedOnce(v.initiatorLog, label);
      assert.equal(rsaVerifyIkev1(cert.publicKey, h, sig), true, `${label} signature`);
      const wrong = h.slice();
      wrong[0] = (wrong[0] ?? 0) ^ 1;
      assert.equal(rsaVerifyIkev1(cert.publicKey, wrong, sig), false);
    }
  });
});
