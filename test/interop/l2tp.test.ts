// L2TP over IPsec on a real kernel (Example 13-23): `typeswan start` in r1 is the LNS (dynamic
// map, wildcard key, transport mode for UDP 1701, MS-CHAPv2 against a local user, IPCP from
// `ip local pool vpdn`), `typeswan client` with `l2tp` in r2 is the Windows-style client (LAC
// + PPP client). The PPP address goes on the client's TUN, a ping from it reaches ha behind
// the LNS; tshark on r1-wan, given the ESP keys of the LNS's key log, decrypts the ESP and
// dissects the L2TP control messages and the PPP (LCP, CHAP, IPCP) inside without error. Three
// times: PPP users from `local`; from FreeRADIUS on the LNS's LAN (`aaa authentication ppp
// default radius local`, no local user), whose MS-CHAP2-Success our client checks; and with the
// client behind the lab's nftables PAT box (NAT-T transport mode, ESP in UDP 4500).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ADDR,
  announceSkip,
  interopSkipReason,
  Lab,
  malformedFrames,
  run,
  tsharkKeyOptions,
  Typeswan,
  typeswanCommand,
  until,
  type Capture,
  type Daemon,
  type Role,
} from './harness.js';
import { FREERADIUS, FREERADIUS_READY, freeradiusConfig, freeradiusSkipReason } from '../aaa/freeradius.js';

const skip = interopSkipReason({ typeswan: true });
announceSkip('typeswan client (L2TP) <-> typeswan LNS', skip);
const skipRadius = skip ?? freeradiusSkipReason();
announceSkip('typeswan client (L2TP) <-> typeswan LNS with FreeRADIUS', skipRadius);

const PSK = 'l2tp-wildcard-77';
const USER = { name: 'munchkin', password: 'ozgreen' };
const TUN = 'tsl2tp0';

/** Where the LNS, the host behind it and the client sit in the lab. */
interface Place {
  readonly name: string;
  readonly nat: boolean;
  readonly lns: Role;
  readonly wan: string;
  readonly wanIf: string;
  readonly lan: string;
  readonly host: Role;
  readonly hostAddress: string;
  readonly hostNet: string;
  readonly client: Role;
}

const DIRECT: Place = {
  name: 'on the same LAN',
  nat: false,
  lns: 'r1',
  wan: ADDR.r1Wan,
  wanIf: 'r1-wan',
  lan: ADDR.r1Lan,
  host: 'ha',
  hostAddress: ADDR.ha,
  hostNet: '10.1.0.0/24',
  client: 'r2',
};

/** The client (r1) behind the lab's nftables PAT box; the LNS is r2: NAT-T transport mode. */
const BEHIND_NAT: Place = {
  name: 'behind an nftables PAT (NAT-T transport mode)',
  nat: true,
  lns: 'r2',
  wan: ADDR.r2Wan,
  wanIf: 'r2-wan',
  lan: ADDR.r2Lan,
  host: 'hb',
  hostAddress: ADDR.hb,
  hostNet: '10.2.0.0/24',
  client: 'r1',
};

/** Example 13-23's LNS with the lab's addresses and AES/SHA-1/group 14 (tshark decrypts those). */
const lnsConfig = (p: Place, aaa: string): string => `hostname LNS
aaa new-model
aaa authentication ppp default ${aaa}
vpdn enable
vpdn-group 1
 accept dialin l2tp virtual-template 1
 no l2tp tunnel authentication
crypto isakmp policy 10
 encryption aes
 hash sha
 authentication pre-share
 group 14
crypto isakmp key ${PSK} address 0.0.0.0
crypto ipsec transform-set l2tp esp-aes esp-sha-hmac
 mode transport
crypto dynamic-map dyna 1
 set transform-set l2tp
 match address 110
crypto map l2tpmap 1 ipsec-isakmp dynamic dyna
interface Ethernet0
 ip address ${p.wan} 255.255.255.0
 crypto map l2tpmap
interface Ethernet1
 ip address ${p.lan} 255.255.255.0
interface Virtual-Template1
 ip unnumbered Ethernet0
 peer default ip address pool vpdn
 ppp authentication ms-chap
ip local pool vpdn 10.1.10.10 10.1.10.15
access-list 110 permit udp host ${p.wan} eq 1701 any
`;

const RADIUS_KEY = 'l2tp-radius-key-3';

/** Who checks the PPP login: local users, or FreeRADIUS on the LNS's LAN (no local user then). */
interface Backend {
  readonly name: string;
  /** The ppp method list and what it needs. */
  aaa(p: Place): string;
  readonly method: string;
  start?(lab: Lab, p: Place): Promise<Daemon>;
}

const LOCAL: Backend = {
  name: 'local users',
  aaa: () => `local\nusername ${USER.name} password 0 ${USER.password}`,
  method: 'local',
};

