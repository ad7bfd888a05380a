// GRE over IPsec between two typeswan gateways on a real kernel (the chapter's Examples 13-16
// and 13-17 readdressed: `interface TunnelN` on each, transport mode, the crypto ACL permitting
// the GRE packets), over two paths: Tunnel0 over 192.0.2.0/24, Tunnel1 over 198.51.100.0/24,
// each with its own crypto map. FRR's ospfd runs in each router namespace over the tunnels'
// TUN devices, Tunnel0 the cheaper: both adjacencies reach Full, each router learns the other's
// LAN over Tunnel0, ha pings hb. Cutting ESP on the first path (the GRE keepalives take
// Tunnel0's line protocol down, OSPF's dead interval ends its adjacency) moves the route to
// Tunnel1 and pings still cross; healing brings it back. The wire carries only ESP.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ADDR, announceSkip, interopSkipReason, Lab, run, until, Typeswan, type Capture } from './harness.js';
import { Frr, frrSkipReason } from './frr.js';

const skip = interopSkipReason({ charon: false, typeswan: true }) ?? frrSkipReason();
announceSkip('typeswan <-> typeswan GRE over IPsec with OSPF', skip);

/** One router's view of a path: its own address, the other router's, its tunnel's address. */
interface Path {
  readonly own: string;
  readonly peer: string;
  readonly tunnel: string;
}

interface Side {
  readonly hostname: string;
  readonly lan: string;
  readonly paths: readonly [Path, Path];
}

const R1_WAN2 = '198.51.100.1';
const R2_WAN2 = '198.51.100.2';

/** A router: its address on each path, the other router's, host `host` of each tunnel's /30. */
function side(
  hostname: string,
  lan: string,
  own: readonly [string, string],
  peer: readonly [string, string],
  host: number,
): Side {
  return {
    hostname,
    lan,
    paths: [
      { own: own[0], peer: peer[0], tunnel: `10.255.0.${host}` },
      { own: own[1], peer: peer[1], tunnel: `10.255.1.${host}` },
    ],
  };
}

const R1 = side('r1', ADDR.r1Lan, [ADDR.r1Wan, R1_WAN2], [ADDR.r2Wan, R2_WAN2], 1);
const R2 = side('r2', ADDR.r2Lan, [ADDR.r2Wan, R2_WAN2], [ADDR.r1Wan, R1_WAN2], 2);

function greConfig(s: Side): string {
  const perPath = (p: Path, n: number): string[] => [
    `crypto map gre${n} 10 ipsec-isakmp`,
    ` set peer ${p.peer}`,
    ' set transform-set one',
    ` match address gre${n}`,
    `interface Tunnel${n}`,
    ` ip address ${p.tunnel} 255.255.255.252`,
    ` tunnel source Ethernet${n + 1}/0`,
    ` tunnel destination ${p.peer}`,
    ' keepalive 1 3',
    ` crypto map gre${n}`,
    `interface Ethernet${n + 1}/0`,
    ` ip address ${p.own} 255.255.255.0`,
    ` crypto map gre${n}`,
    `ip access-list extended gre${n}`,
    ` permit gre host ${p.own} host ${p.peer}`,
  ];
  return [
    `hostname ${s.hostname}`,
    'crypto isakmp policy 10',
    ' encr aes',
    ' hash sha',
    ' authentication pre-share',
    ' group 14',
    ...s.paths.map((p) => `crypto isakmp key gre-ospf-key address ${p.peer}`),
    'crypto ipsec transform-set one esp-aes esp-sha-hmac',
    ' mode transport',
    'interface Ethernet0/0',
    ` ip address ${s.lan} 255.255.255.0`,
    ...s.paths.flatMap(perPath),
    '',
  ].join('\n');
}

