// Several peers in one crypto map entry, through the whole gateway with the real engines on the
// virtual network: the hub initiates to its first peer; a first peer that never answers phase
// 1, or one that dies after its SAs were up (dead peer detection), moves the entry to the next
// peer, the log saying which and why, and the traffic crosses with SAs to that peer.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfigText } from '../../src/gateway/configFile.js';
import { EventBus } from '../../src/observe/bus.js';
import { renderDebug } from '../../src/observe/debug.js';
import { VirtualNetwork } from '../../src/net/virtual/network.js';
import { buildTopology } from '../../src/lab/topology.js';
import { DEFAULT_PING, type PingResult } from '../../src/net/virtual/host.js';
import { PeerFailover, peerFailure } from '../../src/gateway/peerFailover.js';
import { policyRules } from '../../src/gateway/spdFromConfig.js';
import { startRealGateways } from './helpers.js';
import { multiPeerHub, multiPeerSite } from '../util/multiPeer.js';

function hub(extra: string): string {
  return multiPeerHub({
    lan: '10.1.0.1',
    wan: '192.0.2.1',
    peers: [
      { address: '192.0.2.2', key: 'primary-key' },
      { address: '192.0.2.3', key: 'backup-key' },
    ],
    extra,
  });
}

function site(hostname: string, wan: string, lan: string, key: string): string {
  return multiPeerSite({ hostname, lan, wan, hub: '192.0.2.1', key });
}

function setup(keepalive = '') {
  const net = new VirtualNetwork({ seed: 21, startSeconds: 100 });
  const configs = [
    parseConfigText(hub(keepalive), 'hub.cfg'),
    parseConfigText(site('primary', '192.0.2.2', '10.2.1.1', 'primary-key'), 'primary.cfg'),
    parseConfigText(site('backup', '192.0.2.3', '10.2.2.1', 'backup-key'), 'backup.cfg'),
  ];
  const topology = buildTopology(net, configs);
  const bus = new EventBus();
  const log: string[] = [];
  bus.subscribe((e) => {
    if (e.router !== 'hub') return;
    for (const line of renderDebug(e)) if (line.text.startsWith('ISAKMP: crypto map')) log.push(line.text);
  });
  const gateways = startRealGateways(net, topology, bus, 40);
  const ping = (to: number, count: number): string => {
    let result: PingResult | undefined;
    topology.routers[0]!.host.ping(
      topology.routers[to]!.host.address,
      { ...DEFAULT_PING, count },
      (r) => (result = r),
    );
    net.scheduler.run(net.scheduler.now() + 4 * count + 10, { stop: () => result !== undefined });
    assert.ok(result);
    return result.replies.map((r) => (r === undefined ? '.' : '!')).join('');
  };
  const peersOfHub = (): string[] => gateways[0]!.isakmpSas().map((s) => s.dst);
  return { net, gateways, ping, log, peersOfHub };
}

test('a first peer that never answers phase 1: the hub gives up on it and the backup carries the traffic', () => {
  const s = setup();
  s.gateways[1]!.stop();
  const start = s.net.scheduler.now();
  let replies = '';
  // Traffic keeps asking; phase 1 to the silent primary is retransmitted, then given up.
  while (!replies.includes('!') && s.net.scheduler.now() - start < 600) replies = s.ping(2, 5);
  assert.match(replies, /!/, 'no reply through the backup');
  assert.deepEqual(s.log.slice(0, 1), [
    'ISAKMP: crypto map vpn 10: peer 192.0.2.2 -> 192.0.2.3: phase 1: no answer after 11 transmissions',
  ]);
  assert.ok(s.peersOfHub().includes('192.0.2.3'));
  console.log(
    `# first reply through the backup ${(s.net.scheduler.now() - start).toFixed(0)} virtual s after the first packet`,
  );
  assert.equal(s.ping(2, 5), '!!!!!');
});

test('an established peer dies: dead peer detection moves the entry to the next peer', () => {
  const s = setup('crypto isakmp keepalive 10 2\n');
  assert.equal(s.ping(1, 5), '.!!!!', 'through the primary first');
  assert.deepEqual(s.log, []);
  s.gateways[1]!.stop();
  const start = s.net.scheduler.now();
  let replies = '';
  while (!replies.includes('!') && s.net.scheduler.now() - start < 120) replies = s.ping(2, 5);
  assert.match(replies, /!/, 'no reply through the backup');
  assert.equal(s.log.length, 1, s.log.join('\n'));
  assert.match(
    s.log[0]!,
    /^ISAKMP: crypto map vpn 10: peer 192\.0\.2\.2 -> 192\.0\.2\.3: dead peer detection: no answer to \d+ R-U-THEREs$/,
  );
  assert.ok(s.net.scheduler.now() - start < 60, `failover took ${s.net.scheduler.now() - start} s`);
  console.log(
    `# first reply through the backup ${(s.net.scheduler.now() - start).toFixed(0)} virtual s after the primary stopped`,
  );
  assert.equal(s.ping(2, 5), '!!!!!');
});

test('failover order: next peer, the first again after the last; SAs a listed peer brings make it current', () => {
  const config = parseConfigText(
    `${hub('')}crypto map vpn 10 ipsec-isakmp\n set peer 192.0.2.4\n`,
    'hub.cfg',
  );
  const failover = new PeerFailover();
  const peerOf = (): string | undefined => failover.apply(policyRules(config))[0]?.rule.peer;
  const rules = (): ReturnType<typeof policyRules> => failover.apply(policyRules(config));
  assert.equal(peerOf(), '192.0.2.2');
  const dead = peerFailure({ type: 'peerDead', connId: 1, peer: '192.0.2.2', tries: 5 });
  assert.equal(failover.failed(rules(), dead).length, 1);
  assert.equal(peerOf(), '192.0.2.3');
  assert.deepEqual(failover.failed(rules(), dead), [], 'a failure of a peer no longer current moves nothing');
  failover.failed(rules(), { peer: '192.0.2.3', reason: 'x' });
  assert.equal(peerOf(), '192.0.2.4');
  failover.failed(rules(), { peer: '192.0.2.4', reason: 'x' });
  assert.equal(peerOf(), '192.0.2.2', 'after the last, the first again');
  assert.deepEqual(
    failover.established(rules(), '192.0.2.4').map((m) => [m.from, m.to]),
    [['192.0.2.2', '192.0.2.4']],
  );
  assert.equal(peerOf(), '192.0.2.4');
  // A quick mode that fails is no reason to leave a peer: only phase 1 and DPD are.
  assert.equal(
    peerFailure({
      type: 'giveUp',
      connId: 1,
      peer: '192.0.2.4',
      messageId: 7,
      reason: 'retransmissions exhausted',
    }),
    undefined,
  );
});
