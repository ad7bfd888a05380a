// The IKEv2 key schedule against strongSwan 5.9.8 (test/fixtures/strongswan-ikev2/*): from the
// logged DH shared secret and what the capture carries (SPIs, nonces, the IKE_SA_INIT messages,
// the ID payloads), plus the PSK of the swanctl conf, derive SKEYSEED, the seven SK_* keys,
// both AUTH payloads (and charon's logged signed octets) and the ESP keys, and compare each with
// the value charon logged. The algorithms come from the proposals the responder chose.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import {
  childKeymat,
  ikeSaKeys,
  prfPlus,
  sharedKeyAuth,
  signedOctets,
  skeyseed,
} from '../../src/crypto/index.js';
import { espSuiteOf, ikeSuiteOf, keyLengths } from '../../src/ikev2/algorithms.js';
import { openSk } from '../../src/ikev2/protection.js';
import {
  decodeIkev2Message,
  encodeIkev2Payloads,
  findIkev2,
  type Ikev2Payload,
} from '../../src/wire/ikev2/index.js';
import {
  IKEV2_VECTORS,
  loadIkev2Vector,
  logged,
  loggedOnce,
  vectorSkKeys,
} from '../wire/ikev2/strongswanIkev2.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** An ID payload's body from the ID Type on (RFC 7296 §2.15's IDx'). */
function idBody(p: Ikev2Payload): Uint8Array {
  return encodeIkev2Payloads([p]).bytes.subarray(4);
}

describe('prf+ (RFC 7296 §2.13)', () => {
  it('is T1 | T2 | ... with Tn = prf(K, Tn-1 | S | n), truncated', () => {
    // Hand computation: each block is one HMAC; the third block's counter is 0x03.
    const key = new Uint8Array(32).fill(7);
    const seed = new TextEncoder().encode('seed');
    const out = prfPlus('sha256', key, seed, 70);
    const t1 = createHmac('sha256', key).update(seed).update(Uint8Array.of(1)).digest();
    const t2 = createHmac('sha256', key).update(t1).update(seed).update(Uint8Array.of(2)).digest();
    const t3 = createHmac('sha256', key).update(t2).update(seed).update(Uint8Array.of(3)).digest();
    assert.equal(hex(out), hex(Buffer.concat([t1, t2, t3]).subarray(0, 70)));
  });
  it('refuses more than 255 blocks', () => {
    assert.throws(() => prfPlus('sha1', new Uint8Array(20), new Uint8Array(0), 255 * 20 + 1), RangeError);
  });
});