/** ospfd: both tunnels point-to-point with fast timers, Tunnel0 the cheaper; the LAN passive. */
function ospfdConfig(s: Side, lanDevice: string): string {
  const tunnel = (n: number, cost: number): string =>
    `interface Tunnel${n}\n ip ospf network point-to-point\n ip ospf hello-interval 1\n ip ospf dead-interval 4\n ip ospf cost ${cost}\n!\n`;
  return `hostname ${s.hostname}
${tunnel(0, 10)}${tunnel(1, 100)}router ospf
 ospf router-id ${s.paths[0].tunnel}
 passive-interface ${lanDevice}
 network 10.255.0.0/30 area 0
 network 10.255.1.0/30 area 0
 network ${s.lan.replace(/\.\d+$/, '.0')}/24 area 0
!
`;
}

/** The route to `prefix` in `role`'s kernel table (`ip route show PREFIX`), '' when none. */
async function kernelRoute(lab: Lab, role: 'r1' | 'r2', prefix: string): Promise<string> {
  const r = await run('ip', ['-n', lab.ns(role), 'route', 'show', prefix]);
  return r.stdout.trim();
}

const viaTunnel = async (lab: Lab, n: number): Promise<boolean> =>
  new RegExp(`dev Tunnel${n} proto ospf`).test(await kernelRoute(lab, 'r1', '10.2.0.0/24'));

/** Both directions over Tunnel`n`: r1's route to r2's LAN and r2's back to r1's (pings need both). */
const bothViaTunnel = async (lab: Lab, n: number): Promise<boolean> =>
  (await viaTunnel(lab, n)) &&
  new RegExp(`dev Tunnel${n} proto ospf`).test(await kernelRoute(lab, 'r2', '10.1.0.0/24'));

