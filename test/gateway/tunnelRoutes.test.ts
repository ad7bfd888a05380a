// Routes into the TUN follow the SPD: a dynamic-map peer's proxy network is routed when its
// SA pair is installed (it was never routed: a one-way tunnel), once across rekeys, and
// removed with its last SA, while a network a static entry needs stays routed.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Gateway } from '../../src/gateway/gateway.js';
import { DataPlaneAdapter } from '../../src/gateway/dataPlaneAdapter.js';
import { parseConfigText } from '../../src/gateway/configFile.js';
import { TunnelRoutes, type RouteTarget } from '../../src/gateway/tunnelRoutes.js';
import type { IkeAction } from '../../src/ike/types.js';
import type { TrafficSelector } from '../../src/policy/model.js';
import { EventBus } from '../../src/observe/bus.js';
import { FakeIke } from './helpers.js';
import { EXAMPLE_13_24_TED_INITIATOR } from '../../src/lab/scenarios/ted.js';
import { EXAMPLE_13_16_ROUTER1 } from '../../src/lab/scenarios/greHaConfigs.js';
import {
  cleartext,
  ManualScheduler,
  RecordingRaw,
  RecordingTunnel,
  RecordingUdp,
  ScriptedIke,
} from './ports.js';

const HUB = `hostname Hub
crypto isakmp policy 1
 encr 3des
 hash sha
 authentication pre-share
crypto isakmp key jw4ep9846804ijl address 0.0.0.0 0.0.0.0
crypto ipsec transform-set myset esp-3des esp-md5-hmac
crypto dynamic-map dyn 10
 set transform-set myset
crypto map vpn 5 ipsec-isakmp
 set peer 172.16.172.40
 set transform-set myset
 match address 120
crypto map vpn 10 ipsec-isakmp dynamic dyn
interface Ethernet0/0
 ip address 10.1.2.1 255.255.255.0
interface Ethernet1/0
 ip address 172.16.172.20 255.255.255.0
 crypto map vpn
access-list 120 permit ip 10.1.2.0 0.0.0.255 10.4.4.0 0.0.0.255
`;

class RecordingRoutes implements RouteTarget {
  readonly log: string[] = [];
  addRoute(destination: string): void {
    this.log.push(`add ${destination}`);
  }
  addRouteExceptIpsec(destination: string): void {
    this.log.push(`add-except-ipsec ${destination}`);
  }
  removeRoute(destination: string): void {
    this.log.push(`del ${destination}`);
  }
}

function selector(remote: string): TrafficSelector {
  const base = remote.slice(0, remote.lastIndexOf('.'));
  return {
    protocol: 0,
    localStart: '10.1.2.0',
    localEnd: '10.1.2.255',
    localPortStart: 0,
    localPortEnd: 65535,
    remoteStart: `${base}.0`,
    remoteEnd: `${base}.255`,
    remotePortStart: 0,
    remotePortEnd: 65535,
  };
}

function setup() {
  const ike = new ScriptedIke();
  const tunnel = new RecordingTunnel();
  const raw = new RecordingRaw('172.16.172.20');
  const udp = new RecordingUdp('172.16.172.20', 500);
  const gateway = new Gateway({
    config: parseConfigText(HUB, 'hub.cfg'),
    adapters: { udp: [udp, new RecordingUdp('172.16.172.20', 4500)], raw: [raw], tunnel },
    scheduler: new ManualScheduler(),
    bus: new EventBus(),
    ike,
    dataPlane: new DataPlaneAdapter(),
  });
  const target = new RecordingRoutes();
  const routes = new TunnelRoutes(target, ['172.16.172.20']);
  routes.sync(gateway.policy);
  gateway.onPolicyChange((rules) => routes.sync(rules));
  gateway.start();
  const sas = new FakeIke('172.16.172.20', 0);
  /** The engine reports `actions` while handling a datagram from `peer`. */
  const engineSays = (peer: string, actions: IkeAction[]): void => {
    ike.onReceive = () => actions;
    udp.deliver({
      srcAddress: peer,
      srcPort: 500,
      dstAddress: '172.16.172.20',
      dstPort: 500,
      data: Uint8Array.of(0),
    });
  };
  const install = (peer: string, remote: string, spi: number): IkeAction => ({
    kind: 'install',
    connId: 1,
    messageId: spi,
    peer,
    pairs: [
      {
        inbound: sas.sa('inbound', spi, peer, selector(remote)),
        outbound: sas.sa('outbound', spi + 1, peer, selector(remote)),
      },
    ],
  });
  const remove = (peer: string, spi: number): IkeAction => ({
    kind: 'remove',
    peer,
    pairs: [{ protocol: 'esp', inboundSpi: spi, outboundSpi: spi + 1 }],
    reason: 'deleted by peer',
  });
  return { gateway, tunnel, raw, target, routes, engineSays, install, remove };
}

