// Two IKEv2 engines negotiate in memory: IKE_SA_INIT and IKE_AUTH with pre-shared keys create
// the first CHILD_SA on both sides with matching keys, and the refusals RFC 7296 names come
// back where they should: INVALID_KE_PAYLOAD (and the retry), NO_PROPOSAL_CHOSEN,
// AUTHENTICATION_FAILED, TS_UNACCEPTABLE. Lost messages are retransmitted and a retransmitted
// request is answered from the last response, not processed twice; DELETE ends both sides.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { espProposal, ikeProposal, Pair, peer, R1, R2 } from './pair.js';

function up(pair: Pair): void {
  pair.run('r1', pair.r1.engine.initiate(R2, pair.now));
}

test('PSK: both sides install one ESP pair, each side outbound = the other inbound', () => {
  const pair = new Pair(peer(R1, R2), peer(R2, R1));
  up(pair);
  const [a] = pair.r1.installed;
  const [b] = pair.r2.installed;
  assert.ok(a && b, pair.r1.log.concat(pair.r2.log).join('\n'));
  assert.equal(a.outbound.spi, b.inbound.spi);
  assert.equal(a.inbound.spi, b.outbound.spi);
  assert.deepEqual(a.outbound.encryptionKey, b.inbound.encryptionKey);
  assert.deepEqual(a.outbound.integrityKey, b.inbound.integrityKey);
  assert.deepEqual(a.inbound.encryptionKey, b.outbound.encryptionKey);
  assert.notDeepEqual(a.inbound.encryptionKey, a.outbound.encryptionKey);
  assert.equal(a.outbound.cipher, 'aes-cbc');
  assert.equal(a.outbound.cipherKeyBits, 256);
  assert.equal(a.outbound.integrity, 'hmac-sha256-128');
  assert.equal(a.outbound.selector.remoteStart, '10.2.0.0');
  assert.equal(b.outbound.selector.remoteStart, '10.1.0.0');
  assert.equal(a.outbound.udpEncapsulation, undefined);
  for (const side of [pair.r1, pair.r2]) {
    const [sa] = side.engine.list(pair.now);
    assert.equal(sa?.state, 'ESTABLISHED');
    assert.equal(sa?.children.length, 1);
  }
  assert.equal(pair.r1.sent, 2);
  assert.equal(pair.r2.sent, 2);
});

test('AES-GCM for IKE and ESP, Curve25519', () => {
  const ike = [ikeProposal(1, 31, true)];
  const esp = [espProposal(1, 'gcm')];
  const pair = new Pair(
    peer(R1, R2, { ikeProposals: ike, childProposals: esp }),
    peer(R2, R1, { ikeProposals: ike, childProposals: esp }),
  );
  up(pair);
  const [a] = pair.r1.installed;
  const [b] = pair.r2.installed;
  assert.ok(a && b);
  assert.equal(a.outbound.cipher, 'aes-gcm-16');
  assert.equal(a.outbound.encryptionKey?.length, 20, 'AES-128 key and 4-byte salt (RFC 4106)');
  assert.deepEqual(a.outbound.encryptionKey, b.inbound.encryptionKey);
});

test('INVALID_KE_PAYLOAD: the responder names its group and the initiator tries again with it', () => {
  const r1 = peer(R1, R2, { ikeProposals: [ikeProposal(1, 14), ikeProposal(2, 19)] });
  const r2 = peer(R2, R1, { ikeProposals: [ikeProposal(1, 19)] });
  const pair = new Pair(r1, r2);
  up(pair);
  assert.ok(
    pair.r1.log.some((l) => /INVALID_KE_PAYLOAD: the peer wants DH group 19/.test(l)),
    pair.r1.log.join('\n'),
  );
  assert.ok(pair.r2.log.some((l) => /KE for DH group 14, the chosen proposal has group 19/.test(l)));
  assert.equal(pair.r1.installed.length, 1);
  assert.equal(pair.r1.engine.list(pair.now)[0]?.dhGroup, 19);
});

test('NO_PROPOSAL_CHOSEN for IKE: the refusal names the transform type, theirs and ours', () => {
  const r2 = peer(R2, R1, { ikeProposals: [ikeProposal(1, 14, true)] });
  const pair = new Pair(peer(R1, R2), r2);
  up(pair);
  assert.ok(
    pair.r2.log.some((l) =>
      /no IKE proposal chosen: proposal 1: ENCR: offered AES_CBC_128, ours AES_GCM_16_256/.test(l),
    ),
    pair.r2.log.join('\n'),
  );
  assert.ok(
    pair.r1.log.some((l) => /refused IKE_SA_INIT with notify 14/.test(l)),
    pair.r1.log.join('\n'),
  );
  assert.equal(pair.r1.engine.list(pair.now).length, 0);
  assert.equal(pair.r2.engine.list(pair.now).length, 0);
});