describe('interop: typeswan <-> typeswan, GRE over IPsec with FRR OSPF', { skip, timeout: 240_000 }, () => {
  let lab: Lab;
  const captures: Capture[] = [];
  const stops: (() => Promise<unknown>)[] = [];
  let r1: Typeswan;
  let r2: Typeswan;
  let ospf1: Frr;
  let ospf2: Frr;

  before(async () => {
    lab = await Lab.create({ tag: 'go' });
    await lab.addLink('r1', 'r1-wan2', `${R1_WAN2}/24`, 'r2', 'r2-wan2', `${R2_WAN2}/24`);
    captures.push(await lab.startCapture('r1', 'r1-wan', 'gre-path0'));
    captures.push(await lab.startCapture('r1', 'r1-wan2', 'gre-path1'));
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
    for (const c of captures) await c.stop();
    await lab?.destroy();
  });

  it('adjacencies reach Full over both tunnels, the LAN routes go over Tunnel0 and ha pings hb', async () => {
    const allFull = async (): Promise<boolean> => {
      for (const n of [0, 1]) {
        if (!(await ospf1.neighborFull(R2.paths[0].tunnel, `Tunnel${n}`))) return false;
        if (!(await ospf2.neighborFull(R1.paths[0].tunnel, `Tunnel${n}`))) return false;
      }
      return true;
    };
    const full = await until(allFull, 60_000);
    const neighbors = await ospf1.vtysh('show ip ospf neighbor');
    assert.ok(
      full,
      `no Full adjacencies:\n${neighbors.stdout}${neighbors.stderr}\nr1:\n${r1.log().slice(-3000)}\nr2:\n${r2.log().slice(-3000)}`,
    );
    // one neighbor (router ID 10.255.0.2), one adjacency per tunnel
    assert.match(neighbors.stdout, /10\.255\.0\.2 .* Full\/- .* 10\.255\.0\.2 +Tunnel0:10\.255\.0\.1/);
    assert.match(neighbors.stdout, /10\.255\.0\.2 .* Full\/- .* 10\.255\.1\.2 +Tunnel1:10\.255\.1\.1/);
    const learned = await until(() => bothViaTunnel(lab, 0), 20_000);
    const route = await ospf1.vtysh('show ip route ospf');
    assert.ok(learned, `r1 has no OSPF route to 10.2.0.0/24 over Tunnel0:\n${route.stdout}`);
    assert.match(route.stdout, /O>\* 10\.2\.0\.0\/24 \[110\/\d+\] via 10\.255\.0\.2, Tunnel0/);
    assert.match(await kernelRoute(lab, 'r2', '10.1.0.0/24'), /via 10\.255\.0\.1 dev Tunnel0 proto ospf/);
    const ping = await lab.ping('ha', ADDR.hb, 5, 0.2);
    assert.equal(ping.received, 5, ping.output);
    for (const n of [0, 1]) {
      const shown = await r1.cli(['show', 'interfaces', `Tunnel${n}`]);
      assert.match(
        shown.stdout,
        new RegExp(`Tunnel${n} is up, line protocol is up`),
        shown.stdout + shown.stderr,
      );
    }
    const sas = await r1.cli(['show', 'crypto', 'ipsec', 'sa']);
    assert.match(sas.stdout, /current_peer: 192\.0\.2\.2/);
    assert.match(sas.stdout, /current_peer: 198\.51\.100\.2/);
  });

  it('cutting the first path moves the route to Tunnel1 and pings still cross; healing brings it back', async () => {
    for (const rule of [
      'add table ip grecut',
      'add chain ip grecut in { type filter hook input priority 0; policy accept; }',
      `add rule ip grecut in ip saddr ${ADDR.r1Wan} ip protocol esp drop`,
    ]) {
      const add = await lab.exec('r2', ['nft', rule]);
      assert.equal(add.code, 0, add.stderr);
    }
    const cut = Date.now();
    const moved = await until(() => viaTunnel(lab, 1), 30_000);
    const movedAfter = (Date.now() - cut) / 1000;
    // The replies need r2's route to have moved too before the pings are counted.
    await until(() => bothViaTunnel(lab, 1), 30_000);
    const shownDown = await r1.cli(['show', 'interfaces', 'Tunnel0']);
    const during = await lab.ping('ha', ADDR.hb, 5, 0.2);
    const heal = await lab.exec('r2', ['nft', 'delete table ip grecut']);
    assert.equal(heal.code, 0, heal.stderr);
    assert.ok(moved, `the route did not move:\n${await kernelRoute(lab, 'r1', '10.2.0.0/24')}`);
    console.log(
      `# route to 10.2.0.0/24 moved to Tunnel1 ${movedAfter.toFixed(1)} s after the first path was cut`,
    );
    assert.match(shownDown.stdout, /Tunnel0 is up, line protocol is down/, shownDown.stdout);
    assert.equal(during.received, 5, `pings over Tunnel1:\n${during.output}`);
    const healed = Date.now();
    const back = await until(() => viaTunnel(lab, 0), 60_000);
    await until(() => bothViaTunnel(lab, 0), 30_000);
    assert.ok(back, `the route did not come back:\n${await kernelRoute(lab, 'r1', '10.2.0.0/24')}`);
    console.log(`# route back on Tunnel0 ${((Date.now() - healed) / 1000).toFixed(1)} s after healing`);
    const ping = await lab.ping('ha', ADDR.hb, 5, 0.2);
    assert.equal(ping.received, 5, ping.output);
  });

  it('the wire between the routers carries ESP, never GRE or OSPF in the clear', async () => {
    for (const capture of captures.splice(0)) {
      const pcap = await capture.stop();
      // (an ICMP port unreachable may answer IKE that came before the other side listened)
      const clear = await run('tshark', [
        '-r',
        pcap,
        '-Y',
        'gre || ospf || icmp.type == 0 || icmp.type == 8',
      ]);
      assert.equal(clear.stdout.trim(), '', `cleartext on the wire:\n${clear.stdout.slice(0, 2000)}`);
      const esp = await run('tshark', ['-r', pcap, '-Y', 'esp']);
      assert.ok(esp.stdout.trim().split('\n').length >= 20, `too little ESP in ${pcap}:\n${esp.stdout}`);
    }
  });
});
