// strongSwan 5.9.8 as an IKEv1 XAUTH client (auth = psk, then xauth-generic; `vips = 0.0.0.0`
// pulls a Mode Config address) against typeswan running the Concentrator of Example 13-19:
// the wildcard key, `aaa authentication login xauth local` with a local user, the dynamic map,
// `client configuration address initiate` + `respond` and the pool. The address comes from the
// pool, a ping from it reaches the host behind typeswan, the reply goes back through the
// tunnel; a wrong password is asked again, refused after three tries, and the log says why.
// With `initiate` alone typeswan pushes the address (SET/ACK) to a strongSwan with `pull = no`.
// The same with the login list `group radius` backed by FreeRADIUS and `group tacacs+` backed
// by the project's TACACS+ test server, each started in the protected LAN's namespace (ha) from
// configuration files of its own: a wrong password is refused by the server three times, then
// the right one gets the address. A client of group vpngroup (aggressive mode, keyid, the
// group's key) gets the group's pool address, its DNS servers (strongSwan's resolve plugin
// writes them) and its split-include network (the unity plugin narrows the CHILD_SA to it).
// Departures from the example: AES/SHA-1/group 14 instead of
// DES/MD5/group 1 (Debian's strongSwan has no DES), and the addresses of the lab.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ADDR,
  announceSkip,
  Charon,
  type Daemon,
  interopSkipReason,
  Lab,
  projectScript,
  Typeswan,
  until,
} from './harness.js';
import { swanctlConf } from './swanctl.js';
import { concentratorText, type ConcentratorOptions } from '../ike/remoteAccessLab.js';
import { GROUP_KEY, LAB_CONCENTRATOR } from './concentrator.js';
import { FREERADIUS, FREERADIUS_READY, freeradiusConfig, freeradiusSkipReason } from '../aaa/freeradius.js';

const skip = interopSkipReason({ charon: true, typeswan: true });
announceSkip('typeswan XAUTH/Mode Config gateway <-> strongSwan client', skip);
const skipRadius = skip ?? freeradiusSkipReason();
announceSkip('typeswan XAUTH through FreeRADIUS <-> strongSwan client', skipRadius);

function client(name: string, user: string, password: string, pull = true): string {
  return swanctlConf({
    name,
    localAddress: ADDR.r2Wan,
    remoteAddress: ADDR.r1Wan,
    proposals: 'aes128-sha1-modp2048',
    psk: GROUP_KEY,
    xauth: { user, password },
    vips: '0.0.0.0',
    pull,
    children: [{ name: `${name}-net`, localTs: 'dynamic', remoteTs: '10.1.0.0/24', esp: 'aes128-sha1' }],
  });
}

/** An AAA server started in ha before typeswan, and the Concentrator lines that use it. */
interface AaaBackend {
  readonly concentrator: Pick<ConcentratorOptions, 'login' | 'extra'>;
  start(lab: Lab): Promise<Daemon>;
}

/**
 * typeswan as the Concentrator in r1 with these `client configuration` modes, charon in r2;
 * with `aaa`, its server runs in ha first. `user` is loaded into charon unless `user` is null.
 */
async function setUp(
  tag: string,
  modes: readonly ('initiate' | 'respond')[],
  name: string,
  pull: boolean,
  aaa?: AaaBackend,
  user: { name: string; password: string } | null = { name: 'ciscouser', password: 'cisco1234' },
): Promise<{ lab: Lab; charon: Charon; typeswan: Typeswan; server?: Daemon }> {
  const lab = await Lab.create({ tag });
  const server = await aaa?.start(lab);
  const typeswan = await Typeswan.start(
    lab,
    'r1',
    concentratorText({ ...LAB_CONCENTRATOR, modes, ...aaa?.concentrator }),
    `typeswan-${name}`,
  );
  const charon = await Charon.start(lab, 'r2', name);
  if (user !== null) await charon.load(client(name, user.name, user.password, pull));
  return { lab, charon, typeswan, ...(server !== undefined ? { server } : {}) };
}

type Env = Awaited<ReturnType<typeof setUp>>;

