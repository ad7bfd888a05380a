// `typeswan client` (the VPN Client of Example 13-20) against `typeswan start` running the
// Concentrator of Example 13-19 (wildcard key, XAUTH from local users, the dynamic map, Mode
// Config from a pool): the client gets a pool address on its TUN, a ping from it reaches the
// host behind the gateway, SIGINT deletes the SAs (the gateway lists it no more) and removes the
// TUN; a wrong password is refused and the client exits 1. AES/SHA-1/group 14 instead of
// DES/MD5 (the client's defaults), the lab's addresses.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ADDR,
  announceSkip,
  interopSkipReason,
  Lab,
  run,
  Typeswan,
  typeswanCommand,
  until,
} from './harness.js';
import { GROUP_KEY, LAB_CONCENTRATOR } from './concentrator.js';
import { concentratorText } from '../ike/remoteAccessLab.js';

/** Group authentication beside the wildcard key: the clients of group vpngroup have their own key. */
const VPNGROUP_KEY = 'vpngroup-key-42';
const CONCENTRATOR = concentratorText({
  ...LAB_CONCENTRATOR,
  extra: `${LAB_CONCENTRATOR.extra}\ncrypto isakmp client configuration group vpngroup\n key ${VPNGROUP_KEY}`,
});

const skip = interopSkipReason({ typeswan: true });
announceSkip('typeswan client <-> typeswan XAUTH/Mode Config gateway', skip);

const CLIENT_CFG = `# Example 13-20
gateway ${ADDR.r1Wan}
key ${GROUP_KEY}
username ciscouser
remote-network 10.1.0.0/24
`;

function quote(address: string): string {
  return address.replace(/\./g, '\\.');
}

/** `typeswan show crypto WHAT` against the client's control socket. */
function clientShow(control: string, what: readonly string[]): ReturnType<typeof run> {
  const [node, ...rest] = typeswanCommand();
  return run(node ?? process.execPath, [...rest, 'show', 'crypto', ...what, '--control', control], {
    timeoutMs: 15_000,
  });
}

