// The remote-access gateway wired whole, in memory: Example 13-19's Concentrator as a Gateway
// (createGateway: real IKE engine, data plane, async AAA, address pools) and a client router
// whose engine answers XAUTH and pulls its address, on the virtual network. The client's LAN
// host sits at the pool's first address, so its pings are the VPN client's own traffic.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfigText } from '../../src/gateway/configFile.js';
import { EventBus } from '../../src/observe/bus.js';
import { Metrics } from '../../src/observe/metrics.js';
import { liveState } from '../../src/gateway/status.js';
import { VirtualNetwork } from '../../src/net/virtual/network.js';
import { buildTopology } from '../../src/lab/topology.js';
import { DEFAULT_PING, type PingResult } from '../../src/net/virtual/host.js';
import { renderDebug } from '../../src/observe/debug.js';
import { startRealGateways } from './helpers.js';
import { concentratorText } from '../ike/remoteAccessLab.js';

const CONCENTRATOR = concentratorText();

/** Example 13-20's settings: the gateway, the group key, DES/MD5, the remote network. */
const CLIENT = `hostname VPNClient
crypto isakmp policy 1
 hash md5
 authentication pre-share
crypto isakmp key cisco123 address 150.1.1.1
crypto ipsec transform-set t esp-des esp-md5-hmac
access-list 101 permit ip 10.1.10.0 0.0.0.255 11.10.1.0 0.0.0.255
crypto map c 10 ipsec-isakmp
 set peer 150.1.1.1
 set transform-set t
 match address 101
interface Ethernet0
 ip address 171.68.118.143 255.255.255.0
 crypto map c
interface Ethernet1
 ip address 10.1.10.254 255.255.255.0
`;

async function setup(password: string) {
  const net = new VirtualNetwork({ seed: 3, startSeconds: 250 });
  const topology = buildTopology(net, [
    parseConfigText(CONCENTRATOR, 'concentrator.cfg'),
    parseConfigText(CLIENT, 'client.cfg'),
  ]);
  const bus = new EventBus();
  const metrics = new Metrics(bus);
  const lines: string[] = [];
  bus.subscribe((e) => {
    for (const l of renderDebug(e)) lines.push(`${e.router}: ${l.text}`);
  });
  const gateways = startRealGateways(net, topology, bus, 70, (i) =>
    i === 1
      ? {
          remoteAccessClient: {
            credentials: () => ({ username: 'ciscouser', password }),
            modeConfig: 'pull',
          },
        }
      : undefined,
  );
  /** Virtual time in slices, letting the gateway's AAA promises settle between them. */
  const advance = async (seconds: number, stop?: () => boolean): Promise<void> => {
    const end = net.scheduler.now() + seconds;
    while (net.scheduler.now() < end && stop?.() !== true) {
      net.scheduler.run(Math.min(end, net.scheduler.now() + 0.05));
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  const ping = async (): Promise<string> => {
    let result: PingResult | undefined;
    const [concentrator, client] = topology.routers;
    assert.ok(concentrator && client);
    client.host.ping(concentrator.host.address, DEFAULT_PING, (r) => (result = r));
    await advance(60, () => result !== undefined);
    assert.ok(result);
    return result.replies.map((r) => (r === undefined ? '.' : '!')).join('');
  };
  return { topology, gateways, ping, advance, lines, metrics };
}

test('a client pings from its Mode Config address through the Concentrator; show ip local pool has its lease', async () => {
  const s = setup('cisco1234');
  const { topology, gateways, lines } = await s;
  assert.equal(topology.routers[1]?.host.address, '10.1.10.1');
  const marks = await (await s).ping();
  assert.match(marks, /!!!$/, lines.slice(-40).join('\n'));
  const [concentrator] = gateways;
  assert.ok(concentrator);
  const pool = concentrator.show('ip local pool');
  assert.match(pool.text, /mypool\s+10\.1\.10\.1\s+10\.1\.10\.254\s+253\s+1/, pool.text);
  assert.match(pool.text, /10\.1\.10\.1\s+171\.68\.118\.143/);
  // /metrics: one accepted check, the OK status, and the pool's 254 addresses split 1 + 253.
  const text = (await s).metrics.prometheus(liveState(concentrator));
  assert.match(text, /^typeswan_xauth_results_total\{router="Concentrator",result="accepted"\} 1$/m, text);
  assert.match(text, /^typeswan_xauth_results_total\{router="Concentrator",result="status ok"\} 1$/m);
  assert.match(text, /^typeswan_pool_addresses\{router="Concentrator",pool="mypool",state="leased"\} 1$/m);
  assert.match(text, /^typeswan_pool_addresses\{router="Concentrator",pool="mypool",state="free"\} 253$/m);
  assert.ok(
    lines.some((l) => l.includes('Concentrator: ISAKMP (0:1): Xauth: user ciscouser authenticated by local')),
  );
  assert.ok(!lines.some((l) => l.includes('cisco1234')));
  const flows = concentrator.ipsecFlows();
  assert.ok(
    flows.some((f) => f.counters.encaps >= 3 && f.counters.decaps >= 3),
    JSON.stringify(flows),
  );
  // The client leaves: its SAs go and the address returns to the pool.
  gateways[1]?.clear('isakmp');
  gateways[1]?.clear('sa');
  await (await s).advance(5);
  assert.match(concentrator.show('ip local pool').text, /mypool\s+10\.1\.10\.1\s+10\.1\.10\.254\s+254\s+0/);
  assert.ok(lines.some((l) => l.includes('returning address 10.1.10.1 of 171.68.118.143 to its pool')));
});

test('a wrong password: no tunnel, the Concentrator says why, no address leased', async () => {
  const s = await setup('wrong');
  const marks = await s.ping();
  assert.equal(marks, '.....');
  assert.ok(
    s.lines.some((l) => /XAUTH failed for user ciscouser after 3 tries: bad username or password/.test(l)),
    s.lines.slice(-30).join('\n'),
  );
  assert.match(
    s.gateways[0]?.show('ip local pool').text ?? '',
    /mypool\s+10\.1\.10\.1\s+10\.1\.10\.254\s+254\s+0/,
  );
  // Each IKE SA the client's traffic brought up: three rejected tries, then the FAIL status.
  const concentrator = s.gateways[0];
  assert.ok(concentrator);
  const text = s.metrics.prometheus(liveState(concentrator));
  const sample = (re: RegExp): number => Number(re.exec(text)?.[1] ?? NaN);
  const ikeSas = sample(/^typeswan_ike_sas_created_total\{router="Concentrator"\} (\d+)$/m);
  assert.ok(ikeSas >= 1, text);
  assert.equal(
    sample(/^typeswan_xauth_results_total\{router="Concentrator",result="rejected"\} (\d+)$/m),
    3 * ikeSas,
  );
  assert.equal(
    sample(/^typeswan_xauth_results_total\{router="Concentrator",result="status fail"\} (\d+)$/m),
    ikeSas,
  );
  assert.doesNotMatch(text, /result="accepted"/);
});