describe(
  'interop: typeswan XAUTH/Mode Config gateway <-> strongSwan client',
  { skip, timeout: 300_000 },
  () => {
    let env: Env;
    before(async () => (env = await setUp('tsxa', ['initiate', 'respond'], 'ra', true)));
    after(async () => env?.lab.destroy());

    it('XAUTH with the local user, the address from the pool, and a ping from it to the protected host', async () => {
      await initiated(env.charon, 'ra-net', env.typeswan);
      const log = env.typeswan.log();
      for (const line of [
        /Need XAUTH/,
        /ISAKMP\/xauth: request attribute XAUTH_USER_NAME_V2/,
        /ISAKMP\/xauth: reply attribute XAUTH_USER_PASSWORD_V2/,
        /Xauth: user ciscouser authenticated by local/,
        /ISAKMP: Config payload ACK/,
        /ISAKMP: {4}IP4_ADDRESS/,
        /allocating address 10\.1\.10\.1/,
      ])
        assert.match(log, line, log.slice(-4000));
      assert.ok(!log.includes('cisco1234'), 'the password is in no log line');
      await pingsFromPoolAddress(env);
      const pool = await env.typeswan.cli(['show', 'ip', 'local', 'pool']);
      assert.match(pool.stdout, /mypool\s+10\.1\.10\.1\s+10\.1\.10\.254\s+253\s+1/, pool.stdout);
      assert.match(pool.stdout, new RegExp(`10\\.1\\.10\\.1\\s+${ADDR.r2Wan.replace(/\./g, '\\.')}`));
      const sas = await env.typeswan.cli(['show', 'crypto', 'ipsec', 'sa']);
      assert.match(
        sas.stdout,
        /remote ident \(addr\/mask\/prot\/port\): \(10\.1\.10\.1\/255\.255\.255\.255\/0\/0\)/,
        sas.stdout,
      );
    });

    it('the address goes back to the pool when the client leaves', async () => {
      await env.charon.terminate('ra');
      assert.ok(
        await until(
          () => /returning address 10\.1\.10\.1 of 192\.0\.2\.2 to its pool/.test(env.typeswan.log()),
          10_000,
        ),
        env.typeswan.log().slice(-2000),
      );
      const pool = await env.typeswan.cli(['show', 'ip', 'local', 'pool']);
      assert.match(pool.stdout, /mypool\s+10\.1\.10\.1\s+10\.1\.10\.254\s+254\s+0/, pool.stdout);
    });

    it('a wrong password is asked for again, refused after three tries, and the IKE SA deleted saying why', async () => {
      await env.charon.load(client('bad', 'other', 'not-the-password'), 'bad.swanctl.conf');
      const up = await env.charon.initiate('bad-net', 30);
      assert.notEqual(up.code, 0, 'swanctl --initiate must fail');
      assert.ok(
        await until(() => /XAUTH failed for user other after 3 tries/.test(env.typeswan.log()), 20_000),
        env.typeswan.log().slice(-4000),
      );
      const log = env.typeswan.log();
      assert.match(log, /Xauth: user other refused by local \(bad username or password\), try 1/);
      assert.match(log, /Xauth: user other refused by local \(bad username or password\), try 3/);
      assert.match(log, /set attribute XAUTH_STATUS_V2 = FAIL/);
      assert.ok(!log.includes('not-the-password'), 'the password is in no log line');
      const isakmp = await env.typeswan.cli(['show', 'crypto', 'isakmp', 'sa']);
      assert.ok(!isakmp.stdout.includes(ADDR.r2Wan), isakmp.stdout);
    });
  },
);

/**
 * strongSwan holds the pool's first address as its virtual IP with the protected network on the
 * other side, typeswan routes it into its TUN, and five pings from it reach ha.
 */
async function pingsFromPoolAddress(env: Env): Promise<void> {
  const listed = await env.charon.listSas();
  assert.match(listed, /\[10\.1\.10\.1\]/, `strongSwan's virtual IP:\n${listed}`);
  assert.match(listed, /local\s+10\.1\.10\.1\/32\s+remote\s+10\.1\.0\.0\/24/, listed);
  assert.ok(
    await until(() => /route 10\.1\.10\.1\/32 into \S+ added/.test(env.typeswan.log()), 5000),
    env.typeswan.log().slice(-2000),
  );
  const ping = await env.lab.ping('r2', ADDR.ha, 5, 0.2, '10.1.10.1');
  assert.equal(ping.received, 5, `r2 (10.1.10.1) -> ha:\n${ping.output}\n${env.typeswan.log().slice(-2000)}`);
}