test('a wrong pre-shared key is AUTHENTICATION_FAILED and leaves no SA on either side', () => {
  const r2 = peer(R2, R1, { remoteKey: new TextEncoder().encode('another-psk') });
  const pair = new Pair(peer(R1, R2), r2);
  up(pair);
  assert.ok(
    pair.r2.log.some((l) => /AUTH from 192.0.2.1 does not verify/.test(l)),
    pair.r2.log.join('\n'),
  );
  assert.ok(
    pair.r1.log.some((l) => /refused IKE_AUTH: AUTHENTICATION_FAILED/.test(l)),
    pair.r1.log.join('\n'),
  );
  assert.equal(pair.r1.installed.length + pair.r2.installed.length, 0);
  assert.equal(pair.r1.engine.list(pair.now).length + pair.r2.engine.list(pair.now).length, 0);
});

test('the responder checks the identity it was told to match', () => {
  const r2 = peer(R2, R1, { remoteId: { idType: 2, data: new TextEncoder().encode('r1.example') } });
  const pair = new Pair(peer(R1, R2), r2);
  up(pair);
  assert.ok(pair.r2.log.some((l) => /peer identity 192.0.2.1 is not r1.example/.test(l)));
  assert.equal(pair.r1.installed.length, 0);
});

test('TS_UNACCEPTABLE: the IKE SA stays up without a child, the log names both selectors', () => {
  const r2base = peer(R2, R1);
  const r2 = peer(R2, R1, {
    selector: { ...r2base.selector, remoteStart: '10.9.0.0', remoteEnd: '10.9.0.255' },
  });
  const pair = new Pair(peer(R1, R2), r2);
  up(pair);
  assert.ok(
    pair.r2.log.some((l) =>
      /traffic selectors unacceptable: proposed 10.2.0.0-10.2.0.255 -> 10.1.0.0-10.1.0.255 proto 0, ours 10.2.0.0-10.2.0.255 -> 10.9.0.0-10.9.0.255/.test(
        l,
      ),
    ),
    pair.r2.log.join('\n'),
  );
  assert.ok(pair.r1.log.some((l) => /no CHILD_SA: the peer answered TS_UNACCEPTABLE/.test(l)));
  assert.equal(pair.r1.engine.list(pair.now)[0]?.state, 'ESTABLISHED');
  assert.equal(pair.r1.installed.length + pair.r2.installed.length, 0);
});

test('NO_PROPOSAL_CHOSEN for the child: the IKE SA stays up', () => {
  const r2 = peer(R2, R1, { childProposals: [espProposal(1, 'gcm')] });
  const pair = new Pair(peer(R1, R2), r2);
  up(pair);
  assert.ok(
    pair.r2.log.some((l) =>
      /no CHILD_SA proposal chosen: proposal 1: ENCR: offered AES_CBC_256, ours AES_GCM_16_128/.test(l),
    ),
  );
  assert.ok(pair.r1.log.some((l) => /no CHILD_SA: the peer answered NO_PROPOSAL_CHOSEN/.test(l)));
});

test('a lost IKE_AUTH response: the request is sent again and answered from the last response', () => {
  const pair = new Pair(peer(R1, R2), peer(R2, R1));
  let dropped = 0;
  pair.lose = (from, data) => from === 'r2' && data[18] === 35 && dropped++ === 0;
  up(pair);
  assert.equal(pair.r1.installed.length, 0);
  assert.equal(pair.r2.installed.length, 1);
  pair.advance(2);
  assert.equal(pair.r1.installed.length, 1, pair.r1.log.join('\n'));
  assert.equal(pair.r2.installed.length, 1, 'the retransmitted request is not processed twice');
  assert.deepEqual(pair.r1.installed[0]?.outbound.encryptionKey, pair.r2.installed[0]?.inbound.encryptionKey);
  assert.ok(pair.r1.log.some((l) => /retransmitting IKE_AUTH request 1/.test(l)));
});

