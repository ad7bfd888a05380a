// Tunnel Endpoint Discovery in the engine (src/ike/ted.ts, tedDiscovery.ts): the probe of
// Figure 13-54 toward the traffic's destination, its retries and the log when nobody answers,
// a response that does not fit (the probe goes on, another gateway may answer), and the
// responder that only answers for networks its discover entry protects.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfigText } from '../../src/gateway/configFile.js';
import { IkeManager, type IkeAction, type IkeEvent } from '../../src/ike/index.js';
import { ExchangeType } from '../../src/ike/constants.js';
import { decodeDatagram } from '../../src/ike/message.js';
import type { DiscoverRequest } from '../../src/ike/ted.js';
import { debugIsakmpLines } from '../../src/observe/debugIsakmp.js';
import { EXAMPLE_13_24_TED_INITIATOR, EXAMPLE_13_25_TED_RESPONDER } from '../../src/lab/scenarios/ted.js';
import { cryptoMapEntries } from '../../src/policy/cryptoMap.js';
import { PayloadType } from '../../src/wire/index.js';
import { seededRng } from './harness.js';

const initiatorConfig = parseConfigText(EXAMPLE_13_24_TED_INITIATOR, 'example-13-24');
const responderConfig = parseConfigText(EXAMPLE_13_25_TED_RESPONDER, 'example-13-25');

function manager(config: typeof initiatorConfig, address: string, seed: string): IkeManager {
  return new IkeManager({ config, rng: seededRng(seed), localAddresses: [address] });
}

function request(): DiscoverRequest {
  const template = initiatorConfig.dynamicMaps[0]!;
  const rule = cryptoMapEntries(initiatorConfig, 'tedtag')[0]!;
  assert.ok(rule.acl);
  return {
    cryptoMapEntry: { ...template, map: 'tedtag', kind: 'ipsec-isakmp', peers: [] },
    selector: {
      protocol: 0,
      localStart: '13.13.13.0',
      localEnd: '13.13.13.255',
      localPortStart: 0,
      localPortEnd: 65535,
      remoteStart: '12.12.12.0',
      remoteEnd: '12.12.12.255',
      remotePortStart: 0,
      remotePortEnd: 65535,
    },
    source: '13.13.13.14',
    destination: '12.12.12.13',
    localAddress: '11.11.11.1',
  };
}

type Send = Extract<IkeAction, { kind: 'send' }>;
const sends = (a: readonly IkeAction[]): Send[] => a.filter((x): x is Send => x.kind === 'send');
const events = (a: readonly IkeAction[]): IkeEvent[] =>
  a.flatMap((x) => (x.kind === 'event' ? [x.event] : []));
const lines = (a: readonly IkeAction[]): string[] => events(a).flatMap((e) => debugIsakmpLines(e));
const datagram = (s: Send) => ({
  srcAddress: s.srcAddress,
  srcPort: s.srcPort,
  dstAddress: s.dstAddress,
  dstPort: s.dstPort,
  data: s.data,
});

test('the probe goes from the host to the destination, with our address and source proxy (Figure 13-54)', () => {
  const out = manager(initiatorConfig, '11.11.11.1', 'i').discover(request(), 0);
  const [probe] = sends(out);
  assert.ok(probe);
  assert.equal(probe.transit, true);
  assert.deepEqual(
    [probe.srcAddress, probe.srcPort, probe.dstAddress, probe.dstPort],
    ['13.13.13.14', 500, '12.12.12.13', 500],
  );
  const msg = decodeDatagram(probe.data);
  assert.equal(msg.exchangeType, ExchangeType.TED);
  assert.equal(msg.messageId, 0);
  assert.ok(msg.responderCookie.every((b) => b === 0));
  assert.deepEqual(
    msg.payloads.map((p) => p.type),
    [PayloadType.VID, PayloadType.ID, PayloadType.ID],
  );
  const ids = msg.payloads.filter((p) => p.type === PayloadType.ID);
  // Example 13-26: "1st ID is 11.11.11.1" (type 1, UDP 500), "2nd ID is 13.13.13.0 /255.255.255.0".
  assert.deepEqual(
    ids.map((p) => [p.idType, p.protocolId, p.port, p.identification]),
    [
      [1, 17, 500, { kind: 'ipv4', address: '11.11.11.1' }],
      [4, 0, 0, { kind: 'ipv4-subnet', address: '13.13.13.0', mask: '255.255.255.0' }],
    ],
  );
  const text = lines(out);
  assert.ok(text.includes('IPSEC(tunnel discover request): ,'));
  assert.ok(text.includes('1st ID is 11.11.11.1'));
  assert.ok(text.includes('ISAKMP (0:1): sending packet to 12.12.12.13 (I) PEER_DISCOVERY'));
});