/** `swanctl --initiate` of `child` succeeded (or the assertion shows both sides' logs). */
async function initiated(charon: Charon, child: string, typeswan: Typeswan): Promise<void> {
  const up = await charon.initiate(child);
  assert.equal(up.code, 0, `swanctl --initiate:\n${up.stdout.slice(-3000)}\n${typeswan.log().slice(-3000)}`);
}

describe(
  'interop: typeswan Mode Config push (`initiate`) <-> strongSwan with pull = no',
  { skip, timeout: 300_000 },
  () => {
    let env: Env;
    before(async () => (env = await setUp('tsxa-push', ['initiate'], 'push', false)));
    after(async () => env?.lab.destroy());

    it('the gateway SETs the address after XAUTH, strongSwan ACKs it, and pings pass from it', async () => {
      await initiated(env.charon, 'push-net', env.typeswan);
      const log = env.typeswan.log();
      assert.match(log, /allocating address 10\.1\.10\.1/, log.slice(-3000));
      assert.match(log, /peer accepted the address!/, log.slice(-3000));
      assert.doesNotMatch(log, /checking request:/, 'pushed, not pulled');
      const ping = await env.lab.ping('r2', ADDR.ha, 5, 0.2, '10.1.10.1');
      assert.equal(
        ping.received,
        5,
        `r2 (10.1.10.1) -> ha:\n${ping.output}\n${env.typeswan.log().slice(-2000)}`,
      );
    });
  },
);

const VPNGROUP_KEY = 'vpngroup-key-42';
/** Group vpngroup: its own pool, two DNS servers, a domain, and the protected LAN as split-include. */
const VPNGROUP = `crypto isakmp client configuration group vpngroup
 key ${VPNGROUP_KEY}
 dns 10.1.0.53 10.1.0.54
 domain corp.example
 pool grouppool
 acl 110
access-list 110 permit ip 10.1.0.0 0.0.0.255 any
ip local pool grouppool 10.1.20.1 10.1.20.9`;

/** typeswan with group vpngroup in r1 (these `client configuration` modes), charon in r2 as keyid:vpngroup. */
async function groupLab(
  tag: string,
  modes: readonly ('initiate' | 'respond')[],
  pull: boolean,
): Promise<{ lab: Lab; typeswan: Typeswan; charon: Charon; resolvConf: string }> {
  const lab = await Lab.create({ tag });
  const typeswan = await Typeswan.start(
    lab,
    'r1',
    concentratorText({ ...LAB_CONCENTRATOR, modes, extra: `${LAB_CONCENTRATOR.extra}\n${VPNGROUP}` }),
    'typeswan-group',
  );
  const resolvConf = join(lab.dir, 'group', 'resolv.conf');
  const charon = await Charon.start(lab, 'r2', 'group', { resolveFile: resolvConf });
  await charon.load(
    swanctlConf({
      name: 'group',
      localAddress: ADDR.r2Wan,
      remoteAddress: ADDR.r1Wan,
      localId: 'keyid:vpngroup',
      aggressive: true,
      proposals: 'aes128-sha1-modp2048',
      psk: VPNGROUP_KEY,
      xauth: { user: 'ciscouser', password: 'cisco1234' },
      vips: '0.0.0.0',
      pull,
      // Wider than the group's split-include: only the gateway's attribute can narrow it to /24.
      children: [{ name: 'group-net', localTs: 'dynamic', remoteTs: '10.1.0.0/16', esp: 'aes128-sha1' }],
    }),
  );
  return { lab, typeswan, charon, resolvConf };
}