for (const name of IKEV2_VECTORS) {
  describe(`IKEv2 keys: ${name}`, () => {
    const v = loadIkev2Vector(name);
    const log = v.initiatorLog;
    const [initRequest, initResponse, authRequest, authResponse] = v.datagrams;
    if (!initRequest || !initResponse || !authRequest || !authResponse) throw new Error('short capture');
    const request = decodeIkev2Message(initRequest.payload);
    const response = decodeIkev2Message(initResponse.payload);
    const ni = findIkev2(request.payloads, 40)?.nonce ?? new Uint8Array(0);
    const nr = findIkev2(response.payloads, 40)?.nonce ?? new Uint8Array(0);
    const chosen = findIkev2(response.payloads, 33)?.proposals[0];
    const suite = chosen && ikeSuiteOf(chosen);
    if (!suite) throw new Error('no IKE suite');
    const gir = loggedOnce(log, 'shared Diffie Hellman secret');
    const seed = skeyseed(suite.prf, ni, nr, gir);
    const keys = ikeSaKeys(
      suite.prf,
      seed,
      ni,
      nr,
      response.header.spiI,
      response.header.spiR,
      keyLengths(suite.cipher, suite.integrity),
    );

    it('the chosen proposal is one we run, with the DH group the KE payloads carry', () => {
      assert.equal(findIkev2(response.payloads, 34)?.group, suite.dh.id);
      assert.equal(findIkev2(request.payloads, 34)?.data.length, suite.dh.publicLength);
      assert.equal(gir.length, suite.dh.secretLength);
    });

    it('SKEYSEED = prf(Ni | Nr, g^ir)', () => {
      assert.equal(hex(seed), hex(loggedOnce(log, 'SKEYSEED')));
      assert.equal(hex(seed), hex(loggedOnce(v.responderLog, 'SKEYSEED')));
    });

    it('SK_d, SK_ai, SK_ar, SK_ei, SK_er, SK_pi, SK_pr = prf+(SKEYSEED, Ni | Nr | SPIi | SPIr)', () => {
      assert.equal(hex(keys.d), hex(loggedOnce(log, 'Sk_d secret')));
      if (suite.integrity) {
        assert.equal(hex(keys.ai), hex(loggedOnce(log, 'Sk_ai secret')));
        assert.equal(hex(keys.ar), hex(loggedOnce(log, 'Sk_ar secret')));
      } else {
        assert.equal(keys.ai.length, 0);
      }
      assert.equal(hex(keys.ei), hex(loggedOnce(log, 'Sk_ei secret')));
      assert.equal(hex(keys.er), hex(loggedOnce(log, 'Sk_er secret')));
      assert.equal(hex(keys.pi), hex(loggedOnce(log, 'Sk_pi secret')));
      assert.equal(hex(keys.pr), hex(loggedOnce(log, 'Sk_pr secret')));
    });

    const authI =
      openSk(authRequest.payload, decodeIkev2Message(authRequest.payload), vectorSkKeys(v, true))?.payloads ??
      [];
    const authR =
      openSk(authResponse.payload, decodeIkev2Message(authResponse.payload), vectorSkKeys(v, false))
        ?.payloads ?? [];

    it('both AUTH payloads are prf(prf(PSK, "Key Pad for IKEv2"), first message | peer\'s nonce | prf(SK_p, ID\'))', () => {
      const idi = findIkev2(authI, 35);
      const idr = findIkev2(authR, 36);
      assert.ok(idi && idr);
      const octetsI = signedOctets(suite.prf, initRequest.payload, nr, keys.pi, idBody(idi));
      const octetsR = signedOctets(suite.prf, initResponse.payload, ni, keys.pr, idBody(idr));
      const [loggedI, loggedR] = logged(log, "octets = message + nonce + prf(Sk_px, IDx')");
      assert.equal(hex(octetsI), hex(loggedI ?? new Uint8Array(0)));
      assert.equal(hex(octetsR), hex(loggedR ?? new Uint8Array(0)));
      assert.equal(
        hex(sharedKeyAuth(suite.prf, v.psk, octetsI)),
        hex(findIkev2(authI, 39)?.data ?? new Uint8Array(0)),
      );
      assert.equal(
        hex(sharedKeyAuth(suite.prf, v.psk, octetsR)),
        hex(findIkev2(authR, 39)?.data ?? new Uint8Array(0)),
      );
      assert.equal(findIkev2(authI, 39)?.method, 2);
    });

    it('the ESP keys are prf+(SK_d, Ni | Nr) in the order of §2.17', () => {
      const esp = findIkev2(authR, 33)?.proposals[0];
      const espSuite = esp && espSuiteOf(esp);
      assert.ok(espSuite);
      const k = childKeymat(suite.prf, keys.d, ni, nr, keyLengths(espSuite.cipher, espSuite.integrity));
      assert.equal(hex(k.ei), hex(loggedOnce(log, 'encryption initiator key')));
      assert.equal(hex(k.er), hex(loggedOnce(log, 'encryption responder key')));
      if (espSuite.integrity.keyLength > 0) {
        assert.equal(hex(k.ai), hex(loggedOnce(log, 'integrity initiator key')));
        assert.equal(hex(k.ar), hex(loggedOnce(log, 'integrity responder key')));
      }
    });
  });
}
