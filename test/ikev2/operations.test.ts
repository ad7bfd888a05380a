// IKEv2 operations on two engines over the in-memory link: `show crypto ikev2 sa detailed`
// (the layout of IOS 15's sample output, values worked out from the exchange: IKE_SA_INIT is
// message 0 and IKE_AUTH message 1, so the initiator's next request is 2 and the responder
// waits for 2), and the show parser's spellings of it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseClearWords } from '../../src/cli/clear.js';
import { parseShowWords } from '../../src/cli/show.js';
import { formatIkev2Sa } from '../../src/observe/ikev2Show.js';
import type { Ikev2Action } from '../../src/ikev2/engine.js';
import type { IkeAction } from '../../src/ike/types.js';
import { IkeVersions } from '../../src/gateway/ikeVersions.js';
import { ScriptedIke } from '../gateway/ports.js';
import { ikeProposal, Pair, peer, R1, R2 } from './pair.js';

function established(): Pair {
  const pair = new Pair(peer(R1, R2), peer(R2, R1));
  pair.run('r1', pair.r1.engine.initiate(R2, 0));
  assert.equal(pair.r1.installed.length, 1, pair.r1.log.concat(pair.r2.log).join('\n'));
  return pair;
}

test('show crypto ikev2 sa detailed prints both ends in IOS 15 layout', () => {
  const pair = established();
  pair.now = 5;
  const [a] = pair.r1.engine.list(pair.now);
  const [b] = pair.r2.engine.list(pair.now);
  assert.ok(a && b);
  assert.equal(a.spiI, b.spiI);
  const detail = (text: string): string[] => text.split('\n').slice(6, 23);
  assert.deepEqual(detail(formatIkev2Sa([a], true)), [
    '      CE id: 0, Session-id: 1',
    '      Status Description: Negotiation done',
    `      Local spi: ${a.spiI.toUpperCase()}       Remote spi: ${a.spiR.toUpperCase()}`,
    '      Local id: 192.0.2.1',
    '      Remote id: 192.0.2.2',
    '      Local req msg id:  2              Remote req msg id:  0',
    '      Local next msg id: 2              Remote next msg id: 0',
    '      Local req queued:  2              Remote req queued:  0',
    '      Local window:      1              Remote window:      1',
    '      DPD configured for 0 seconds, retry 0',
    '      Fragmentation not configured.',
    '      Extended Authentication not configured.',
    '      NAT-T is not detected',
    '      Cisco Trust Security SGT is disabled',
    '      Initiator of SA : Yes',
    '',
    ' IPv6 Crypto IKEv2  SA ',
  ]);
  const r2 = detail(formatIkev2Sa([b], true));
  assert.equal(r2[2], `      Local spi: ${b.spiR.toUpperCase()}       Remote spi: ${b.spiI.toUpperCase()}`);
  assert.equal(r2[3], '      Local id: 192.0.2.2');
  assert.equal(r2[5], '      Local req msg id:  0              Remote req msg id:  2');
  assert.equal(r2[14], '      Initiator of SA : No');
  // Without `detailed`, the summary stops at Life/Active Time.
  assert.equal(formatIkev2Sa([a]).split('\n')[6], '');
});

test('the show parser reads ikev2 sa detailed, its abbreviations and detail', () => {
  for (const words of [
    ['crypto', 'ikev2', 'sa', 'detailed'],
    ['cry', 'ikev2', 'sa', 'detaile'],
    ['crypto', 'ikev2', 'sa', 'detail'],
  ])
    assert.deepEqual(parseShowWords(words), { what: 'ikev2 sa detailed' }, words.join(' '));
  assert.deepEqual(parseShowWords(['crypto', 'ikev2', 'sa']), { what: 'ikev2 sa' });
  assert.throws(() => parseShowWords(['crypto', 'ikev2', 'sa', 'detailed', 'x']), /unknown show command/);
  assert.throws(() => parseShowWords(['crypto', 'ikev2', 'detailed']), /unknown show command/);
});

