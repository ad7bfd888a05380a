// strongSwan 5.9.8 as an IKEv1 XAUTH client (auth = psk, then xauth-generic; `vips = 0.0.0.0`
// pulls a Mode Config address) against typeswan running the Concentrator of Example 13-19:
// the wildcard key, `aaa authentication login xauth local` with a local user, the dynamic map,
// `client configuration address initiate` + `respond` and the pool. The address comes from the
// pool, a ping from it reaches the host behind typeswan, the reply goes back through the
// tunnel; a wrong password is asked again, refused after three tries, and the log says why.
// With `initiate` alone typeswan pushes the address (SET/ACK) to a strongSwan with `pull = no`.
// Departures from the example: AES/SHA-1/group 14 instead of DES/MD5/group 1 (Debian's
// strongSwan has no DES), and the addresses of the lab.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ADDR, announceSkip, Charon, interopSkipReason, Lab, Typeswan, until } from './harness.js';
import { swanctlConf } from './swanctl.js';
import { concentratorText } from '../ike/remoteAccessLab.js';
import { GROUP_KEY, LAB_CONCENTRATOR } from './concentrator.js';

const skip = interopSkipReason({ charon: true, typeswan: true });
announceSkip('typeswan XAUTH/Mode Config gateway <-> strongSwan client', skip);

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

/** typeswan as the Concentrator in r1 with these `client configuration` modes, charon in r2. */
async function setUp(
  tag: string,
  modes: readonly ('initiate' | 'respond')[],
  name: string,
  pull: boolean,
): Promise<{ lab: Lab; charon: Charon; typeswan: Typeswan }> {
  const lab = await Lab.create({ tag });
  const typeswan = await Typeswan.start(
    lab,
    'r1',
    concentratorText({ ...LAB_CONCENTRATOR, modes }),
    `typeswan-${name}`,
  );
  const charon = await Charon.start(lab, 'r2', name);
  await charon.load(client(name, 'ciscouser', 'cisco1234', pull));
  return { lab, charon, typeswan };
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
      const listed = await env.charon.listSas();
      assert.match(listed, /\[10\.1\.10\.1\]/, `strongSwan's virtual IP:\n${listed}`);
      assert.match(listed, /local\s+10\.1\.10\.1\/32\s+remote\s+10\.1\.0\.0\/24/, listed);
      assert.ok(
        await until(() => /route 10\.1\.10\.1\/32 into \S+ added/.test(env.typeswan.log()), 5000),
        env.typeswan.log().slice(-2000),
      );
      const ping = await env.lab.ping('r2', ADDR.ha, 5, 0.2, '10.1.10.1');
      assert.equal(
        ping.received,
        5,
        `r2 (10.1.10.1) -> ha:\n${ping.output}\n${env.typeswan.log().slice(-2000)}`,
      );
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