describe(
  'interop: typeswan client <-> typeswan XAUTH/Mode Config gateway',
  { skip, timeout: 180_000 },
  () => {
    let lab: Lab;
    let gateway: Typeswan;

    before(async () => {
      lab = await Lab.create({ tag: 'tscl' });
      gateway = await Typeswan.start(lab, 'r1', CONCENTRATOR, 'typeswan-concentrator');
      writeFileSync(join(lab.dir, 'client.cfg'), CLIENT_CFG);
      writeFileSync(
        join(lab.dir, 'group.cfg'),
        `${CLIENT_CFG.replace(`key ${GROUP_KEY}`, `key ${VPNGROUP_KEY}`)}group vpngroup\n`,
      );
    });

    after(async () => {
      await lab?.destroy();
    });

    function client(
      name: string,
      password: string,
      file = 'client.cfg',
    ): { daemon: ReturnType<Lab['spawnIn']>; control: string } {
      const control = join(lab.dir, `${name}.sock`);
      const daemon = lab.spawnIn(
        'r2',
        name,
        [
          ...typeswanCommand(),
          'client',
          '-c',
          join(lab.dir, file),
          '--control',
          control,
          '--tun',
          'tsclient0',
        ],
        { ...process.env, TYPESWAN_PASSWORD: password },
      );
      return { daemon, control };
    }

    it('gets a pool address, pings the protected host from it, and leaves cleanly on SIGINT', async () => {
      const { daemon, control } = client('client-good', 'cisco1234');
      const up = await until(
        () => /Mode Config address 10\.1\.10\.\d+ on tsclient0/.test(daemon.text()),
        30_000,
      );
      assert.ok(up, `client:\n${daemon.text().slice(-4000)}\ngateway:\n${gateway.log().slice(-3000)}`);
      const address = /Mode Config address (10\.1\.10\.\d+)/.exec(daemon.text())?.[1] ?? '';
      const addr = await lab.exec('r2', ['ip', '-4', '-o', 'addr', 'show', 'dev', 'tsclient0']);
      assert.match(addr.stdout, new RegExp(`inet ${address.replace(/\./g, '\\.')}/32`), addr.stdout);
      // No split-include from this gateway: the configured remote network is what is routed.
      const route = await lab.exec('r2', ['ip', '-4', 'route', 'show', 'dev', 'tsclient0']);
      assert.match(route.stdout, /10\.1\.0\.0\/24/, route.stdout);
      assert.ok(!daemon.text().includes('cisco1234'), 'the password is in no log line');
      assert.ok(
        await until(() => /route 10\.1\.10\.\d+\/32 into \S+ added/.test(gateway.log()), 10_000),
        gateway.log().slice(-2000),
      );
      // The first packet starts quick mode when it is not up yet; then all get through.
      await lab.ping('r2', ADDR.ha, 2, 0.5, address);
      const ping = await lab.ping('r2', ADDR.ha, 5, 0.2, address);
      assert.equal(ping.received, 5, `r2 (${address}) -> ha:\n${ping.output}\n${daemon.text().slice(-3000)}`);

      const isakmp = await clientShow(control, ['isakmp', 'sa']);
      assert.match(isakmp.stdout, new RegExp(quote(ADDR.r1Wan)), isakmp.stdout);
      const ipsec = await clientShow(control, ['ipsec', 'sa']);
      assert.match(
        ipsec.stdout,
        new RegExp(
          `local ident \\(addr/mask/prot/port\\): \\(${quote(address)}/255\\.255\\.255\\.255/0/0\\)`,
        ),
        ipsec.stdout,
      );

      const gwBefore = await gateway.cli(['show', 'crypto', 'isakmp', 'sa']);
      assert.ok(gwBefore.stdout.includes(ADDR.r2Wan), gwBefore.stdout);
      const code = await daemon.stop('SIGINT', 8000);
      assert.equal(code, 0, daemon.text().slice(-3000));
      assert.ok(
        await until(
          async () => !(await gateway.cli(['show', 'crypto', 'isakmp', 'sa'])).stdout.includes(ADDR.r2Wan),
          10_000,
        ),
        gateway.log().slice(-3000),
      );
      const link = await lab.exec('r2', ['ip', 'link', 'show', 'tsclient0']);
      assert.notEqual(link.code, 0, `the TUN is gone: ${link.stdout}`);
    });

    it('group authentication: aggressive mode as ID_KEY_ID vpngroup; the gateway takes the group key', async (t) => {
      const { daemon } = client('client-group', 'cisco1234', 'group.cfg');
      t.after(() => daemon.stop('SIGINT', 8000));
      const up = await until(
        () => /Mode Config address 10\.1\.10\.\d+ on tsclient0/.test(daemon.text()),
        30_000,
      );
      assert.ok(up, `client:\n${daemon.text().slice(-4000)}\ngateway:\n${gateway.log().slice(-3000)}`);
      const address = /Mode Config address (10\.1\.10\.\d+)/.exec(daemon.text())?.[1] ?? '';
      assert.match(gateway.log(), /found peer pre-shared key matching vpngroup/, gateway.log().slice(-3000));
      await lab.ping('r2', ADDR.ha, 2, 0.5, address);
      const ping = await lab.ping('r2', ADDR.ha, 5, 0.2, address);
      assert.equal(ping.received, 5, `r2 (${address}) -> ha:\n${ping.output}`);
      assert.equal(await daemon.stop('SIGINT', 8000), 0, daemon.text().slice(-3000));
    });

    it('a wrong password is refused: the client says so and exits 1', async () => {
      const { daemon } = client('client-bad', 'not-the-password');
      const code = await Promise.race([
        daemon.wait(),
        new Promise<number>((r) => setTimeout(() => r(-1), 60_000)),
      ]);
      assert.equal(code, 1, daemon.text().slice(-3000));
      assert.match(daemon.text(), /XAUTH refused by the gateway/, daemon.text().slice(-3000));
      assert.ok(!daemon.text().includes('not-the-password'), 'the password is in no log line');
      assert.ok(
        await until(() => /XAUTH failed for user ciscouser after 3 tries/.test(gateway.log()), 10_000),
        gateway.log().slice(-3000),
      );
      const link = await lab.exec('r2', ['ip', 'link', 'show', 'tsclient0']);
      assert.notEqual(link.code, 0, 'the TUN is gone');
    });
  },
);
