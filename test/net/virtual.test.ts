// The virtual network: scheduler order, links with delay/loss/duplication/reordering/MTU and
// bounded queues, hosts pinging through a router, and the NAT box's port translation.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualNetwork } from '../../src/net/virtual/network.js';
import { VirtualScheduler } from '../../src/net/virtual/scheduler.js';
import { parseIpv4, parseUdp } from '../../src/packet/index.js';
import { buildUdpPacket } from '../../src/net/virtual/ip.js';
import { DEFAULT_PING, type PingResult } from '../../src/net/virtual/host.js';
import { VirtualNode, type NodeInterface } from '../../src/net/virtual/node.js';

class Sink extends VirtualNode {
  received: { time: number; packet: Uint8Array }[] = [];
  constructor(private readonly scheduler: VirtualScheduler) {
    super('sink');
  }
  protected receive(_iface: NodeInterface, packet: Uint8Array): void {
    this.received.push({ time: this.scheduler.now(), packet });
  }
}

function seq(packet: Uint8Array): number {
  return parseIpv4(packet).identification;
}

function link(profile: Parameters<VirtualNetwork['segment']>[1], seed = 3) {
  const net = new VirtualNetwork({ seed });
  const segment = net.segment('link', profile);
  const sink = new Sink(net.scheduler);
  sink.addInterface('eth0', '192.0.2.2', '255.255.255.0', segment);
  const send = (n: number, size = 100): void => {
    for (let i = 0; i < n; i++) {
      const packet = buildUdpPacket('192.0.2.1', '192.0.2.2', 1, 2, new Uint8Array(Math.max(0, size - 28)));
      packet[4] = i >> 8;
      packet[5] = i & 0xff;
      segment.transmit('192.0.2.2', packet);
    }
  };
  return { net, segment, sink, send };
}

test('scheduler: events run in time order, ties in insertion order; cancel works', () => {
  const s = new VirtualScheduler();
  const order: string[] = [];
  s.setTimer(2, () => order.push('b'));
  s.setTimer(1, () => order.push('a'));
  s.setTimer(2, () => order.push('c'));
  const t = s.setTimer(1.5, () => order.push('x'));
  t.cancel();
  s.run(10);
  assert.deepEqual(order, ['a', 'b', 'c']);
  assert.equal(s.now(), 10);
});

test('link delay: a packet arrives exactly one delay later', () => {
  const l = link({ delay: 0.02 });
  l.send(1);
  l.net.scheduler.run(1);
  assert.equal(l.sink.received.length, 1);
  assert.ok(Math.abs(l.sink.received[0]!.time - 0.02) < 1e-9);
});

test('loss: about the configured fraction is lost, deterministically per seed', () => {
  const runOnce = (seed: number) => {
    const l = link({ loss: 0.2, queueLimit: 5000 }, seed);
    l.send(2000);
    l.net.scheduler.run(10);
    return l;
  };
  const a = runOnce(11);
  const b = runOnce(11);
  assert.equal(a.sink.received.length, b.sink.received.length, 'same seed, same run');
  const lost = a.segment.counters.lost;
  assert.ok(lost > 300 && lost < 500, `lost ${lost} of 2000 at 20 %`);
  assert.equal(a.sink.received.length + lost, 2000);
});

test('duplication delivers some packets twice', () => {
  const l = link({ duplicate: 0.5 });
  l.send(100);
  l.net.scheduler.run(10);
  assert.equal(l.sink.received.length, 100 + l.segment.counters.duplicated);
  assert.ok(l.segment.counters.duplicated > 20);
});

test('reordering lets later packets overtake held ones', () => {
  const l = link({ reorder: 0.3 });
  l.send(100);
  l.net.scheduler.run(10);
  const order = l.sink.received.map((r) => seq(r.packet));
  assert.equal(order.length, 100);
  assert.notDeepEqual(
    order,
    [...order].sort((x, y) => x - y),
  );
  assert.deepEqual(
    [...order].sort((x, y) => x - y),
    Array.from({ length: 100 }, (_, i) => i),
  );
});

test('MTU: packets above it are dropped and counted', () => {
  const l = link({ mtu: 576 });
  l.send(3, 576);
  l.send(2, 577);
  l.net.scheduler.run(1);
  assert.equal(l.sink.received.length, 3);
  assert.equal(l.segment.counters.tooBig, 2);
});

test('bounded queue: beyond queueLimit packets in flight are tail-dropped', () => {
  const l = link({ queueLimit: 10 });
  l.send(25);
  l.net.scheduler.run(1);
  assert.equal(l.sink.received.length, 10);
  assert.equal(l.segment.counters.queueDrops, 15);
});