test('deleteChildren sends an INFORMATIONAL DELETE: both ends drop the child, the IKE SAs stay', () => {
  const pair = established();
  const [child] = pair.r1.installed;
  assert.ok(child);
  pair.run('r1', pair.r1.engine.deleteChildren(pair.now, '198.51.100.9'));
  assert.deepEqual(pair.r1.removed, [], 'another peer: nothing cleared');
  pair.run('r1', pair.r1.engine.deleteChildren(pair.now, R2));
  assert.deepEqual(pair.r1.removed, [child.inbound.spi]);
  assert.deepEqual(pair.r2.removed, [child.outbound.spi], pair.r2.log.join('\n'));
  for (const side of [pair.r1, pair.r2]) {
    const [sa] = side.engine.list(pair.now);
    assert.equal(sa?.state, 'ESTABLISHED');
    assert.deepEqual(sa?.children, []);
  }
  // The DELETE was request 2 of r1, answered: the peer waits for 3.
  assert.equal(pair.r2.engine.list(pair.now)[0]?.nextPeerRequestId, 3);
});

test('IkeVersions: clear crypto sa deletes IKEv2 children, clear crypto isakmp leaves IKEv2 alone, clear crypto ikev2 sa deletes the IKE SA', () => {
  const pair = established();
  const versions = new IkeVersions(new ScriptedIke(), pair.r1.engine);
  const sends = (actions: readonly IkeAction[]): number => actions.filter((a) => a.kind === 'send').length;
  assert.equal(sends(versions.clearIsakmp(undefined, pair.now)), 0);
  assert.equal(pair.r1.engine.list(pair.now)[0]?.children.length, 1);
  assert.equal(sends(versions.clearIkev2({ peer: '198.51.100.9' }, pair.now)), 0);
  assert.equal(pair.r1.engine.list(pair.now)[0]?.state, 'ESTABLISHED');
  pair.run('r1', versions.clearIpsec({ peer: R2 }, pair.now) as Ikev2Action[]);
  assert.equal(pair.r2.removed.length, 1);
  assert.equal(pair.r2.engine.list(pair.now)[0]?.state, 'ESTABLISHED');
  pair.run('r1', versions.clearIkev2({ peer: R2 }, pair.now) as Ikev2Action[]);
  assert.deepEqual(pair.r1.engine.list(pair.now), []);
  assert.deepEqual(pair.r2.engine.list(pair.now), []);
});

test('setPeers: a removed profile deletes its IKE SA; a changed one is used by the next negotiation', () => {
  const pair = established();
  const gcm = [ikeProposal(1, 19, true)];
  // Both ends reload with a new IKE proposal (AES-GCM, ECP 256): the SAs stay up.
  assert.deepEqual(pair.r1.engine.setPeers([peer(R1, R2, { ikeProposals: gcm })], pair.now), []);
  assert.deepEqual(pair.r2.engine.setPeers([peer(R2, R1, { ikeProposals: gcm })], pair.now), []);
  const [child] = pair.r1.installed;
  assert.ok(child);
  pair.run('r1', pair.r1.engine.rekeyChild(child.inbound.spi, pair.now) ?? []);
  const [sa] = pair.r1.engine.list(pair.now);
  assert.equal(sa?.id, 2, pair.r1.log.join('\n'));
  assert.equal(sa?.encryption, 'aes-gcm-16');
  assert.equal(sa?.dhGroup, 19);
  assert.equal(pair.r2.engine.list(pair.now).length, 1);
  // r2 drops the profile: its IKE SA is deleted, with a DELETE r1 answers.
  pair.run('r2', pair.r2.engine.setPeers([], pair.now));
  assert.deepEqual(pair.r2.engine.list(pair.now), []);
  assert.deepEqual(pair.r1.engine.list(pair.now), []);
});

test('the clear parser reads clear crypto ikev2 sa [peer A] and keeps the other forms', () => {
  assert.deepEqual(parseClearWords(['crypto', 'ikev2', 'sa']), { what: 'ikev2' });
  assert.deepEqual(parseClearWords(['cry', 'ikev2', 'sa', 'peer', '192.0.2.2']), {
    what: 'ikev2',
    peer: '192.0.2.2',
  });
  assert.deepEqual(parseClearWords(['crypto', 'isakmp', '3']), { what: 'isakmp', connId: 3 });
  assert.throws(() => parseClearWords(['crypto', 'ikev2']), /unknown clear command/);
  assert.throws(() => parseClearWords(['crypto', 'ikev2', 'sa', 'peer', 'nope']), /unknown clear command/);
  assert.throws(() => parseClearWords(['crypto', 'ikev2', 'sa', 'peer', '192.0.2.2', 'x']), /unknown clear/);
});