test('a lost IKE_SA_INIT request is retransmitted; no answer at all ends the SA after the retries', () => {
  const pair = new Pair(peer(R1, R2), peer(R2, R1));
  let lost = 0;
  pair.lose = (from) => from === 'r1' && lost++ === 0;
  up(pair);
  pair.advance(2);
  assert.equal(pair.r1.installed.length, 1);

  const silent = new Pair(peer(R1, R2), peer(R2, R1));
  silent.lose = () => true;
  up(silent);
  for (let i = 0; i < 10; i++) silent.advance(20);
  assert.equal(silent.r1.sent, 5, 'the first send and four retransmissions');
  assert.ok(silent.r1.log.some((l) => /no answer to IKE_SA_INIT request 0/.test(l)));
  assert.equal(silent.r1.engine.list(silent.now).length, 0);
});

test('DELETE of the IKE SA: both sides remove the SA and its child', () => {
  const pair = new Pair(peer(R1, R2), peer(R2, R1));
  up(pair);
  pair.run('r1', pair.r1.engine.deleteSas(pair.now));
  assert.deepEqual(pair.r1.removed, [pair.r1.installed[0]?.inbound.spi]);
  assert.deepEqual(pair.r2.removed, [pair.r2.installed[0]?.inbound.spi]);
  assert.equal(pair.r1.engine.list(pair.now).length + pair.r2.engine.list(pair.now).length, 0);
});

test('a forged or replayed message changes nothing', () => {
  const pair = new Pair(peer(R1, R2), peer(R2, R1));
  const seen: Uint8Array[] = [];
  pair.lose = (from, data) => {
    if (from === 'r1') seen.push(data);
    return false;
  };
  up(pair);
  const auth = seen[1];
  assert.ok(auth);
  const forged = auth.slice();
  forged[forged.length - 1] = (forged[forged.length - 1] ?? 0) ^ 1;
  const before = pair.r2.installed.length;
  const actions = pair.r2.engine.receive(
    { srcAddress: R1, srcPort: 500, dstAddress: R2, dstPort: 500, data: forged },
    pair.now,
  );
  assert.ok(actions.every((a) => a.kind === 'log'));
  const replay = pair.r2.engine.receive(
    { srcAddress: R1, srcPort: 500, dstAddress: R2, dstPort: 500, data: auth },
    pair.now,
  );
  assert.ok(
    replay.every((a) => a.kind === 'send' || a.kind === 'log'),
    'answered from the last response',
  );
  assert.equal(pair.r2.installed.length, before);
});

test('a child at its soft lifetime is replaced by a new IKE SA and child before the old ones go', () => {
  const pair = new Pair(peer(R1, R2), peer(R2, R1));
  up(pair);
  const [old1] = pair.r1.installed;
  const [old2] = pair.r2.installed;
  assert.ok(old1 && old2);
  // Either side may run it: here the responder of the first IKE SA.
  pair.run('r2', pair.r2.engine.rekeyChild(old2.outbound.spi, pair.now) ?? []);
  assert.equal(pair.r1.installed.length, 2, pair.r2.log.join('\n'));
  assert.equal(pair.r2.installed.length, 2);
  const [, new1] = pair.r1.installed;
  const [, new2] = pair.r2.installed;
  assert.equal(new1?.outbound.spi, new2?.inbound.spi);
  assert.notEqual(new1?.inbound.spi, old1.inbound.spi);
  assert.deepEqual(pair.r1.removed, [old1.inbound.spi], 'the old child is removed on both sides');
  assert.deepEqual(pair.r2.removed, [old2.inbound.spi]);
  for (const side of [pair.r1, pair.r2]) {
    const sas = side.engine.list(pair.now);
    assert.equal(sas.length, 1);
    assert.equal(sas[0]?.children.length, 1);
  }
  assert.equal(pair.r1.engine.rekeyChild(12345, pair.now), undefined, 'not an IKEv2 SPI');
});

test('traffic for an IKE SA without a child: it is deleted and a new IKE SA asks for the child', () => {
  const r2base = peer(R2, R1);
  const r2 = peer(R2, R1, {
    selector: { ...r2base.selector, remoteStart: '10.9.0.0', remoteEnd: '10.9.0.255' },
  });
  const pair = new Pair(peer(R1, R2), r2);
  up(pair);
  assert.equal(pair.r1.engine.list(pair.now)[0]?.children.length, 0);
  up(pair);
  assert.ok(
    pair.r2.log.some((l) => /IKEv2 SA 1 with 192.0.2.1: deleted by the peer/.test(l)),
    pair.r2.log.join('\n'),
  );
  assert.ok(pair.r1.log.some((l) => /IKEv2 SA 2: initiating to 192.0.2.2/.test(l)));
  assert.deepEqual(
    pair.r1.engine.list(pair.now).map((s) => s.id),
    [2],
  );
});
