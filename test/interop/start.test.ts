// `typeswan start` on a real host, alone in a namespace: binding by address (and the error that
// names interface and address), the TUN device and its routes, the forwarding warning, and the
// clean exit on SIGTERM that removes them again.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ADDR, announceSkip, interopSkipReason, Lab, Typeswan, until } from './harness.js';
import { iosConfig } from './ios.js';

const skip = interopSkipReason({ charon: false, typeswan: true });
announceSkip('typeswan start', skip);

const config = (wanAddress: string): string =>
  iosConfig({
    hostname: 'r1',
    lanAddress: ADDR.r1Lan,
    wanAddress,
    peer: ADDR.r2Wan,
    psk: 'start-psk',
    transforms: 'esp-aes esp-sha-hmac',
    acl: '10.1.0.0 0.0.0.255 10.2.0.0 0.0.0.255',
  });

describe('typeswan start (Linux, root)', { skip, timeout: 60_000 }, () => {
  let lab: Lab;

  before(async () => {
    lab = await Lab.create({ tag: 'st' });
  });
  after(async () => {
    await lab?.destroy();
  });

  it('routes the remote protected network into its TUN and removes both on SIGTERM (exit 0)', async () => {
    // An rsa-sig policy beside the pre-share one is inert without a router certificate: start
    // and each reload say so.
    const withInert = config(ADDR.r1Wan).replace(
      '!\ncrypto isakmp key',
      'crypto isakmp policy 5\n authentication rsa-sig\n!\ncrypto isakmp key',
    );
    const t = await Typeswan.start(lab, 'r1', withInert, 'st-ok', ['--tun', 'tswst0']);
    const inert = `typeswan: warning: ${t.configFile}:7: policy 5 (rsa-sig) is inert: RSA signatures need a router certificate in \`crypto ca certificate chain\`, and there is none`;
    assert.equal(t.log().split(inert).length - 1, 1, t.log());
    t.daemon.child.kill('SIGHUP');
    assert.ok(await until(() => t.log().split(inert).length - 1 === 2, 5000), t.log());
    const routes = (await lab.exec('r1', ['ip', 'route', 'show', '10.2.0.0/24'])).stdout;
    assert.match(routes, /10\.2\.0\.0\/24 dev tswst0/);
    assert.match((await lab.exec('r1', ['ip', 'link', 'show', 'tswst0'])).stdout, /UP/);
    assert.match(t.log(), /r1-wan 192\.0\.2\.1/);
    assert.equal(await t.stop(), 0);
    assert.equal((await lab.exec('r1', ['ip', 'route', 'show', '10.2.0.0/24'])).stdout.trim(), '');
    assert.notEqual(
      (await lab.exec('r1', ['ip', 'link', 'show', 'tswst0'])).code,
      0,
      'the TUN device is still there',
    );
  });

  it('names the configured interface and address when no Linux interface holds it (exit 1)', async () => {
    await assert.rejects(
      Typeswan.start(lab, 'r1', config('203.0.113.77'), 'st-missing'),
      /exit 1\):\ntypeswan: interface Ethernet1\/0 has IPv4 address 203\.0\.113\.77, but no Linux interface holds 203\.0\.113\.77/,
    );
  });

  it('warns when IPv4 forwarding is off', async () => {
    await lab.sysctl('r1', 'net.ipv4.ip_forward=0');
    try {
      const t = await Typeswan.start(lab, 'r1', config(ADDR.r1Wan), 'st-fwd');
      assert.match(t.log(), /warning: IPv4 forwarding is off/);
      assert.equal(await t.stop(), 0);
    } finally {
      await lab.sysctl('r1', 'net.ipv4.ip_forward=1');
    }
  });
});
