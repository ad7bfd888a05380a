// IOS 15 IKEv2 configurations (test/fixtures/configs/ikev2/r1.cfg, r2.cfg) read into the model
// and into engine peers; two engines built from them negotiate, and `show crypto ikev2 sa`
// prints IOS 15's layout.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseConfig, planRun, validateConfigModel } from '../../src/config/index.js';
import { ikev2Peers, Ikev2ConfigError } from '../../src/ikev2/fromConfig.js';
import { formatIkev2Sa } from '../../src/observe/ikev2Show.js';
import { Encr, Integ, Prf, TransformType } from '../../src/wire/ikev2/index.js';
import { fixture } from '../util/fixtures.js';
import { Pair } from './pair.js';

const text = (name: string): string => readFileSync(fixture(`configs/ikev2/${name}`), 'utf8');

test('the IOS 15 IKEv2 commands read into the model, and the model survives JSON', () => {
  const config = parseConfig(text('r1.cfg'), 'r1.cfg');
  const v2 = config.ikev2;
  assert.ok(v2);
  assert.deepEqual(v2.proposals[0]?.encryption, ['aes-cbc-256', 'aes-cbc-128']);
  assert.deepEqual(v2.proposals[0]?.groups, [14, 19]);
  assert.deepEqual(v2.policies[0]?.proposals, ['PROP-1']);
  assert.equal(v2.keyrings[0]?.peers[0]?.address, '192.0.2.2');
  assert.equal(v2.keyrings[0]?.peers[0]?.localKey, 'r1-to-r2-key');
  assert.equal(v2.keyrings[0]?.peers[0]?.remoteKey, 'r2-to-r1-key');
  assert.deepEqual(v2.profiles[0]?.matchRemote, [
    { kind: 'address', address: '192.0.2.2', mask: '255.255.255.255' },
  ]);
  assert.deepEqual(v2.profiles[0]?.authenticationRemote, ['pre-share']);
  assert.equal(v2.profiles[0]?.lifetimeSeconds, 28800);
  assert.equal(config.cryptoMaps[0]?.ikev2Profile, 'PROF-1');
  const back = validateConfigModel(JSON.parse(JSON.stringify(config)), 'r1.json');
  assert.deepEqual(back.ikev2, config.ikev2);
});

test('a crypto map entry with set ikev2-profile is one engine peer', () => {
  const [p] = ikev2Peers(parseConfig(text('r1.cfg'), 'r1.cfg'));
  assert.ok(p);
  assert.equal(p.localAddress, '192.0.2.1');
  assert.equal(p.remoteAddress, '192.0.2.2');
  assert.equal(new TextDecoder().decode(p.localKey), 'r1-to-r2-key');
  assert.equal(p.selector.localStart, '10.1.0.0');
  assert.equal(p.selector.remoteEnd, '10.2.0.255');
  assert.equal(p.ikeLifetimeSeconds, 28800);
  const ike = p.ikeProposals[0]?.transforms.map((t) => `${t.transformType}:${t.transformId}`);
  assert.deepEqual(ike, [
    `${TransformType.ENCR}:${Encr.AES_CBC}`,
    `${TransformType.ENCR}:${Encr.AES_CBC}`,
    `${TransformType.PRF}:${Prf.HMAC_SHA2_256}`,
    `${TransformType.INTEG}:${Integ.HMAC_SHA2_256_128}`,
    `${TransformType.DH}:14`,
    `${TransformType.DH}:19`,
  ]);
  assert.equal(p.childProposals[0]?.transforms[0]?.attributes[0]?.value, 256);
});

test('a profile or a key that is not there is an error naming it', () => {
  const noKey = text('r1.cfg').replace('  address 192.0.2.2', '  address 192.0.2.99');
  assert.throws(
    () => ikev2Peers(parseConfig(noKey, 'r1.cfg')),
    (e: unknown) => e instanceof Ikev2ConfigError && /no pre-shared-key for peer 192.0.2.2/.test(e.message),
  );
  const noProfile = text('r1.cfg').replace('set ikev2-profile PROF-1', 'set ikev2-profile NOPE');
  assert.throws(
    () => parseConfig(noProfile, 'r1.cfg'),
    /r1.cfg:32:20: crypto map VPN 10 names IKEv2 profile "NOPE", which is not defined/,
  );
  assert.throws(
    () => parseConfig(text('r1.cfg').replace('group 14 19', 'group 14 99'), 'r1.cfg'),
    /Diffie-Hellman group/,
  );
});

test('two engines from the two configurations negotiate, and show crypto ikev2 sa prints READY', () => {
  const [r1] = ikev2Peers(parseConfig(text('r1.cfg'), 'r1.cfg'));
  const [r2] = ikev2Peers(parseConfig(text('r2.cfg'), 'r2.cfg'));
  assert.ok(r1 && r2);
  const pair = new Pair(r1, r2);
  pair.run('r1', pair.r1.engine.initiate('192.0.2.2', 0));
  assert.equal(pair.r1.installed.length, 1, pair.r1.log.concat(pair.r2.log).join('\n'));
  assert.equal(pair.r2.installed.length, 1);
  pair.now = 17;
  const shown = formatIkev2Sa(pair.r1.engine.list(pair.now));
  assert.equal(
    shown,
    [
      ' IPv4 Crypto IKEv2  SA ',
      '',
      'Tunnel-id Local                 Remote                fvrf/ivrf            Status ',
      '1         192.0.2.1/500         192.0.2.2/500         none/none            READY',
      '      Encr: AES-CBC, keysize: 256, PRF: SHA256, Hash: SHA256, DH Grp:14, Auth sign: PSK, Auth verify: PSK',
      '      Life/Active Time: 28800/17 sec',
      '',
      ' IPv6 Crypto IKEv2  SA ',
      '',
      '',
    ].join('\n'),
  );
});

test('check and start refuse an IKEv2 entry that does not resolve, naming the line', () => {
  const good = planRun(parseConfig(text('r1.cfg'), 'r1.cfg'));
  assert.deepEqual(good.refused, []);
  const noKey = planRun(
    parseConfig(text('r1.cfg').replace('  address 192.0.2.2', '  address 192.0.2.99'), 'r1.cfg'),
  );
  assert.deepEqual(
    noKey.refused.map((r) => `${r.line}: ${r.command}: ${r.reason}`),
    ['11: crypto ikev2 keyring KR-1: no pre-shared-key for peer 192.0.2.2'],
  );
  const rsa = planRun(
    parseConfig(
      text('r1.cfg').replace('authentication remote pre-share', 'authentication remote rsa-sig'),
      'r1.cfg',
    ),
  );
  assert.match(rsa.refused[0]?.reason ?? '', /rsa-sig is not run for IKEv2 yet/);
  assert.throws(
    () => parseConfig(text('r1.cfg').replace('keyring local KR-1', 'keyring local KR-9'), 'r1.cfg'),
    /r1.cfg:22:16: crypto ikev2 profile PROF-1 names keyring "KR-9", which is not defined/,
  );
  assert.throws(
    () => parseConfig(text('r1.cfg').replace('\n proposal PROP-1', '\n proposal PROP-9'), 'r1.cfg'),
    /names proposal "PROP-9", which is not defined/,
  );
});
