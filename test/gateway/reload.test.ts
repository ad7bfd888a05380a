// Reloading a running gateway's configuration (SIGHUP, `typeswan reload`) with the real IKE
// manager and data plane on Figure 13-45: an unchanged configuration leaves the tunnel alone
// (same SPIs, counters go on counting); a removed peer's SAs are deleted and the peer hears
// the DELETEs; a configuration with an error keeps the running one and names file:line.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chapterPair } from './chapterPair.js';
import { reloadGateway } from '../../src/gateway/reload.js';
import { EXAMPLE_13_2_RESPONDER } from '../../src/lab/scenarios/chapterPsk.js';

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'typeswan-reload-'));
  const file = join(dir, 'responder.cfg');
  writeFileSync(file, EXAMPLE_13_2_RESPONDER);
  const pair = chapterPair({ seed: 9, rngSeed: 70, startSeconds: 100, files: ['i.cfg', file] });
  const spis = (index: number): number[] =>
    pair.gateways[index]!.ipsecFlows().flatMap((f) =>
      [...f.inboundEsp, ...f.outboundEsp].map((sa) => sa.spi),
    );
  return {
    ...pair,
    file,
    spis,
    rewrite: (text: string) => writeFileSync(file, text),
    done: () => rmSync(dir, { recursive: true, force: true }),
  };
}

test('reload of an unchanged configuration: same SPIs, counters keep counting, no DELETE', (t) => {
  const s = setup();
  t.after(s.done);
  assert.equal(s.ping(), '.!!!!');
  const before = s.spis(1);
  assert.equal(before.length, 2);
  const result = reloadGateway(s.gateways[1]!, s.file);
  assert.deepEqual(result, { ok: true, text: `${s.file}: configuration reloaded`, warnings: [] });
  s.net.scheduler.run(s.net.scheduler.now() + 1);
  assert.deepEqual(s.spis(1), before);
  assert.deepEqual(s.spis(0).sort(), [...before].sort());
  assert.equal(s.ping(), '!!!!!', 'the tunnel carries on: no new negotiation');
  assert.equal(s.gateways[1]!.ipsecFlows()[0]!.counters.decaps, 9);
  assert.equal(s.gateways[1]!.ipsecFlows()[0]!.counters.encaps, 9);
  assert.ok(!s.events.some((e) => e.endsWith(' deleteReceived')));
  assert.ok(s.events.includes('Responder configReloaded'));
});

test('reload without the peer deletes its SAs and tells the peer; a new peer is served', (t) => {
  const s = setup();
  t.after(s.done);
  assert.equal(s.ping(), '.!!!!');
  s.rewrite(EXAMPLE_13_2_RESPONDER.replace(' set peer 172.16.172.10', ' set peer 172.16.172.30'));
  const result = reloadGateway(s.gateways[1]!, s.file);
  assert.equal(result.ok, true, JSON.stringify(result));
  assert.match(
    result.ok ? result.text : '',
    /configuration reloaded; 2 IPsec SA\(s\) of removed entries or peers deleted/,
  );
  s.net.scheduler.run(s.net.scheduler.now() + 1);
  assert.deepEqual(s.spis(1), [], 'the responder deleted its SAs');
  assert.deepEqual(s.gateways[1]!.isakmpSas(), [], 'and its IKE SA');
  assert.ok(s.events.includes('Initiator deleteReceived'), 'the peer heard the DELETE');
  assert.deepEqual(s.spis(0), [], 'the peer removed its SAs too');
  assert.equal(s.gateways[1]!.policy[0]!.rule.peer, '172.16.172.30', 'the SPD follows the new map');
});

test("a reload answers with the new configuration's warnings, the inert policy's line among them", (t) => {
  const s = setup();
  t.after(s.done);
  assert.equal(s.ping(), '.!!!!');
  s.rewrite(
    EXAMPLE_13_2_RESPONDER.replace(
      ' authentication pre-share\n',
      ' authentication pre-share\ncrypto isakmp policy 5\n authentication rsa-encr\n',
    ),
  );
  const result = reloadGateway(s.gateways[1]!, s.file);
  assert.deepEqual(result, {
    ok: true,
    text: `${s.file}: configuration reloaded`,
    warnings: [
      `${s.file}:7: policy 5 (rsa-encr) is inert: RSA encrypted nonces need the peer's public key in \`crypto key pubkey-chain rsa\`, and there is none`,
    ],
  });
});

test('a reload with an error keeps the running configuration and names file:line', (t) => {
  const s = setup();
  t.after(s.done);
  assert.equal(s.ping(), '.!!!!');
  const running = s.gateways[1]!.config;
  const before = s.spis(1);
  s.rewrite(EXAMPLE_13_2_RESPONDER.replace(' encr 3des', ' encr 3dez'));
  const result = reloadGateway(s.gateways[1]!, s.file);
  assert.equal(result.ok, false);
  assert.ok(!result.ok && result.error.startsWith(`${s.file}:4:`), !result.ok ? result.error : '');
  assert.equal(s.gateways[1]!.config, running);
  assert.deepEqual(s.spis(1), before);
  assert.equal(s.ping(), '!!!!!');
});

test('a reload that moves IKE to another local address is refused: the sockets are bound at start', (t) => {
  const s = setup();
  t.after(s.done);
  s.rewrite(EXAMPLE_13_2_RESPONDER.replace(' ip address 172.16.172.20', ' ip address 172.16.172.21'));
  const result = reloadGateway(s.gateways[1]!, s.file);
  assert.deepEqual(result, {
    ok: false,
    error: `${s.file}: IKE would move from 172.16.172.20 to 172.16.172.21; the sockets are bound at start: restart typeswan for that`,
  });
});

test('a reader that fails in an unexpected way keeps the running configuration too', (t) => {
  const s = setup();
  t.after(s.done);
  const running = s.gateways[1]!.config;
  const result = reloadGateway(s.gateways[1]!, s.file, () => {
    throw new RangeError('offset out of range');
  });
  assert.deepEqual(result, { ok: false, error: `${s.file}: offset out of range` });
  assert.equal(s.gateways[1]!.config, running);
});

test('reload reads the key store again: the keys go to the engine, their warnings with the answer', (t) => {
  const s = setup();
  t.after(s.done);
  assert.equal(s.ping(), '.!!!!');
  const seen: string[] = [];
  const result = reloadGateway(s.gateways[1]!, s.file, undefined, (config) => {
    seen.push(config.hostname);
    return {
      keys: { signingKeys: new Map(), decryptionKeys: [] },
      warnings: ['rsa-encr: no key pair /keys/Responder.pem (or Responder.encr.pem)'],
    };
  });
  assert.deepEqual(seen, ['Responder']);
  assert.deepEqual(result, {
    ok: true,
    text: `${s.file}: configuration reloaded`,
    warnings: ['rsa-encr: no key pair /keys/Responder.pem (or Responder.encr.pem)'],
  });
});
