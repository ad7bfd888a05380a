// `typeswan initiate` against strongSwan 5.9.8, in network namespaces: with no traffic at all,
// `typeswan initiate crypto map vpn 10` brings up the IKE SA and the CHILD_SA strongSwan
// lists as INSTALLED, and exits 0; after `clear crypto sa`, `initiate peer` does it again over
// the same IKE SA; `list-sas` shows the negotiated algorithms (aes/sha, esp-aes esp-sha-hmac)
// and strongSwan's SPIs.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ADDR, announceSkip, Charon, interopSkipReason, Lab, Typeswan, until } from './harness.js';
import { childSpis } from './swanctl.js';
import { iosConfig } from './ios.js';
import { strongSwanNetPeer } from './netPeer.js';

const skip = interopSkipReason({ charon: true, typeswan: true });
announceSkip('typeswan initiate -> strongSwan', skip);

const PSK = 'interop-psk-initiate-7Hw'; // test-only pre-shared key, never used outside this lab

describe('interop: typeswan initiate -> strongSwan', { skip, timeout: 300_000 }, () => {
  let lab: Lab;
  let charon: Charon;
  let typeswan: Typeswan;

  before(async () => {
    lab = await Lab.create({ tag: 'tsop-init' });
    charon = await strongSwanNetPeer(lab, PSK);
    const config = iosConfig({
      hostname: 'r1',
      lanAddress: ADDR.r1Lan,
      wanAddress: ADDR.r1Wan,
      peer: ADDR.r2Wan,
      psk: PSK,
      transforms: 'esp-aes esp-sha-hmac',
      acl: '10.1.0.0 0.0.0.255 10.2.0.0 0.0.0.255',
    });
    typeswan = await Typeswan.start(lab, 'r1', config, 'typeswan-initiate');
  });

  after(async () => {
    await typeswan?.stop();
    await charon?.stop();
    await lab?.destroy();
  });

  const logs = (): string =>
    `typeswan:\n${typeswan.log().slice(-3000)}\nstrongSwan:\n${charon.log().slice(-2000)}`;

  it('initiate crypto map vpn 10: strongSwan installs the CHILD_SA, no traffic needed', async () => {
    assert.doesNotMatch(await charon.listSas(), /INSTALLED/, 'nothing up before');
    const up = await typeswan.cli(['initiate', 'crypto', 'map', 'vpn', '10', '--timeout', '30'], 40_000);
    assert.equal(up.code, 0, `${up.stdout}${up.stderr}\n${logs()}`);
    assert.match(up.stdout, /IPsec SA with 192\.0\.2\.2 established/);
    assert.ok(await until(async () => /INSTALLED/.test(await charon.listSas()), 10_000), logs());
    const list = await typeswan.cli(['list-sas', '--json']);
    const data = JSON.parse(list.stdout) as {
      ike: { encryption: string; hash: string }[];
      ipsec: { transform: string; inbound: { spi: number }[]; outbound: { spi: number }[] }[];
    };
    assert.deepEqual(
      data.ike.map((s) => [s.encryption, s.hash]),
      [['aes', 'sha']],
    );
    assert.deepEqual(
      data.ipsec.map((s) => s.transform),
      ['esp-aes esp-sha-hmac'],
    );
    const ours = data.ipsec
      .flatMap((s) => [...s.inbound, ...s.outbound])
      .map((d) => d.spi.toString(16).padStart(8, '0'));
    assert.deepEqual(ours.sort(), childSpis(await charon.listSas()), 'the SPIs strongSwan lists');
  });

  it('after clear crypto sa, initiate peer brings a new CHILD_SA over the same IKE SA', async () => {
    const before = childSpis(await charon.listSas());
    const cleared = await typeswan.cli(['clear', 'crypto', 'sa']);
    assert.equal(cleared.code, 0, cleared.stderr);
    assert.ok(await until(async () => !/INSTALLED/.test(await charon.listSas()), 10_000), logs());
    const up = await typeswan.cli(['initiate', 'peer', ADDR.r2Wan], 40_000);
    assert.equal(up.code, 0, `${up.stdout}${up.stderr}\n${logs()}`);
    assert.ok(await until(async () => /INSTALLED/.test(await charon.listSas()), 10_000), logs());
    const after = childSpis(await charon.listSas());
    assert.equal(after.length, 2);
    assert.notDeepEqual(after, before, 'a new CHILD_SA');
    const session = await typeswan.cli(['sh', 'cry', 'sess']);
    assert.match(session.stdout, /^Session status: UP-ACTIVE$/m);
  });
});