test('hosts ping each other through a router (IOS ping semantics: 5 echoes, 100 bytes)', () => {
  const net = new VirtualNetwork();
  const lan1 = net.segment('lan1', { delay: 0.001 });
  const lan2 = net.segment('lan2', { delay: 0.002 });
  const router = net.router('r');
  router.addInterface('e0', '10.0.1.1', '255.255.255.0', lan1);
  router.addInterface('e1', '10.0.2.1', '255.255.255.0', lan2);
  const a = net.host('a');
  a.addInterface('eth0', '10.0.1.2', '255.255.255.0', lan1);
  a.addRoute('0.0.0.0', '0.0.0.0', '10.0.1.1');
  const b = net.host('b');
  b.addInterface('eth0', '10.0.2.2', '255.255.255.0', lan2);
  b.addRoute('0.0.0.0', '0.0.0.0', '10.0.2.1');
  let result: PingResult | undefined;
  a.ping('10.0.2.2', DEFAULT_PING, (r) => (result = r));
  net.scheduler.run(100);
  assert.ok(result);
  assert.equal(result.replies.length, 5);
  // RTT = 2 × (1 ms + 2 ms): computed from the link delays above.
  for (const rtt of result.replies) assert.ok(rtt !== undefined && Math.abs(rtt - 0.006) < 1e-9);
  assert.equal(b.echoRequestsAnswered, 5);
});

test('ping to nowhere times out after 2 s per echo', () => {
  const net = new VirtualNetwork();
  const lan = net.segment('lan');
  const a = net.host('a');
  a.addInterface('eth0', '10.0.1.2', '255.255.255.0', lan);
  let result: PingResult | undefined;
  a.ping('10.0.1.99', DEFAULT_PING, (r) => (result = r));
  net.scheduler.run(100);
  assert.ok(result);
  assert.deepEqual(result.replies, [undefined, undefined, undefined, undefined, undefined]);
  assert.equal(net.scheduler.now(), 100);
});

test('NAT box: UDP 500 from inside leaves with the outside address and a new port; replies map back; ESP is dropped', () => {
  const net = new VirtualNetwork();
  const inside = net.segment('inside');
  const outside = net.segment('outside');
  const nat = net.nat('nat', 'in', 'out');
  nat.addInterface('in', '10.0.0.1', '255.255.255.0', inside);
  nat.addInterface('out', '198.51.100.1', '255.255.255.0', outside);
  const client = net.router('client');
  client.addInterface('e0', '10.0.0.2', '255.255.255.0', inside);
  client.addRoute('0.0.0.0', '0.0.0.0', '10.0.0.1');
  const server = net.router('server');
  server.addInterface('e0', '198.51.100.2', '255.255.255.0', outside);
  const seen: { src: string; port: number }[] = [];
  const serverUdp = server.udpEndpoint('198.51.100.2', 500);
  serverUdp.onReceive((d) => {
    seen.push({ src: d.srcAddress, port: d.srcPort });
    serverUdp.send(d.srcAddress, d.srcPort, Uint8Array.of(9, 9));
  });
  const clientUdp = client.udpEndpoint('10.0.0.2', 500);
  const back: Uint8Array[] = [];
  clientUdp.onReceive((d) => back.push(d.data));
  clientUdp.send('198.51.100.2', 500, Uint8Array.of(1, 2, 3));
  // ESP has no ports: a PAT box cannot translate it.
  client.rawEndpoint('10.0.0.2').sendPacket(
    (() => {
      const p = buildUdpPacket('10.0.0.2', '198.51.100.2', 1, 1, new Uint8Array(8));
      p[9] = 50;
      return p;
    })(),
  );
  net.scheduler.run(1);
  assert.deepEqual(seen, [{ src: '198.51.100.1', port: 1024 }]);
  assert.deepEqual(back, [Uint8Array.of(9, 9)]);
  assert.equal(nat.counters.translatedOut, 1);
  assert.equal(nat.counters.translatedIn, 1);
  assert.equal(nat.counters.droppedProtocol, 1);
  // Unsolicited traffic to the outside address has no mapping.
  const udp = buildUdpPacket('198.51.100.2', '198.51.100.1', 500, 4500, new Uint8Array(4));
  outside.transmit('198.51.100.1', udp);
  net.scheduler.run(2);
  assert.equal(nat.counters.droppedNoMapping, 1);
  assert.equal(parseUdp(parseIpv4(udp).payload).destinationPort, 4500);
});