test('the responder answers from the destination with its address and proxy; main mode runs to it', () => {
  const ini = manager(initiatorConfig, '11.11.11.1', 'i');
  const res = manager(responderConfig, '11.11.11.2', 'r');
  const probe = sends(ini.discover(request(), 0))[0]!;
  const answered = res.receive(datagram(probe), 0);
  const [reply] = sends(answered);
  assert.ok(reply, lines(answered).join('\n'));
  assert.deepEqual([reply.transit, reply.srcAddress, reply.dstAddress], [true, '12.12.12.13', '13.13.13.14']);
  assert.ok(lines(answered).includes("peer's address is 11.11.11.1"));
  const ids = decodeDatagram(reply.data).payloads.filter((p) => p.type === PayloadType.ID);
  assert.deepEqual(
    ids.map((p) => p.identification),
    [
      { kind: 'ipv4', address: '11.11.11.2' },
      { kind: 'ipv4-subnet', address: '12.12.12.0', mask: '255.255.255.0' },
    ],
  );
  const next = ini.receive(datagram(reply), 0);
  const text = lines(next);
  assert.ok(text.includes('ISAKMP: initiating IKE to 11.11.11.2 in response to probe.'), text.join('\n'));
  const mm = sends(next)[0];
  assert.ok(mm);
  assert.equal(mm.transit, undefined);
  assert.deepEqual([mm.srcAddress, mm.dstAddress, mm.dstPort], ['11.11.11.1', '11.11.11.2', 500]);
  assert.equal(decodeDatagram(mm.data).exchangeType, ExchangeType.ID_PROT);
  // The probe is over: a second copy of the response starts nothing.
  assert.equal(sends(ini.receive(datagram(reply), 0)).length, 0);
});

test('a probe nobody answers is sent 4 times, then a clear log and the acquire fails', () => {
  const ini = manager(initiatorConfig, '11.11.11.1', 'i');
  let probes = sends(ini.discover(request(), 0)).length;
  const all: IkeAction[] = [];
  for (let t = 0; t <= 40; t += 0.5) {
    const out = ini.tick(t);
    probes += sends(out).length;
    all.push(...out);
  }
  assert.equal(probes, 4);
  const failed = events(all).find((e) => e.type === 'tedFailed');
  assert.ok(failed && failed.type === 'tedFailed');
  assert.equal(failed.transmissions, 4);
  const text = lines(all).join('\n');
  assert.match(
    text,
    /%CRYPTO-4-TED_NO_PEER: no IPsec gateway answered the peer discovery probe toward 12\.12\.12\.13 \(4 transmissions\)/,
  );
  assert.match(text, /13\.13\.13\.0\/255\.255\.255\.0\/0\/0 -> 12\.12\.12\.0\/255\.255\.255\.0\/0\/0/);
  assert.equal(ini.nextDeadline(), undefined);
});

