// Reloading typeswan's configuration against strongSwan 5.9.8 in network namespaces: SIGHUP
// with an unchanged configuration keeps the daemon and the tunnel (same SPIs, counters keep
// counting); a configuration with an error is refused with its file:line (`typeswan reload`
// exits 2) and the tunnel carries on; a configuration without the peer deletes its SAs, and
// strongSwan's `swanctl --list-sas` shows them gone.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { ADDR, announceSkip, interopSkipReason, type Charon, Lab, Typeswan, until } from './harness.js';
import { childSpis } from './swanctl.js';
import { iosConfig } from './ios.js';
import { checkPingsAndCounters, ipsecCounters, triggerFromHa } from './scenario.js';
import { strongSwanNetPeer } from './netPeer.js';

const skip = interopSkipReason({ charon: true, typeswan: true });
announceSkip('typeswan reload <-> strongSwan', skip);

const PSK = 'interop-psk-reload-3kQ';

describe('interop: typeswan reload <-> strongSwan', { skip, timeout: 300_000 }, () => {
  let lab: Lab;
  let charon: Charon;
  let typeswan: Typeswan;
  let config: string;

  before(async () => {
    lab = await Lab.create({ tag: 'rl' });
    charon = await strongSwanNetPeer(lab, PSK);
    config = iosConfig({
      hostname: 'r1',
      lanAddress: ADDR.r1Lan,
      wanAddress: ADDR.r1Wan,
      peer: ADDR.r2Wan,
      psk: PSK,
      transforms: 'esp-aes esp-sha-hmac',
      acl: '10.1.0.0 0.0.0.255 10.2.0.0 0.0.0.255',
    });
    typeswan = await Typeswan.start(lab, 'r1', config, 'typeswan-reload');
    assert.ok(await triggerFromHa(lab), `no tunnel:\n${typeswan.log().slice(-3000)}`);
  });

  after(async () => {
    await lab?.destroy();
  });

  it('SIGHUP with an unchanged configuration: daemon alive, same SPIs, counters keep counting', async () => {
    const spis = childSpis(await charon.listSas());
    assert.equal(spis.length, 2, await charon.listSas());
    const before = await ipsecCounters(typeswan);
    typeswan.daemon.child.kill('SIGHUP');
    assert.ok(
      await until(() => /SIGHUP: .*configuration reloaded/.test(typeswan.log()), 5000),
      typeswan.log().slice(-2000),
    );
    assert.ok(typeswan.daemon.running, 'SIGHUP killed the daemon');
    await checkPingsAndCounters(lab, typeswan);
    const after = await ipsecCounters(typeswan);
    assert.ok(after.encaps >= before.encaps + 5, 'counters went on from where they were');
    assert.deepEqual(childSpis(await charon.listSas()), spis, 'the same CHILD_SA on strongSwan');
  });

  it('a configuration with an error: reload exits 2 naming file:line, the tunnel carries on', async () => {
    writeFileSync(typeswan.configFile, config.replace(' encr aes', ' encr aez'));
    const result = await typeswan.cli(['reload']);
    assert.equal(result.code, 2, result.stdout + result.stderr);
    assert.match(result.stderr, new RegExp(`${typeswan.configFile}:3:`));
    typeswan.daemon.child.kill('SIGHUP');
    assert.ok(
      await until(() => /SIGHUP: .*\.cfg:3:.*keeping the running configuration/.test(typeswan.log()), 5000),
      typeswan.log().slice(-2000),
    );
    assert.ok(typeswan.daemon.running);
    await checkPingsAndCounters(lab, typeswan);
  });

  it('a configuration without the peer deletes its SAs; strongSwan lists them gone', async () => {
    writeFileSync(typeswan.configFile, config.replaceAll(ADDR.r2Wan, '192.0.2.99'));
    assert.match(readFileSync(typeswan.configFile, 'utf8'), /set peer 192\.0\.2\.99/);
    const result = await typeswan.cli(['reload']);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const gone = await until(async () => !/ts: #\d+/.test(await charon.listSas()), 10_000);
    assert.ok(
      gone,
      `strongSwan still lists:\n${await charon.listSas()}\ntypeswan:\n${typeswan.log().slice(-2000)}`,
    );
    assert.equal((await ipsecCounters(typeswan)).outboundSpis, 0);
    assert.ok(typeswan.daemon.running);
  });
});
