// GRE over IPsec between two typeswan gateways on a real kernel (the chapter's Examples 13-16
// and 13-17 readdressed: `interface Tunnel0` on each, transport mode, the crypto ACL permitting
// the GRE packets), with FRR's ospfd in each router namespace running over the Tunnel0 TUN
// devices: the adjacency reaches Full, each learns the other's LAN over the tunnel, ha pings
// hb across it, and the wire carries only ESP. Cutting ESP withdraws the route (OSPF's dead
// interval, and the GRE keepalives take the line protocol down); healing brings it back.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ADDR, announceSkip, interopSkipReason, Lab, run, until, Typeswan, type Capture } from './harness.js';
import { Frr, frrSkipReason } from './frr.js';

const skip = interopSkipReason({ charon: false, typeswan: true }) ?? frrSkipReason();
announceSkip('typeswan <-> typeswan GRE over IPsec with OSPF', skip);

interface Side {
  readonly hostname: string;
  readonly lan: string;
  readonly wan: string;
  readonly peer: string;
  readonly tunnel: string;
}

const R1: Side = { hostname: 'r1', lan: ADDR.r1Lan, wan: ADDR.r1Wan, peer: ADDR.r2Wan, tunnel: '10.255.0.1' };
const R2: Side = { hostname: 'r2', lan: ADDR.r2Lan, wan: ADDR.r2Wan, peer: ADDR.r1Wan, tunnel: '10.255.0.2' };

function greConfig(s: Side): string {
  return `hostname ${s.hostname}
crypto isakmp policy 10
 encr aes
 hash sha
 authentication pre-share
 group 14
crypto isakmp key gre-ospf-key address ${s.peer}
!
crypto ipsec transform-set one esp-aes esp-sha-hmac
 mode transport
!
crypto map gre 10 ipsec-isakmp
 set peer ${s.peer}
 set transform-set one
 match address gre1
!
interface Tunnel0
 ip address ${s.tunnel} 255.255.255.252
 tunnel source Ethernet1/0
 tunnel destination ${s.peer}
 keepalive 1 3
 crypto map gre
!
interface Ethernet0/0
 ip address ${s.lan} 255.255.255.0
!
interface Ethernet1/0
 ip address ${s.wan} 255.255.255.0
 crypto map gre
!
ip access-list extended gre1
 permit gre host ${s.wan} host ${s.peer}
`;
}

function ospfdConfig(s: Side, lanDevice: string): string {
  return `hostname ${s.hostname}
interface Tunnel0
 ip ospf network point-to-point
 ip ospf hello-interval 1
 ip ospf dead-interval 4
!
router ospf
 ospf router-id ${s.tunnel}
 passive-interface ${lanDevice}
 network 10.255.0.0/30 area 0
 network ${s.lan.replace(/\.\d+$/, '.0')}/24 area 0
!
`;
}

/** The route to `prefix` in `role`'s kernel table (`ip route show PREFIX`), '' when none. */
async function kernelRoute(lab: Lab, role: 'r1' | 'r2', prefix: string): Promise<string> {
  const r = await run('ip', ['-n', lab.ns(role), 'route', 'show', prefix]);
  return r.stdout.trim();
}