test('several candidates: a response that does not fit is refused and the next one is used', () => {
  const ini = manager(initiatorConfig, '11.11.11.1', 'i');
  const probe = sends(ini.discover(request(), 0))[0]!;
  // A gateway protecting only 12.12.13.0/24 (not the destination) answers first.
  const other = parseConfigText(
    EXAMPLE_13_25_TED_RESPONDER.replaceAll('12.12.12.0', '12.12.13.0').replace(
      'ip address 11.11.11.2',
      'ip address 11.11.11.3',
    ),
    'other',
  );
  const wrong = manager(other, '11.11.11.3', 'o');
  // It protects no 12.12.12.13: it does not answer at all.
  assert.equal(sends(wrong.receive(datagram(probe), 0)).length, 0);
  // Forge what a careless gateway would send: its answer for 12.12.13.0/24 to our probe.
  const forged = sends(wrong.receive({ ...datagram(probe), dstAddress: '12.12.13.13' }, 0))[0]!;
  const refused = ini.receive({ ...datagram(forged), srcAddress: '12.12.12.13' }, 0);
  const r = events(refused).find((e) => e.type === 'tedRefused');
  assert.ok(r && r.type === 'tedRefused', lines(refused).join('\n'));
  assert.match(r.reason, /12\.12\.13\.0-12\.12\.13\.255, not 12\.12\.12\.13/);
  assert.equal(sends(refused).length, 0);
  // The right gateway's answer (to a retransmission) is used.
  const retransmitted = sends(ini.tick(1))[0]!;
  assert.deepEqual(retransmitted.data, probe.data);
  const good = sends(manager(responderConfig, '11.11.11.2', 'r').receive(datagram(retransmitted), 1))[0]!;
  const ok = ini.receive(datagram(good), 1);
  assert.ok(events(ok).some((e) => e.type === 'tedDiscovered' && e.peer === '11.11.11.2'));
  assert.equal(sends(ok)[0]?.dstAddress, '11.11.11.2');
});

test('a narrower responder proxy narrows the SA; a response to no probe is dropped', () => {
  const narrow = parseConfigText(
    EXAMPLE_13_25_TED_RESPONDER.replace(
      'access-list 101 permit ip 12.12.12.0 0.0.0.255 13.13.13.0 0.0.0.255',
      'access-list 101 permit ip 12.12.12.0 0.0.0.127 13.13.13.0 0.0.0.255',
    ),
    'narrow',
  );
  const ini = manager(initiatorConfig, '11.11.11.1', 'i');
  const probe = sends(ini.discover(request(), 0))[0]!;
  const reply = sends(manager(narrow, '11.11.11.2', 'n').receive(datagram(probe), 0))[0]!;
  const out = ini.receive(datagram(reply), 0);
  const d = events(out).find((e) => e.type === 'tedDiscovered');
  assert.ok(d && d.type === 'tedDiscovered');
  assert.deepEqual([d.selector.remoteStart, d.selector.remoteEnd], ['12.12.12.0', '12.12.12.127']);
  const stray = manager(initiatorConfig, '11.11.11.1', 'x').receive(datagram(reply), 0);
  assert.equal(sends(stray).length, 0);
  assert.ok(
    events(stray).some(
      (e) => e.type === 'drop' && e.reason === 'peer discovery response to no probe of ours',
    ),
  );
});

test('hostile TED messages are dropped, never answered or thrown', () => {
  const res = manager(responderConfig, '11.11.11.2', 'r');
  const probe = sends(manager(initiatorConfig, '11.11.11.1', 'i').discover(request(), 0))[0]!;
  for (let cut = 28; cut < probe.data.length; cut += 3) {
    const data = Uint8Array.from(probe.data.subarray(0, cut));
    data[27] = cut; // header length says what is there
    const out = res.receive({ ...datagram(probe), data }, 0);
    assert.equal(sends(out).length, 0);
  }
  // A probe whose source proxy is no network we talk to.
  const other = sends(
    manager(
      parseConfigText(EXAMPLE_13_24_TED_INITIATOR.replaceAll('13.13.13.0', '14.14.14.0'), 'x'),
      '11.11.11.1',
      'x',
    ).discover(
      {
        ...request(),
        selector: { ...request().selector, localStart: '14.14.14.0', localEnd: '14.14.14.255' },
      },
      0,
    ),
  )[0]!;
  const out = res.receive(datagram(other), 0);
  assert.equal(sends(out).length, 0);
  assert.ok(events(out).some((e) => e.type === 'drop' && /no discover entry protects it/.test(e.reason)));
});
