// Peer input never crashes the gateway (DESIGN.md principle 4): random datagrams on UDP 500
// and 4500 and random "ESP" packets reach a running gateway with the real engines; nothing
// throws, and the chapter's ping still crosses the tunnel afterwards.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chapterPair } from './chapterPair.js';
import { SeededRandom } from '../../src/net/virtual/rng.js';
import { buildIpv4, buildUdpPacket } from '../../src/net/virtual/ip.js';

test('500 random datagrams and packets later, the tunnel still comes up', () => {
  const { net, topology, gateways, ping } = chapterPair({ seed: 9, rngSeed: 100 });
  const wan = topology.wanSegments[0]!;
  const random = new SeededRandom(77);
  for (let i = 0; i < 500; i++) {
    const length = Math.floor(random.next() * 300);
    const body = random.bytes(length);
    // Half of them look like ISAKMP headers, some carry the non-ESP marker on 4500.
    if (i % 2 === 0 && length >= 28) body[17] = 0x10;
    if (i % 5 === 0 && length >= 4) body.set([0, 0, 0, 0], 0);
    const kind = i % 3;
    const packet =
      kind === 2
        ? buildIpv4({ source: '172.16.172.10', destination: '172.16.172.20', protocol: 50, payload: body })
        : buildUdpPacket(
            '172.16.172.10',
            '172.16.172.20',
            kind === 0 ? 500 : 4500,
            kind === 0 ? 500 : 4500,
            body,
          );
    wan.transmit('172.16.172.20', packet);
  }
  assert.doesNotThrow(() => net.scheduler.run(net.scheduler.now() + 5));
  assert.equal([...ping()].filter((c) => c === '!').length, 4);
  assert.equal(gateways[1]!.ipsecFlows()[0]!.counters.decaps, 4);
});
