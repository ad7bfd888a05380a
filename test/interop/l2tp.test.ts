// L2TP over IPsec on a real kernel (Example 13-23): `typeswan start` in r1 is the LNS (dynamic
// map, wildcard key, transport mode for UDP 1701, MS-CHAPv2 against a local user, IPCP from
// `ip local pool vpdn`), `typeswan client` with `l2tp` in r2 is the Windows-style client (LAC
// + PPP client). The PPP address goes on the client's TUN, a ping from it reaches ha behind
// the LNS; tshark on r1-wan, given the ESP keys of the LNS's key log, decrypts the ESP and
// dissects the L2TP control messages and the PPP (LCP, CHAP, IPCP) inside without error. Twice:
// PPP users from `local`, then from FreeRADIUS in ha (`aaa authentication ppp default radius
// local`, no local user), whose MS-CHAP2-Success our client checks.

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
} from './harness.js';
import { FREERADIUS, FREERADIUS_READY, freeradiusConfig, freeradiusSkipReason } from '../aaa/freeradius.js';

const skip = interopSkipReason({ typeswan: true });
announceSkip('typeswan client (L2TP) <-> typeswan LNS', skip);
const skipRadius = skip ?? freeradiusSkipReason();
announceSkip('typeswan client (L2TP) <-> typeswan LNS with FreeRADIUS', skipRadius);

const PSK = 'l2tp-wildcard-77';
const USER = { name: 'munchkin', password: 'ozgreen' };
const TUN = 'tsl2tp0';

/** Example 13-23's LNS with the lab's addresses and AES/SHA-1/group 14 (tshark decrypts those). */
const LNS_TEMPLATE = `hostname LNS
aaa new-model
aaa authentication ppp default AAA_METHODS
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
 ip address ${ADDR.r1Wan} 255.255.255.0
 crypto map l2tpmap
interface Ethernet1
 ip address ${ADDR.r1Lan} 255.255.255.0
interface Virtual-Template1
 ip unnumbered Ethernet0
 peer default ip address pool vpdn
 ppp authentication ms-chap
ip local pool vpdn 10.1.10.10 10.1.10.15
access-list 110 permit udp host ${ADDR.r1Wan} eq 1701 any
`;

const RADIUS_KEY = 'l2tp-radius-key-3';

/** Who checks the PPP login: local users, or FreeRADIUS in ha (no local user then). */
interface Backend {
  readonly name: string;
  /** The ppp method list and what it needs. */
  readonly aaa: string;
  readonly method: string;
  start?(lab: Lab): Promise<Daemon>;
}

const BACKENDS: readonly Backend[] = [
  {
    name: 'local users',
    aaa: `local\nusername ${USER.name} password 0 ${USER.password}`,
    method: 'local',
  },
  {
    name: 'FreeRADIUS 3.2 (MS-CHAPv2 in RFC 2548 attributes)',
    aaa: `radius local\nradius-server host ${ADDR.ha} auth-port 1812 key ${RADIUS_KEY}`,
    method: 'group radius',
    start: async (lab) => {
      const dir = join(lab.dir, 'freeradius');
      mkdirSync(dir, { recursive: true });
      freeradiusConfig(
        dir,
        { address: ADDR.ha, port: 1812, client: ADDR.r1Lan },
        { secret: RADIUS_KEY, users: [USER] },
      );
      const daemon = lab.spawnIn('ha', 'freeradius', [FREERADIUS, '-X', '-d', dir]);
      const up = await until(() => daemon.text().includes(FREERADIUS_READY) || !daemon.running, 20_000);
      if (!up || !daemon.running) throw new Error(`FreeRADIUS did not start:\n${daemon.text().slice(-3000)}`);
      return daemon;
    },
  },
];

const CLIENT_CFG = `gateway ${ADDR.r1Wan}
key ${PSK}
username ${USER.name}
remote-network 10.1.0.0/24
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

for (const backend of BACKENDS)
  describe(
    `interop: typeswan client (L2TP/IPsec) <-> typeswan start as the LNS, PPP users from ${backend.name}`,
    { skip: backend.start === undefined ? skip : skipRadius, timeout: 180_000 },
    () => {
      let lab: Lab;
      let lns: Typeswan;
      let capture: Capture | undefined;
      let server: Daemon | undefined;

      before(async () => {
        lab = await Lab.create({ tag: backend.start === undefined ? 'l2tp' : 'l2tpr' });
        server = await backend.start?.(lab);
        capture = await lab.startCapture('r1', 'r1-wan', 'l2tp');
        const config = LNS_TEMPLATE.replace('AAA_METHODS', backend.aaa);
        lns = await Typeswan.start(lab, 'r1', config, 'typeswan-lns', ['--debug', 'isakmp,vpdn']);
        writeFileSync(join(lab.dir, 'client.cfg'), CLIENT_CFG);
      });

      after(async () => {
        await capture?.stop().catch(() => '');
        await lab?.destroy();
      });

      function client(name: string, password: string): ReturnType<Lab['spawnIn']> {
        return lab.spawnIn(
          'r2',
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

      it('dials, gets a pool address over IPCP, pings ha through L2TP/PPP in ESP; tshark dissects it all', async (t) => {
        const daemon = client('l2tp-client', USER.password);
        t.after(() => daemon.stop('SIGINT', 8000));
        const up = await until(() => /PPP address 10\.1\.10\.\d+ on tsl2tp0/.test(daemon.text()), 45_000);
        assert.ok(up, `client:\n${daemon.text().slice(-4000)}\nLNS:\n${lns.log().slice(-4000)}`);
        const address = /PPP address (10\.1\.10\.\d+)/.exec(daemon.text())?.[1] ?? '';
        const addr = await lab.exec('r2', ['ip', '-4', '-o', 'addr', 'show', 'dev', TUN]);
        assert.match(addr.stdout, new RegExp(`inet ${address.replace(/\./g, '\\.')}/32`), addr.stdout);
        assert.ok(!daemon.text().includes(USER.password), 'the password is in no log line');

        const ping = await lab.ping('r2', ADDR.ha, 5, 0.2, address);
        if (ping.received !== 5) {
          const routes = await lab.exec('r1', ['ip', '-4', 'route', 'show', 'table', 'all']);
          const rules = await lab.exec('r1', ['ip', '-4', 'rule']);
          assert.fail(
            `r2 (${address}) -> ha:\n${ping.output}\nclient:\n${daemon.text().slice(-1500)}\n` +
              `LNS:\n${lns.log().slice(-1500)}\nr1 routes:\n${routes.stdout}\n${rules.stdout}`,
          );
        }
        assert.match(
          lns.log(),
          new RegExp(`VPDN: ${USER.name} up, ${ADDR.r1Wan.replace(/\./g, '\\.')} <-> ${address}`),
        );

        assert.equal(await daemon.stop('SIGINT', 8000), 0, daemon.text().slice(-3000));
        const link = await lab.exec('r2', ['ip', 'link', 'show', TUN]);
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
