// Operating a running gateway (Figure 13-45, the chapter's pair with the real engines):
// `initiate crypto map` and `initiate peer` bring the tunnel up without traffic, so the
// chapter's first ping loses nothing (`!!!!!`, where traffic-triggered IKE gives `.!!!!`);
// the SA list carries the negotiated algorithms (Example 13-1: 3des/sha/pre-share/group 1,
// esp-3des esp-md5-hmac), ports, ages, rekey times and counts (five 100-byte pings: 500 bytes
// each way); `show crypto session`, `show crypto engine connections active` and the `detail`
// shows render it in the IOS layouts; `clear crypto isakmp CONN-ID` takes one IKE SA.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chapterPair } from './chapterPair.js';
import { ControlNotFound } from '../../src/gateway/controlProtocol.js';

function upByInitiate(target: { map: string; seq: number } | { peer: string }) {
  const s = chapterPair({ seed: 7, rngSeed: 60, startSeconds: 100 });
  const [initiator, responder] = s.gateways;
  assert.ok(initiator && responder);
  const result = initiator.initiate(target);
  assert.deepEqual(result.peers, ['172.16.172.20']);
  s.net.scheduler.run(s.net.scheduler.now() + 5);
  return { ...s, initiator, responder, result };
}

test('initiate crypto map: the tunnel is up before any traffic, the first ping is !!!!!', () => {
  const s = upByInitiate({ map: 'vpn', seq: 10 });
  assert.equal(s.result.text, 'initiating crypto map vpn 10: 1 proxy ID pair toward 172.16.172.20');
  assert.deepEqual(
    s.initiator.isakmpSas().map((sa) => sa.state),
    ['QM_IDLE'],
  );
  assert.equal(s.initiator.saList().ipsec.length, 1, 'IPsec SAs without traffic');
  assert.equal(s.ping(), '!!!!!');
});

test('initiate peer does the same; unknown entries and peers are refused', () => {
  const s = upByInitiate({ peer: '172.16.172.20' });
  assert.equal(s.initiator.saList().ipsec.length, 1);
  assert.throws(() => s.initiator.initiate({ map: 'vpn', seq: 20 }), ControlNotFound);
  assert.throws(() => s.initiator.initiate({ peer: '192.0.2.99' }), ControlNotFound);
});

test('the SA list: algorithms, ports, ages, rekey times, bytes and packets', () => {
  const s = upByInitiate({ map: 'vpn', seq: 10 });
  assert.equal(s.ping(), '!!!!!');
  s.net.scheduler.run(s.net.scheduler.now() + 20);
  const { ike, ipsec } = s.initiator.saList();
  const [sa] = ike;
  assert.ok(sa);
  assert.equal(ike.length, 1);
  assert.deepEqual(
    [sa.encryption, sa.hash, sa.authentication, sa.group, sa.localPort, sa.remotePort, sa.natT],
    ['3des', 'sha', 'pre-share', 1, 500, 500, false],
  );
  assert.deepEqual(
    [sa.role, sa.exchange, sa.interface, sa.peerId],
    ['initiator', 'main', 'Ethernet1/0', '172.16.172.20'],
  );
  const age = sa.establishedSecondsAgo ?? -1;
  assert.ok(age >= 20 && age <= 26, `established ${age}s ago`);
  // The default IKE lifetime is 86400 s; the initiator rekeys at 0.80..0.85 of it.
  const rekey = sa.rekeyInSeconds ?? -1;
  assert.ok(rekey >= 0.8 * 86400 - age - 1 && rekey <= 0.85 * 86400 - age + 1, `IKE rekey in ${rekey}s`);
  const [child] = ipsec;
  assert.ok(child);
  assert.equal(child.transform, 'esp-3des esp-md5-hmac');
  assert.equal(child.flow, 'permit ip 10.1.1.0/255.255.255.0 10.1.2.0/255.255.255.0');
  assert.deepEqual(
    [child.cryptoMap, child.seq, child.mode, child.ikeConnId],
    ['vpn', 10, 'tunnel', sa.connId],
  );
  const childRekey = child.rekeyInSeconds ?? -1;
  assert.ok(childRekey >= 0.8 * 3600 - 27 && childRekey <= 0.85 * 3600 - 19, `IPsec rekey in ${childRekey}s`);
  assert.deepEqual(
    [...child.inbound, ...child.outbound].map((d) => [d.connId, d.bytes, d.packets]),
    [
      [2000, 500, 5],
      [2001, 500, 5],
    ],
  );
  // The responder counts the same packets the other way round.
  const peerChild = s.responder.saList().ipsec[0];
  assert.deepEqual(
    [peerChild?.inbound[0]?.spi, peerChild?.outbound[0]?.spi],
    [child.outbound[0]?.spi, child.inbound[0]?.spi],
  );
});

