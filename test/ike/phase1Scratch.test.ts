// Phase-1 scratch (DH private value, nonces) is zeroed once phase 1 ends, established or
// failed (DESIGN.md principle 6): only SKEYID's children live on with the IKE SA.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IkeManager, type Rng } from '../../src/ike/index.js';
import { IkeSa } from '../../src/ike/ikeSa.js';
import { dhExchange } from '../../src/ike/keys.js';
import { decodeMessage, findPayload, PayloadType } from '../../src/wire/index.js';
import { A_WAN, B_WAN, chapterConfigs, eventsOf, Lab, seededRng, type Node } from './harness.js';

/** Every buffer the RNG handed out, beside a copy of what it held then. */
function recordingRng(seed: string): Rng & { handedOut: { buffer: Uint8Array; copy: Uint8Array }[] } {
  const inner = seededRng(seed);
  const handedOut: { buffer: Uint8Array; copy: Uint8Array }[] = [];
  return {
    handedOut,
    randomBytes: (n) => {
      const buffer = inner.randomBytes(n);
      handedOut.push({ buffer, copy: buffer.slice() });
      return buffer;
    },
  };
}

/** The buffer that became our nonce in the clear KE/NONCE message we sent. */
function ourNonce(node: Node, rng: ReturnType<typeof recordingRng>): Uint8Array {
  for (const data of node.sent) {
    const msg = decodeMessage(data);
    if (msg.header.flags.encryption) continue;
    const nonce = findPayload(msg.payloads, PayloadType.NONCE);
    if (!nonce) continue;
    const given = rng.handedOut.find((h) => Buffer.from(h.copy).equals(Buffer.from(nonce.data)));
    assert.ok(given, 'the nonce came from the RNG');
    return given.buffer;
  }
  assert.fail('no KE/NONCE message sent');
}

function labWith(
  mod: Parameters<typeof chapterConfigs>[0],
  side: 'a' | 'b',
): {
  lab: Lab;
  rng: ReturnType<typeof recordingRng>;
} {
  const { a, b } = chapterConfigs(mod);
  const lab = new Lab({ config: a }, { config: b });
  const rng = recordingRng(side);
  const node = lab.node(side);
  node.engine = new IkeManager({
    config: side === 'a' ? a : b,
    rng,
    localAddresses: [side === 'a' ? A_WAN : B_WAN],
  });
  return { lab, rng };
}

test('our phase-1 nonce is zeroed once phase 1 is established', () => {
  const { lab, rng } = labWith({}, 'a');
  lab.acquire('a');
  lab.run(5);
  assert.equal(eventsOf(lab.a, 'ikeSaCreated').length, 1);
  assert.equal(lab.a.installed.length, 1, 'quick mode still works after the wipe');
  const nonce = ourNonce(lab.a, rng);
  assert.ok(nonce.length >= 8);
  assert.ok(
    nonce.every((b) => b === 0),
    'nonce buffer zeroed',
  );
});

test('our phase-1 nonce is zeroed when phase 1 fails (wrong pre-shared key)', () => {
  const { lab, rng } = labWith({ b: { keys: [{ key: 'not-the-same-key', address: A_WAN }] } }, 'b');
  lab.acquire('a');
  lab.run(5);
  assert.equal(eventsOf(lab.b, 'ikeSaCreated').length, 0);
  assert.ok(eventsOf(lab.b, 'ikeSaDeleted').length >= 1, 'the responder gave up on phase 1');
  const nonce = ourNonce(lab.b, rng);
  assert.ok(
    nonce.every((b) => b === 0),
    'nonce buffer zeroed',
  );
});

test('wipePhase1Scratch zeroes the nonces and the DH private value and drops them', () => {
  const sa = new IkeSa(1, 'initiator', 'main', new Uint8Array(8), A_WAN, 500, B_WAN, 500, 0);
  const ni = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
  const nr = Uint8Array.from({ length: 16 }, (_, i) => i + 101);
  // Group 2 (RFC 2409 §6.2) with a small private value: 2^x is then easy to state.
  const x = new Uint8Array(80);
  x[79] = 3;
  const dh = dhExchange(2, x);
  assert.ok(
    x.every((b) => b === 0),
    "the caller's copy of the private value is zeroed at once",
  );
  const peer = dhExchange(
    2,
    Uint8Array.from({ length: 80 }, (_, i) => (i === 79 ? 5 : 0)),
  );
  // g^(3*5) = 2^15 = 32768, left-padded to the 128-byte prime length.
  const expected = new Uint8Array(128);
  expected[126] = 0x80;
  assert.deepEqual(dh.sharedSecret(peer.publicValue), expected);
  Object.assign(sa, { dh, ni, nr, gxi: dh.publicValue, gxr: peer.publicValue });
  sa.wipePhase1Scratch();
  assert.equal(sa.dh, undefined);
  assert.equal(sa.ni, undefined);
  assert.equal(sa.nr, undefined);
  assert.equal(sa.gxi, undefined);
  assert.equal(sa.gxr, undefined);
  assert.ok(ni.every((b) => b === 0) && nr.every((b) => b === 0));
  assert.throws(() => dh.sharedSecret(peer.publicValue), /wiped/);
});