const RADIUS: Backend = {
  name: 'FreeRADIUS 3.2 (MS-CHAPv2 in RFC 2548 attributes)',
  aaa: (p) => `radius local\nradius-server host ${p.hostAddress} auth-port 1812 key ${RADIUS_KEY}`,
  method: 'group radius',
  start: async (lab, p) => {
    const dir = join(lab.dir, 'freeradius');
    mkdirSync(dir, { recursive: true });
    freeradiusConfig(
      dir,
      { address: p.hostAddress, port: 1812, client: p.lan },
      { secret: RADIUS_KEY, users: [USER] },
    );
    const daemon = lab.spawnIn(p.host, 'freeradius', [FREERADIUS, '-X', '-d', dir]);
    const up = await until(() => daemon.text().includes(FREERADIUS_READY) || !daemon.running, 20_000);
    if (!up || !daemon.running) throw new Error(`FreeRADIUS did not start:\n${daemon.text().slice(-3000)}`);
    return daemon;
  },
};

const CASES: readonly (readonly [Place, Backend])[] = [
  [DIRECT, LOCAL],
  [DIRECT, RADIUS],
  [BEHIND_NAT, LOCAL],
];

const clientConfig = (p: Place): string => `gateway ${p.wan}
key ${PSK}
username ${USER.name}
remote-network ${p.hostNet}
l2tp
`;

async function tsharkLines(
  pcap: string,
  keys: readonly string[],
  filter: string,
  field?: string,
): Promise<string[]> {
  const fields = field === undefined ? [] : ['-T', 'fields', '-e', field];
  const r = await run('tshark', ['-r', pcap, ...keys, '-Y', filter, ...fields], { timeoutMs: 60_000 });
  return r.stdout.split('\n').filter((l) => l.trim() !== '');
}

