import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { decodeCrypto } from '../../src/cli/decodeCrypto.js';
import { renderJsonLine } from '../../src/observe/decodeJson.js';
import { parseIkev1KeyTable } from '../../src/observe/decodeKeys.js';
import { decodeIsakmpCapture, type DecodedItem } from '../../src/observe/decodeSession.js';
import { renderTree } from '../../src/observe/decodeTree.js';
import { decodeCapture, type PcapFrame } from '../../src/observe/pcap.js';
import { fixture } from '../util/fixtures.js';

// strongSwan's mm-psk-aes128-sha1-modp2048 vector: CKY-I and Ka from its README.
const frames = decodeCapture(
  readFileSync(fixture('strongswan-ikev1/mm-psk-aes128-sha1-modp2048/capture.pcapng')),
);
const keys = parseIkev1KeyTable('65c91c5b278c3d04,98f193f5c7eaf4bdd84d37f1a6c8bd02\n');

function decode(selection: readonly PcapFrame[]): DecodedItem[] {
  return [...decodeIsakmpCapture(selection, keys, decodeCrypto)];
}

function summary(items: readonly DecodedItem[]): string[] {
  return items.map((item) => {
    if (item.kind === 'malformed') return `${item.frame}: malformed`;
    const status = item.encryption?.status ?? 'clear';
    return `${item.datagram.frame}: ${status} ${item.payloads.map((p) => p.type).join(',')}`;
  });
}

test('a retransmitted encrypted message decrypts like the original; the chain goes on', () => {
  // MM5 (frame 5) sent twice: RFC 2409 App. B chaining must continue from MM5's last block,
  // not from the retransmission's.
  const withRetransmit = [...frames.slice(0, 5), { ...frames[4]!, number: 99 }, ...frames.slice(5, 9)];
  assert.deepEqual(summary(decode(withRetransmit)), [
    '1: clear 1,13,13,13,13,13',
    '2: clear 1,13,13,13,13',
    '3: clear 4,10,20,20',
    '4: clear 4,10,20,20',
    '5: decrypted 5,8,11',
    '99: decrypted 5,8,11',
    '6: decrypted 5,8',
    '7: decrypted 8,1,10,5,5',
    '8: decrypted 8,1,10,5,5',
    '9: decrypted 8',
  ]);
});

test('without MM1/MM2 the chosen transform is unknown: encrypted messages stay opaque, with the reason', () => {
  const items = decode(frames.slice(2, 9));
  const opaque = items.filter((i) => i.kind === 'message' && i.encryption?.status === 'opaque');
  assert.equal(opaque.length, 5);
  const first = opaque[0]!;
  assert.ok(first.kind === 'message' && first.encryption?.status === 'opaque');
  assert.match(first.encryption.reason, /negotiated phase-1 transform/);
});

test('without MM3 the initiator KE is missing: no phase-1 IV, and no phase-2 IV after it', () => {
  const items = decode([...frames.slice(0, 2), ...frames.slice(3, 9)]);
  const reasons = items.flatMap((i) =>
    i.kind === 'message' && i.encryption?.status === 'opaque' ? [i.encryption.reason] : [],
  );
  assert.equal(reasons.length, 5);
  assert.match(reasons[0]!, /phase-1 IV needs both KE payloads/);
  assert.match(reasons[4]!, /needs the last encrypted phase-1 message/);
});

test('frames in a different order than the exchange: the phase-1 roles come from the first message', () => {
  // MM4 (responder KE) before MM3 (initiator KE): the initiator is the sender of MM1, so the
  // phase-1 IV still uses g^xi | g^xr in the right order.
  const reordered = [frames[0]!, frames[1]!, frames[3]!, frames[2]!, ...frames.slice(4, 9)];
  const decrypted = decode(reordered).filter(
    (i) => i.kind === 'message' && i.encryption?.status === 'decrypted',
  );
  assert.equal(decrypted.length, 5);
});

test('mutated captures never throw: every frame becomes a message or a malformed report', () => {
  // Bit flips, truncations and junk in the sample's frames (after the link/IP/UDP headers
  // too): decoding, decryption and both renderings must only ever report, never throw.
  fc.assert(
    fc.property(
      fc.array(
        fc.record({
          frame: fc.nat({ max: 8 }),
          at: fc.nat({ max: 400 }),
          value: fc.integer({ min: 0, max: 255 }),
          cut: fc.option(fc.nat({ max: 400 }), { nil: undefined }),
        }),
        { minLength: 1, maxLength: 6 },
      ),
      (mutations) => {
        const mutated = frames.slice(0, 9).map((f) => ({ ...f, data: Uint8Array.from(f.data) }));
        for (const m of mutations) {
          const target = mutated[m.frame]!;
          if (m.at < target.data.length) target.data[m.at] = m.value;
          if (m.cut !== undefined && m.cut < target.data.length)
            mutated[m.frame] = { ...target, data: target.data.subarray(0, m.cut) };
        }
        for (const item of decodeIsakmpCapture(mutated, keys, decodeCrypto)) {
          assert.ok(renderTree(item).length > 0);
          assert.ok(renderJsonLine(item).endsWith('\n'));
        }
      },
    ),
    { numRuns: 300, seed: 20261128 },
  );
});

test('a chosen cipher that cannot be decrypted is named in the reason', () => {
  // MM2 (frame 2): Ethernet 14 + IPv4 20 + UDP 8 = ISAKMP at 42. SA payload at 28, its proposal
  // at 40, the transform at 48 and its first attribute (80 01 00 07, encryption AES-CBC) at 56:
  // the value's low byte is at 59. 2 = IDEA-CBC (RFC 2409 App. A).
  const mm2 = { ...frames[1]!, data: Uint8Array.from(frames[1]!.data) };
  assert.equal(mm2.data[42 + 59], 7);
  mm2.data[42 + 59] = 2;
  const items = decode([frames[0]!, mm2, ...frames.slice(2, 9)]);
  const reasons = items.flatMap((i) =>
    i.kind === 'message' && i.encryption?.status === 'opaque' ? [i.encryption.reason] : [],
  );
  assert.equal(reasons.length, 5);
  assert.match(reasons[0]!, /phase-1 encryption algorithm 2 cannot be decrypted/);
});