test('show crypto session and show crypto engine connections active, in the IOS layouts', () => {
  const s = upByInitiate({ map: 'vpn', seq: 10 });
  assert.equal(s.ping(), '!!!!!');
  assert.equal(
    s.initiator.show('session').text,
    [
      'Crypto session current status',
      '',
      'Interface: Ethernet1/0',
      'Session status: UP-ACTIVE',
      'Peer: 172.16.172.20 port 500',
      '  IKE SA: local 172.16.172.10/500 remote 172.16.172.20/500 Active',
      '  IPSEC FLOW: permit ip 10.1.1.0/255.255.255.0 10.1.2.0/255.255.255.0',
      '        Active SAs: 2, origin: crypto map',
      '',
      '',
    ].join('\n'),
  );
  const detail = s.initiator.show('session detail').text;
  assert.match(detail, /^Peer: 172\.16\.172\.20 port 500 fvrf: \(none\) ivrf: \(none\)$/m);
  assert.match(detail, /^ {10}Capabilities:\(none\) connid:1 lifetime:23:59:\d\d$/m);
  assert.match(detail, /^ {8}Inbound: {2}#pkts dec'ed 5 drop 0 life \(KB\/Sec\) 4607999\/35\d\d$/m);
  assert.match(detail, /^ {8}Outbound: #pkts enc'ed 5 drop 0 life \(KB\/Sec\) 4607999\/35\d\d$/m);
  assert.equal(
    s.initiator.show('engine connections active').text,
    [
      '   ID Interface       IP-Address      State  Algorithm           Encrypt  Decrypt',
      '    1 Ethernet1/0     172.16.172.10   set    HMAC_SHA+3DES_56_C        0        0',
      ' 2000 Ethernet1/0     172.16.172.10   set    HMAC_MD5+3DES_56_C        0        5',
      ' 2001 Ethernet1/0     172.16.172.10   set    HMAC_MD5+3DES_56_C        5        0',
      '',
    ].join('\n'),
  );
});

test('the detail shows add what swanctl --list-sas shows', () => {
  const s = upByInitiate({ map: 'vpn', seq: 10 });
  assert.equal(s.ping(), '!!!!!');
  const isakmp = s.initiator.show('isakmp sa detail').text;
  assert.match(
    isakmp,
    /^\/ {11}1 {7}172\.16\.172\.10 {3}172\.16\.172\.20 {3}3des sha {2}psk {2}1 {2}23:59:\d\d$/m,
  );
  assert.match(
    isakmp,
    /State QM_IDLE, initiator, main mode, local 172\.16\.172\.10\/500 remote 172\.16\.172\.20\/500/,
  );
  assert.match(
    isakmp,
    /Cookies [0-9a-f]{16}_i [0-9a-f]{16}_r, established \d+s ago, rekeying in \d+s, expires in \d+s/,
  );
  const ipsec = s.initiator.show('ipsec sa detail').text;
  assert.equal((ipsec.match(/^ {4}bytes: 500, packets: 5, errors: 0, PFS \(Y\/N\): N$/gm) ?? []).length, 2);
  assert.equal((ipsec.match(/^ {4}sa age: \d+ s, rekey in \d+ s, expires in \d+ s$/gm) ?? []).length, 2);
  assert.doesNotMatch(s.initiator.show('ipsec sa').text, /sa age:/, 'the plain show stays as IOS prints it');
});

test('clear crypto isakmp CONN-ID takes that IKE SA only; an unknown one is refused', () => {
  const s = upByInitiate({ map: 'vpn', seq: 10 });
  assert.throws(() => s.initiator.clear('isakmp', { connId: 99 }), /no ISAKMP SA with conn-id 99/);
  assert.equal(s.initiator.isakmpSas().length, 1);
  s.initiator.clear('isakmp', { connId: 1 });
  s.net.scheduler.run(s.net.scheduler.now() + 1);
  assert.deepEqual(s.initiator.isakmpSas(), []);
  assert.deepEqual(s.responder.isakmpSas(), [], 'the peer heard the DELETE');
});

test('counters: SAs, bytes, drops by reason', () => {
  const s = chapterPair({ seed: 7, rngSeed: 60, startSeconds: 100 });
  const [initiator] = s.gateways;
  assert.ok(initiator);
  assert.equal(s.ping(), '.!!!!');
  const c = initiator.counters().data;
  assert.deepEqual([c.ikeSas, c.ipsecSas, c.outbound.packets, c.inbound.packets], [1, 1, 4, 4]);
  assert.equal(c.drops['awaiting SA'], 1, "the ping that triggered IKE (IOS's '.')");
  assert.match(initiator.counters().text, /^ {2}awaiting SA {21} {11}1$/m);
});