for (const [place, backend] of CASES)
  describe(
    `interop: typeswan client (L2TP/IPsec) ${place.name} <-> typeswan start as the LNS, PPP users from ${backend.name}`,
    { skip: backend.start === undefined ? skip : skipRadius, timeout: 180_000 },
    () => {
      let lab: Lab;
      let lns: Typeswan;
      let capture: Capture | undefined;
      let server: Daemon | undefined;

      before(async () => {
        lab = await Lab.create({
          tag: `l2tp${place.nat ? 'n' : ''}${backend === RADIUS ? 'r' : ''}`,
          nat: place.nat,
        });
        server = await backend.start?.(lab, place);
        capture = await lab.startCapture(place.lns, place.wanIf, 'l2tp');
        const config = lnsConfig(place, backend.aaa(place));
        lns = await Typeswan.start(lab, place.lns, config, 'typeswan-lns', ['--debug', 'isakmp,vpdn']);
        writeFileSync(join(lab.dir, 'client.cfg'), clientConfig(place));
      });

      after(async () => {
        await capture?.stop().catch(() => '');
        await lab?.destroy();
      });

      function client(name: string, password: string): ReturnType<Lab['spawnIn']> {
        return lab.spawnIn(
          place.client,
          name,
          [
            ...typeswanCommand(),
            'client',
            '-c',
            join(lab.dir, 'client.cfg'),
            '--control',
            join(lab.dir, `${name}.sock`),
            '--tun',
            TUN,
            '--debug',
            'isakmp,vpdn',
          ],
          { ...process.env, TYPESWAN_PASSWORD: password },
        );
      }

      it('dials, gets a pool address over IPCP, pings the host behind the LNS through L2TP/PPP in ESP; tshark dissects it all', async (t) => {
        // `debug vpdn` streamed from the LNS's control socket
        const debug = lab.spawnIn(place.lns, 'debug-vpdn', [
          ...typeswanCommand(),
          'debug',
          'vpdn',
          '--control',
          lns.control,
        ]);
        t.after(() => debug.stop('SIGINT', 3000));
        await until(() => debug.text() !== '' || !debug.running, 10_000);
        const daemon = client('l2tp-client', USER.password);
        t.after(() => daemon.stop('SIGINT', 8000));
        const up = await until(() => /PPP address 10\.1\.10\.\d+ on tsl2tp0/.test(daemon.text()), 45_000);
        assert.ok(up, `client:\n${daemon.text().slice(-4000)}\nLNS:\n${lns.log().slice(-4000)}`);
        const address = /PPP address (10\.1\.10\.\d+)/.exec(daemon.text())?.[1] ?? '';
        const addr = await lab.exec(place.client, ['ip', '-4', '-o', 'addr', 'show', 'dev', TUN]);
        assert.match(addr.stdout, new RegExp(`inet ${address.replace(/\./g, '\\.')}/32`), addr.stdout);
        assert.ok(!daemon.text().includes(USER.password), 'the password is in no log line');

        const ping = await lab.ping(place.client, place.hostAddress, 5, 0.2, address);
        if (ping.received !== 5) {
          const routes = await lab.exec(place.lns, ['ip', '-4', 'route', 'show', 'table', 'all']);
          const rules = await lab.exec(place.lns, ['ip', '-4', 'rule']);
          assert.fail(
            `${place.client} (${address}) -> ${place.host}:\n${ping.output}\nclient:\n${daemon.text().slice(-1500)}\n` +
              `LNS:\n${lns.log().slice(-1500)}\nLNS routes:\n${routes.stdout}\n${rules.stdout}`,
          );
        }
        assert.match(
          lns.log(),
          new RegExp(`VPDN: ${USER.name} up, ${place.wan.replace(/\./g, '\\.')} <-> ${address}`),
        );

        assert.ok(
          await until(() => new RegExp(`VPDN: ${USER.name} up`).test(debug.text()), 5000),
          `debug vpdn:\n${debug.text().slice(-2000)}`,
        );
        assert.match(debug.text(), /L2TP: I SCCRQ/);
        const vpdn = await lns.cli(['show', 'vpdn']);
        const session = `  Session \\d+ \\(remote \\d+\\) established user ${USER.name} address ${address.replace(/\./g, '\\.')}`;
        assert.match(
          vpdn.stdout,
          new RegExp(
            `^L2TP Tunnel \\d+ \\(remote \\d+\\) \\S+ client established, 1 session\\(s\\)\\n${session}$`,
            'm',
          ),
          vpdn.stdout + vpdn.stderr,
        );
        assert.equal(await daemon.stop('SIGINT', 8000), 0, daemon.text().slice(-3000));
        const link = await lab.exec(place.client, ['ip', 'link', 'show', TUN]);
        assert.notEqual(link.code, 0, 'the TUN is gone');
        // the client's StopCCN went out inside ESP before its deletes: the LNS clears the call
        assert.ok(
          await until(() => /VPDN: session down: StopCCN/.test(lns.log()), 10_000),
          lns.log().slice(-2000),
        );

        const pcap = capture ? await capture.stop() : '';
        capture = undefined;
        const keys = tsharkKeyOptions(lns.keyLog());
        // Nothing in clear: every L2TP datagram on the wire is inside ESP (transport mode).
        assert.deepEqual(await tsharkLines(pcap, [], 'l2tp'), [], 'L2TP in clear on the wire');
        assert.ok((await tsharkLines(pcap, [], 'esp')).length > 10, 'no ESP on the wire');
        // behind the PAT box ESP rides UDP 4500 (RFC 3948), else straight on IP
        const encapsulated = (await tsharkLines(pcap, [], 'udp.port == 4500 && esp')).length;
        const plain = (await tsharkLines(pcap, [], 'ip.proto == 50')).length;
        assert.ok(place.nat ? encapsulated > 10 && plain === 0 : plain > 10 && encapsulated === 0);
        // RFC 2661 §3.2 message types, as tshark names them
        const types = new Set(
          await tsharkLines(pcap, keys, 'esp && l2tp.type == 1', 'l2tp.avp.message_type'),
        );
        const seen = [...types].flatMap((t) => t.split(','));
        for (const t of ['1', '2', '3', '10', '11', '12'])
          assert.ok(
            seen.includes(t),
            `L2TP control message type ${t} (SCCRQ 1 .. ICCN 12) not seen: ${seen.join(' ')}`,
          );
        for (const proto of ['lcp', 'chap', 'ipcp']) {
          const n = (await tsharkLines(pcap, keys, `esp && l2tp && ${proto}`)).length;
          assert.ok(n > 0, `no PPP ${proto.toUpperCase()} inside L2TP inside ESP`);
        }
        // MS-CHAPv2 as the Virtual-Template asks: Challenge, Response, Success
        const chapCodes = new Set(await tsharkLines(pcap, keys, 'chap', 'chap.code'));
        for (const c of ['1', '2', '3'])
          assert.ok(chapCodes.has(c), `CHAP code ${c} not seen: ${[...chapCodes].join(' ')}`);
        const icmp = await tsharkLines(pcap, keys, `esp && l2tp && icmp && ip.src == ${address}`);
        assert.ok(icmp.length >= 5, `the pings are not inside PPP inside L2TP: ${icmp.length}`);
        assert.deepEqual(await malformedFrames(pcap, keys), [], 'tshark found malformed frames');
        assert.match(lns.log(), new RegExp(`AAA: ${USER.name} accept by ${backend.method}`));
        if (server !== undefined) {
          // the authenticator response our client checked came from FreeRADIUS
          assert.match(server.text(), /MS-CHAP2-Response = 0x/, server.text().slice(-3000));
          assert.match(server.text(), /MS-CHAP2-Success = 0x[0-9a-f]{86}/, server.text().slice(-3000));
        }
      });

      it('a wrong PPP password: the LNS refuses the CHAP response, the client says so and exits 1', async (t) => {
        const daemon = client('l2tp-client-bad', 'not-ozgreen');
        t.after(() => daemon.stop('SIGINT', 8000));
        assert.ok(await until(() => !daemon.running, 60_000), 'the client did not exit');
        assert.equal(daemon.exitCode, 1, daemon.text().slice(-3000));
        assert.match(daemon.text(), /L2TP session down/, daemon.text().slice(-3000));
        assert.ok(!daemon.text().includes('not-ozgreen'), 'the password is in no log line');
        assert.match(
          lns.log(),
          new RegExp(`AAA: ${USER.name} reject by ${backend.method}`),
          lns.log().slice(-3000),
        );
        if (server !== undefined) assert.match(server.text(), /Sent Access-Reject/);
      });
    },
  );