/** strongSwan installed both DNS servers, narrowed to the split-include, holds the group's address; pings pass. */
async function groupSettingsTaken(g: Awaited<ReturnType<typeof groupLab>>): Promise<void> {
  const log = g.charon.log();
  // strongSwan 5.9.8 resolve_handler.c: "installing DNS server %H to %s".
  for (const dns of ['10.1.0.53', '10.1.0.54'])
    assert.match(log, new RegExp(`installing DNS server ${dns.replace(/\./g, '\\.')} to `), log.slice(-4000));
  const resolv = readFileSync(g.resolvConf, 'utf8');
  assert.match(resolv, /^nameserver 10\.1\.0\.53\s+# by strongSwan/m, resolv);
  assert.match(resolv, /^nameserver 10\.1\.0\.54\s+# by strongSwan/m, resolv);
  // unity_narrow.c: "narrowed CHILD_SA to %N %#R" with the UNITY_SPLIT_INCLUDE networks.
  assert.match(log, /narrowed CHILD_SA to UNITY_SPLIT_INCLUDE 10\.1\.0\.0\/24/, log.slice(-4000));
  const listed = await g.charon.listSas();
  assert.match(listed, /\[10\.1\.20\.1\]/, `strongSwan's virtual IP from grouppool:\n${listed}`);
  assert.match(listed, /local\s+10\.1\.20\.1\/32\s+remote\s+10\.1\.0\.0\/24/, listed);
  const tlog = g.typeswan.log();
  assert.match(tlog, /found peer pre-shared key matching vpngroup/, tlog.slice(-3000));
  assert.match(tlog, /ISAKMP: Sending IP4_DNS server address: 10\.1\.0\.53/, tlog.slice(-3000));
  assert.match(tlog, /Sending split include name 110 network 10\.1\.0\.0 mask 255\.255\.255\.0/);
  const ping = await g.lab.ping('r2', ADDR.ha, 5, 0.2, '10.1.20.1');
  assert.equal(ping.received, 5, `r2 (10.1.20.1) -> ha:\n${ping.output}\n${tlog.slice(-2000)}`);
}

describe(
  'interop: Mode Config of a client group (pool, DNS, split-include) <-> strongSwan client',
  { skip, timeout: 300_000 },
  () => {
    let g: Awaited<ReturnType<typeof groupLab>>;
    before(async () => (g = await groupLab('tsxg', ['initiate', 'respond'], true)));
    after(async () => g?.lab.destroy());

    it('strongSwan takes the group pool address, installs both DNS servers, narrows to the split-include', async () => {
      await initiated(g.charon, 'group-net', g.typeswan);
      await groupSettingsTaken(g);
      const log = g.charon.log();
      // message.c lists each CP payload's attributes: the REPLY holds what was asked for (no
      // UNITY_LOCAL_LAN: none is configured) and not the domain, which strongSwan did not ask for.
      const asked =
        /generating TRANSACTION request (\d+) \[ HASH CPRQ\(ADDR DNS U_SPLITINC U_LOCALLAN\) \]/.exec(log);
      assert.ok(asked, log.slice(-4000));
      const mid = Number(asked[1]);
      assert.match(
        log,
        new RegExp(`parsed TRANSACTION response ${mid} \\[ HASH CPRP\\(ADDR DNS DNS U_SPLITINC\\) \\]`),
      );
      // The REPLY's debug line names strongSwan's message ID (IOS prints it signed).
      assert.match(
        g.typeswan.log(),
        new RegExp(`responding to peer config from 192\\.0\\.2\\.2\\. ID = ${mid | 0}$`, 'm'),
      );
    });

    it('the DNS servers are removed when the client leaves', async () => {
      await g.charon.terminate('group');
      assert.ok(
        await until(() => /removing DNS server 10\.1\.0\.53 from /.test(g.charon.log()), 10_000),
        g.charon.log().slice(-2000),
      );
      assert.doesNotMatch(readFileSync(g.resolvConf, 'utf8'), /10\.1\.0\.53/);
    });
  },
);

describe(
  'interop: Mode Config push (`initiate`) of a client group <-> strongSwan with pull = no',
  { skip, timeout: 300_000 },
  () => {
    let g: Awaited<ReturnType<typeof groupLab>>;
    before(async () => (g = await groupLab('tsxg-push', ['initiate'], false)));
    after(async () => g?.lab.destroy());

    it('the SET carries the address, both DNS servers, the domain and the split-include; strongSwan takes them', async () => {
      await initiated(g.charon, 'group-net', g.typeswan);
      await groupSettingsTaken(g);
      const log = g.charon.log();
      assert.match(
        log,
        /parsed TRANSACTION request \d+ \[ HASH CPS\(ADDR DNS DNS U_DEFDOM U_SPLITINC\) \]/,
        log.slice(-4000),
      );
      assert.match(g.typeswan.log(), /peer accepted the address!/);
    });
  },
);

/** The AAA servers' user: not the Concentrator's local password, so only the server can accept it. */
const AAA_USER = { name: 'ciscouser', password: 'aaa-secret-77' } as const;
const RADIUS_KEY = 'radius-key-19';
const TACACS_KEY = 'tacacs key 19';

/** A daemon we started is up once `ready` is in its output (or the test says why not). */
async function ready(daemon: Daemon, ready: string, what: string): Promise<Daemon> {
  const up = await until(() => daemon.text().includes(ready) || !daemon.running, 20_000);
  if (!up || !daemon.running) throw new Error(`${what} did not start:\n${daemon.text().slice(-3000)}`);
  return daemon;
}

/** FreeRADIUS in ha on its LAN address, answering r1 (typeswan's source toward it) alone. */
const FREERADIUS_BACKEND: AaaBackend = {
  concentrator: {
    login: 'group radius',
    extra: `radius-server host ${ADDR.ha} auth-port 1812 key ${RADIUS_KEY}`,
  },
  start: async (lab) => {
    const dir = join(lab.dir, 'freeradius');
    mkdirSync(dir, { recursive: true });
    freeradiusConfig(
      dir,
      { address: ADDR.ha, port: 1812, client: ADDR.r1Lan },
      { secret: RADIUS_KEY, users: [AAA_USER] },
    );
    return ready(
      lab.spawnIn('ha', 'freeradius', [FREERADIUS, '-X', '-d', dir]),
      FREERADIUS_READY,
      'FreeRADIUS',
    );
  },
};

/** The project's TACACS+ test server (checked by Authen::TacacsPlus in test/aaa) in ha on port 49. */
const TACACS_BACKEND: AaaBackend = {
  concentrator: {
    login: 'group tacacs+',
    extra: `tacacs-server host ${ADDR.ha} key ${TACACS_KEY}`,
  },
  start: (lab) =>
    ready(
      lab.spawnIn('ha', 'tacacs', [
        ...projectScript('test/aaa/tacacsServerMain'),
        JSON.stringify({
          host: ADDR.ha,
          port: 49,
          key: TACACS_KEY,
          users: { [AAA_USER.name]: AAA_USER.password },
        }),
      ]),
      'listening on',
      'the TACACS+ test server',
    ),
};

for (const [kind, backend, method, skipIt, rejected] of [
  ['FreeRADIUS', FREERADIUS_BACKEND, 'group radius', skipRadius, /Sent Access-Reject/g],
  ['the TACACS+ test server', TACACS_BACKEND, 'group tacacs\\+', skip, /session FAIL/g],
] as const) {
  describe(
    `interop: XAUTH through ${kind} (${method.replace('\\', '')}) <-> strongSwan client`,
    { skip: skipIt, timeout: 300_000 },
    () => {
      let env: Env;
      before(
        async () =>
          (env = await setUp(
            kind === 'FreeRADIUS' ? 'tsxr' : 'tsxt',
            ['initiate', 'respond'],
            'aaa',
            true,
            backend,
            null,
          )),
      );
      after(async () => env?.lab.destroy());

      it('a wrong password: the server refuses it three times, typeswan says why and deletes the IKE SA', async () => {
        await env.charon.load(client('aaa', AAA_USER.name, 'wrong-password-1', true));
        const up = await env.charon.initiate('aaa-net', 30);
        assert.notEqual(up.code, 0, 'swanctl --initiate must fail');
        assert.ok(
          await until(() => /XAUTH failed for user ciscouser after 3 tries/.test(env.typeswan.log()), 20_000),
          env.typeswan.log().slice(-4000),
        );
        const log = env.typeswan.log();
        for (const t of [1, 2, 3])
          assert.match(
            log,
            new RegExp(`Xauth: user ciscouser refused by ${method} \\([^)]*\\), try ${t}`),
            log.slice(-3000),
          );
        assert.ok(!log.includes('wrong-password-1'), 'the password is in no log line');
        const server = (): string => env.server?.text() ?? '';
        assert.ok(
          await until(() => (server().match(rejected) ?? []).length >= 3, 10_000),
          `${kind} refused three times:\n${server().slice(-3000)}`,
        );
        assert.doesNotMatch(log, /allocating address/);
      });

      it('then the right password: accepted by the server, the pool address, pings from it reach ha', async () => {
        await env.charon.load(client('aaa', AAA_USER.name, AAA_USER.password, true));
        await initiated(env.charon, 'aaa-net', env.typeswan);
        const log = env.typeswan.log();
        assert.match(log, new RegExp(`Xauth: user ciscouser authenticated by ${method}`), log.slice(-3000));
        assert.match(log, /allocating address 10\.1\.10\.1/);
        assert.ok(!log.includes(AAA_USER.password), 'the password is in no log line');
        await pingsFromPoolAddress(env);
      });
    },
  );
}