describe('interop: typeswan <-> typeswan, GRE over IPsec with FRR OSPF', { skip, timeout: 240_000 }, () => {
  let lab: Lab;
  let capture: Capture | undefined;
  const stops: (() => Promise<unknown>)[] = [];
  let r1: Typeswan;
  let r2: Typeswan;
  let ospf1: Frr;
  let ospf2: Frr;

  before(async () => {
    lab = await Lab.create({ tag: 'go' });
    capture = await lab.startCapture('r1', 'r1-wan', 'gre-ospf');
    r2 = await Typeswan.start(lab, 'r2', greConfig(R2), 'gre-r2');
    stops.push(() => r2.stop());
    r1 = await Typeswan.start(lab, 'r1', greConfig(R1), 'gre-r1');
    stops.push(() => r1.stop());
    ospf2 = await Frr.start(lab, 'r2', ospfdConfig(R2, 'r2-lan'));
    stops.push(() => ospf2.stop());
    ospf1 = await Frr.start(lab, 'r1', ospfdConfig(R1, 'r1-lan'));
    stops.push(() => ospf1.stop());
  });
  after(async () => {
    for (const stop of stops.reverse()) await stop();
    await capture?.stop();
    await lab?.destroy();
  });

  it('the adjacency reaches Full over Tunnel0, LAN routes are learned and ha pings hb through it', async () => {
    const full = await until(
      async () => (await ospf1.neighborFull(R2.tunnel)) && (await ospf2.neighborFull(R1.tunnel)),
      60_000,
    );
    const neighbors = await ospf1.vtysh('show ip ospf neighbor');
    assert.ok(
      full,
      `no Full adjacency:\n${neighbors.stdout}${neighbors.stderr}\nr1:\n${r1.log().slice(-3000)}\nr2:\n${r2.log().slice(-3000)}`,
    );
    assert.match(neighbors.stdout, /Tunnel0:10\.255\.0\.1/);
    const learned = await until(
      async () => /dev Tunnel0/.test(await kernelRoute(lab, 'r1', '10.2.0.0/24')),
      20_000,
    );
    const route = await ospf1.vtysh('show ip route ospf');
    assert.ok(learned, `r1 has no OSPF route to 10.2.0.0/24 over Tunnel0:\n${route.stdout}`);
    assert.match(route.stdout, /O>\* 10\.2\.0\.0\/24 \[110\/\d+\] via 10\.255\.0\.2, Tunnel0/);
    assert.match(await kernelRoute(lab, 'r2', '10.1.0.0/24'), /via 10\.255\.0\.1 dev Tunnel0 proto ospf/);
    const ping = await lab.ping('ha', ADDR.hb, 5, 0.2);
    assert.equal(ping.received, 5, ping.output);
    const shown = await r1.cli(['show', 'interfaces', 'Tunnel0']);
    assert.match(shown.stdout, /Tunnel0 is up, line protocol is up/, shown.stdout + shown.stderr);
    const sas = await r1.cli(['show', 'crypto', 'ipsec', 'sa']);
    assert.match(sas.stdout, /current_peer: 192\.0\.2\.2/);
  });

  it('cutting ESP withdraws the route and takes the line protocol down; healing brings both back', async () => {
    for (const rule of [
      'add table ip grecut',
      'add chain ip grecut in { type filter hook input priority 0; policy accept; }',
      'add rule ip grecut in ip protocol esp drop',
    ]) {
      const add = await lab.exec('r2', ['nft', rule]);
      assert.equal(add.code, 0, add.stderr);
    }
    const started = Date.now();
    const withdrawn = await until(async () => (await kernelRoute(lab, 'r1', '10.2.0.0/24')) === '', 30_000);
    const withdrawnAfter = (Date.now() - started) / 1000;
    const shownDown = await r1.cli(['show', 'interfaces', 'Tunnel0']);
    const heal = await lab.exec('r2', ['nft', 'delete table ip grecut']);
    assert.equal(heal.code, 0, heal.stderr);
    assert.ok(withdrawn, `the route stayed:\n${await kernelRoute(lab, 'r1', '10.2.0.0/24')}`);
    console.log(`# route to 10.2.0.0/24 withdrawn ${withdrawnAfter.toFixed(1)} s after ESP was cut`);
    assert.match(shownDown.stdout, /line protocol is down/, shownDown.stdout);
    const healed = Date.now();
    const relearned = await until(
      async () => /dev Tunnel0/.test(await kernelRoute(lab, 'r1', '10.2.0.0/24')),
      60_000,
    );
    assert.ok(relearned, 'the route did not come back');
    console.log(`# route re-learned ${((Date.now() - healed) / 1000).toFixed(1)} s after healing`);
    const ping = await lab.ping('ha', ADDR.hb, 5, 0.2);
    assert.equal(ping.received, 5, ping.output);
  });

  it('the wire between the routers carries ESP, never GRE or OSPF in the clear', async () => {
    const pcap = await capture?.stop();
    capture = undefined;
    assert.ok(pcap !== undefined);
    // (an ICMP port unreachable may answer IKE that came before the other side listened)
    const clear = await run('tshark', ['-r', pcap, '-Y', 'gre || ospf || icmp.type == 0 || icmp.type == 8']);
    assert.equal(clear.stdout.trim(), '', `cleartext on the wire:\n${clear.stdout.slice(0, 2000)}`);
    const esp = await run('tshark', ['-r', pcap, '-Y', 'esp']);
    assert.ok(esp.stdout.trim().split('\n').length >= 20, `too little ESP:\n${esp.stdout}`);
  });
});