test('a dynamic-map peer gets a route with its SAs, once across a rekey, gone with the last SA', () => {
  const s = setup();
  assert.deepEqual(s.target.log, ['add 10.4.4.0/24'], 'the static entry is routed at start');
  s.engineSays('172.16.172.10', [s.install('172.16.172.10', '10.3.3.0', 0x100)]);
  assert.deepEqual(s.target.log.slice(1), ['add 10.3.3.0/24'], 'routed when the SA pair is installed');
  s.tunnel.inject(cleartext('10.1.2.5', '10.3.3.5'));
  assert.equal(s.raw.sent.length, 1, 'the reply goes out encrypted');
  s.engineSays('172.16.172.10', [s.install('172.16.172.10', '10.3.3.0', 0x200)]);
  s.engineSays('172.16.172.10', [s.remove('172.16.172.10', 0x100)]);
  assert.deepEqual(s.target.log.slice(2), [], 'a rekey adds and removes nothing');
  s.engineSays('172.16.172.10', [s.remove('172.16.172.10', 0x200)]);
  assert.deepEqual(s.target.log.slice(2), ['del 10.3.3.0/24'], 'the last SA took its route');
  assert.deepEqual(s.routes.networks, ['10.4.4.0/24']);
});

test("a dynamic peer behind a static entry's network never removes the static route", () => {
  const s = setup();
  s.engineSays('172.16.172.11', [s.install('172.16.172.11', '10.4.4.0', 0x300)]);
  s.engineSays('172.16.172.11', [s.remove('172.16.172.11', 0x300)]);
  assert.deepEqual(s.target.log, ['add 10.4.4.0/24']);
  assert.deepEqual(s.routes.networks, ['10.4.4.0/24']);
});

test('a dynamic peer whose proxy is its own address is policy-routed around our IKE/ESP', () => {
  const s = setup();
  const peer = '172.16.9.7';
  const hostSelector = { ...selector('172.16.9.0'), remoteStart: peer, remoteEnd: peer };
  const sas = new FakeIke('172.16.172.20', 0);
  s.engineSays(peer, [
    {
      kind: 'install',
      connId: 2,
      messageId: 1,
      peer,
      pairs: [
        {
          inbound: sas.sa('inbound', 0x400, peer, hostSelector),
          outbound: sas.sa('outbound', 0x401, peer, hostSelector),
        },
      ],
    },
  ]);
  assert.deepEqual(s.target.log.slice(1), [`add-except-ipsec ${peer}/32`]);
});

test('a TED entry: its remote networks are routed except IKE, UDP 500 toward its own side is captured', () => {
  const config = parseConfigText(EXAMPLE_13_24_TED_INITIATOR, 'example-13-24');
  const log: string[] = [];
  const target: RouteTarget = {
    addRoute: (d) => log.push(`add ${d}`),
    addRouteExceptIpsec: (d) => log.push(`add-except-ipsec ${d}`),
    removeRoute: (d) => log.push(`del ${d}`),
    captureIke: (d) => log.push(`capture ${d}`),
    releaseIke: (d) => log.push(`release ${d}`),
  };
  const routes = new TunnelRoutes(target, ['11.11.11.1']);
  const gateway = new Gateway({
    config,
    ike: new FakeIke('11.11.11.1', 0x100),
    dataPlane: new DataPlaneAdapter(),
    adapters: { udp: [], raw: [], tunnel: new RecordingTunnel() },
    scheduler: new ManualScheduler(),
    bus: new EventBus(),
  });
  routes.sync(gateway.policy);
  assert.deepEqual(log, ['capture 13.13.13.0/24', 'add-except-ipsec 12.12.12.0/24']);
  log.length = 0;
  routes.sync([]);
  assert.deepEqual(log, ['release 13.13.13.0/24', 'del 12.12.12.0/24']);
});

test('GRE between the routers (permit gre host A host B) routes nothing into the TUN', () => {
  const config = parseConfigText(EXAMPLE_13_16_ROUTER1, 'example-13-16.cfg');
  const gateway = new Gateway({
    config,
    adapters: {
      udp: [new RecordingUdp('172.18.31.1', 500)],
      raw: [new RecordingRaw('172.18.31.1')],
      tunnel: new RecordingTunnel(),
    },
    scheduler: new ManualScheduler(),
    bus: new EventBus(),
    ike: new ScriptedIke(),
    dataPlane: new DataPlaneAdapter(),
  });
  assert.equal(gateway.policy.filter((r) => r.rule.action === 'protect').length, 2);
  const target = new RecordingRoutes();
  const changes = new TunnelRoutes(target, ['172.18.31.1']).sync(gateway.policy);
  assert.deepEqual(target.log, [], 'the tunnel interfaces make the GRE packets themselves');
  assert.deepEqual(changes.failed, []);
});
