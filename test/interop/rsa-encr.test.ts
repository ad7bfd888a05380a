// RSA encrypted nonces (RFC 2409 §5.2, and §5.3's revised mode) between two typeswan daemons
// on a real kernel, in network namespaces: no open-source peer implements these modes. The
// configurations follow Examples 13-10/13-11: `crypto isakmp identity hostname`, `ip host`
// for the peer, its public key as a named-key in `crypto key pubkey-chain rsa`, group 2, the
// chapter's ah-sha-hmac esp-des esp-sha-hmac; each router's key pair is in its --keystore as
// hostname.ip-domain-name.pem. r1 initiates (main or aggressive mode), r2 responds.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { join } from 'node:path';
import { ADDR, announceSkip, interopSkipReason, Lab, Typeswan } from './harness.js';
import { iosConfig } from './ios.js';
import { checkPingsAndCounters, triggerFromHa } from './scenario.js';
import { writeKeyPair } from '../../src/pki/keystore.js';
import { keyStringText } from '../../src/lab/scenarios/rsaEncr.js';

const skip = interopSkipReason({ charon: false, typeswan: true });
announceSkip('typeswan <-> typeswan rsa-encr', skip);

function encrConfig(
  o: { hostname: string; lan: string; wan: string; peer: string; peerName: string; acl: string },
  peerKey: KeyObject,
  method: string,
): string {
  const base = iosConfig({
    hostname: o.hostname,
    lanAddress: o.lan,
    wanAddress: o.wan,
    peer: o.peer,
    psk: 'unused',
    acl: o.acl,
    transforms: 'ah-sha-hmac esp-des esp-sha-hmac',
    isakmp: { encr: 'des', hash: 'sha', group: 2 },
  })
    .replace(' authentication pre-share', ` authentication ${method}`)
    .replace(/^crypto isakmp key .*$/m, '!');
  return `${base}ip host ${o.peerName} ${o.peer}
ip domain-name lab.example
crypto isakmp identity hostname
crypto key pubkey-chain rsa
 named-key ${o.peerName}
  key-string
${keyStringText(peerKey)}
  quit
!
`;
}

describe('interop: typeswan <-> typeswan with RSA encrypted nonces', { skip, timeout: 300_000 }, () => {
  let lab: Lab;
  const r1Key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const r2Key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;

  before(async () => {
    lab = await Lab.create({ tag: 'rn' });
  });
  after(async () => {
    await lab?.destroy();
  });

  for (const [method, aggressive] of [
    ['rsa-encr', false],
    ['rsa-encr', true],
    ['rsa-encr revised', false],
    ['rsa-encr revised', true],
  ] as const)
    it(`${method}, ${aggressive ? 'aggressive' : 'main'} mode: r1 initiates, r2 responds, traffic crosses`, async () => {
      const name = `${method.replace(' ', '-')}-${aggressive ? 'am' : 'mm'}`;
      const keys1 = join(lab.dir, `${name}-keys-r1`);
      const keys2 = join(lab.dir, `${name}-keys-r2`);
      writeKeyPair(keys1, 'r1.lab.example', r1Key);
      writeKeyPair(keys2, 'r2.lab.example', r2Key);
      const c1 = encrConfig(
        {
          hostname: 'r1',
          lan: ADDR.r1Lan,
          wan: lab.r1Wan,
          peer: ADDR.r2Wan,
          peerName: 'r2.lab.example',
          acl: '10.1.0.0 0.0.0.255 10.2.0.0 0.0.0.255',
        },
        r2Key,
        method,
      );
      const c2 = encrConfig(
        {
          hostname: 'r2',
          lan: ADDR.r2Lan,
          wan: ADDR.r2Wan,
          peer: lab.r1Public,
          peerName: 'r1.lab.example',
          acl: '10.2.0.0 0.0.0.255 10.1.0.0 0.0.0.255',
        },
        r1Key,
        method,
      );
      const r2 = await Typeswan.start(lab, 'r2', c2, `${name}-r2`, ['--keystore', keys2]);
      const r1 = await Typeswan.start(lab, 'r1', c1, `${name}-r1`, [
        '--keystore',
        keys1,
        ...(aggressive ? ['--aggressive'] : []),
      ]);
      let exits: number[] = [];
      try {
        assert.ok(
          await triggerFromHa(lab),
          `no tunnel:\nr1:\n${r1.log().slice(-2500)}\nr2:\n${r2.log().slice(-2500)}`,
        );
        await checkPingsAndCounters(lab, r1);
        const sas = await r2.cli(['show', 'crypto', 'isakmp', 'sa']);
        assert.match(sas.stdout, /QM_IDLE/);
        const chain = await r2.cli(['show', 'crypto', 'key', 'pubkey-chain', 'rsa']);
        assert.match(chain.stdout, /^M {4}General {6}\s+r1\.lab\.example$/m);
      } finally {
        exits = [await r1.stop(), await r2.stop()];
      }
      assert.deepEqual(exits, [0, 0]);
    });
});
