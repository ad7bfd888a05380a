// `typeswan lab` through the built binary, as a user runs it on a fresh clone.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliMissing, runTypeswan } from './runCli.js';
import { fixture } from '../util/fixtures.js';
import { assertInOrder } from '../util/inOrder.js';

const missing = cliMissing();

test(
  'typeswan lab: the chapter case study, debug trace, IOS ping, show output; exit 0',
  { skip: missing },
  () => {
    const run = runTypeswan(['lab']);
    assert.equal(run.status, 0, run.stderr);
    const out = run.stdout;
    const sections = [
      'typeswan lab psk: Router-to-router IPsec with pre-shared keys',
      'host-Initiator#ping 10.1.2.2',
      'Type escape sequence to abort.',
      'Sending 5, 100-byte ICMP Echos to 10.1.2.2, timeout is 2 seconds:',
      'Initiator: 00:04:10: ',
      'Responder: 00:04:10: ',
      '\n.!!!!\n',
      'Success rate is 80 percent (4/5), round-trip min/avg/max = ',
      'Initiator#show crypto isakmp sa\ndst          src          state          conn-id    slot\n172.16.172.20 172.16.172.10 QM_IDLE        1          0\n',
      'Initiator#show crypto ipsec sa\n',
      'Responder#show crypto isakmp sa\ndst          src          state          conn-id    slot\n172.16.172.10 172.16.172.20 QM_IDLE        1          0\n',
      'Responder#show crypto ipsec sa\n',
      '  #pkts encaps: 4, #pkts encrypt: 4, #pkts digest 4\n  #pkts decaps: 4, #pkts decrypt: 4, #pkts verify 4\n',
      'lab: PASS',
    ];
    assertInOrder(out, sections);
  },
);

test('typeswan lab --list names the scenarios', { skip: missing }, () => {
  const run = runTypeswan(['lab', '--list']);
  assert.equal(run.status, 0);
  assert.deepEqual(
    run.stdout
      .trim()
      .split('\n')
      .map((l) => l.split(/\s+/)[0]),
    [
      'psk',
      'aggressive',
      'nat-t',
      'rsa-sig',
      'one-to-many',
      'remote-access',
      'pix',
      'ted',
      'l2tp',
      'rsa-encr',
      'gre-ha',
      'nat-bypass',
    ],
  );
});

test(
  'typeswan lab remote-access and pix exit 0 (XAUTH settles in the asynchronous runner)',
  { skip: missing },
  () => {
    for (const name of ['remote-access', 'pix']) {
      const run = runTypeswan(['lab', name, '--no-debug']);
      assert.equal(run.status, 0, `${name}: ${run.stdout.slice(-800)}`);
      assert.match(run.stdout, /lab: PASS/);
      assert.match(run.stdout, /#show ip local pool/);
    }
  },
);

test('typeswan lab one-to-many, aggressive, nat-t, ted, l2tp and gre-ha exit 0', { skip: missing }, () => {
  for (const name of ['one-to-many', 'aggressive', 'nat-t', 'ted', 'l2tp', 'gre-ha']) {
    const run = runTypeswan(['lab', name, '--no-debug']);
    assert.equal(run.status, 0, `${name}: ${run.stderr}`);
    assert.match(run.stdout, /lab: PASS/);
  }
});

test(
  'typeswan lab nat-bypass exits 0: VPN traffic untranslated through ESP, Internet traffic translated',
  { skip: missing },
  () => {
    const run = runTypeswan(['lab', 'nat-bypass', '--no-debug']);
    assert.equal(run.status, 0, run.stdout.slice(-1500));
    assert.match(run.stdout, /lab: PASS/);
    // the problem first: translated by the static entry, so in the clear
    assert.match(
      run.stdout,
      /WAN saw 5 echo requests 100\.1\.1\.3 -> 10\.1\.2\.2 in the clear, ESP encaps 0/,
    );
    assert.match(
      run.stdout,
      /10\.1\.2\.2 saw 4 echo requests from 10\.1\.1\.2 \(untranslated, through ESP: encaps 4, decaps 4\); in the clear on the WAN 0: ok/,
    );
    assert.match(run.stdout, /icmp 1\.1\.1\.2:1 +10\.1\.1\.3:1 +1\.1\.1\.100:1 +1\.1\.1\.100:1/);
    assert.match(run.stdout, /--- 100\.1\.1\.3 +10\.1\.1\.2 +--- +---/);
  },
);

test('typeswan lab --loss 20 still passes (seeded)', { skip: missing }, () => {
  const run = runTypeswan(['lab', '--loss', '20', '--count', '10', '--no-debug']);
  assert.equal(run.status, 0, run.stdout.slice(-500));
  assert.match(run.stdout, /WAN loss 20 %/);
});

test(
  'typeswan lab --config A --config B runs the user pair; a broken config exits 2 with file:line',
  { skip: missing },
  () => {
    const ok = runTypeswan([
      'lab',
      '--config',
      fixture('chapter/example-13-01.cfg'),
      '--config',
      fixture('chapter/example-13-02.cfg'),
      '--no-debug',
    ]);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /lab: PASS/);
    const dir = mkdtempSync(join(tmpdir(), 'typeswan-lab-'));
    try {
      const bad = join(dir, 'bad.cfg');
      writeFileSync(bad, 'hostname bad\ncrypto isakmp policy 1\n hash sha7\n');
      const run = runTypeswan(['lab', '--config', bad, '--config', fixture('chapter/example-13-02.cfg')]);
      assert.equal(run.status, 2);
      assert.match(run.stderr, /bad\.cfg:3:\d+: /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test(
  'typeswan lab: unknown scenario and bad --loss are usage errors (2); --help is 0',
  { skip: missing },
  () => {
    assert.equal(runTypeswan(['lab', 'nonesuch']).status, 2);
    assert.equal(runTypeswan(['lab', '--loss', 'lots']).status, 2);
    assert.equal(runTypeswan(['lab', '--config', fixture('chapter/example-13-01.cfg')]).status, 2);
    const help = runTypeswan(['lab', '--help']);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /one-to-many/);
  },
);

test('typeswan lab --hold 1 keeps the triggering echo until the SA is up: !!!!!', { skip: missing }, () => {
  const run = runTypeswan(['lab', '--hold', '1', '--no-debug']);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /\n!!!!!\nSuccess rate is 100 percent \(5\/5\)/);
  assert.match(run.stdout, /#pkts encaps: 5, #pkts encrypt: 5, #pkts digest 5/);
});

test(
  'typeswan lab --config on configurations the gateway cannot run yet: exit 2 naming file:line and command',
  { skip: missing },
  () => {
    // Examples 13-10/13-11 (encrypted nonces) and 13-7/13-8 (RSA signatures) start, but their
    // routers' private keys are not in the printed configurations: phase 1 fails (exit 1).
    const nonces = runTypeswan([
      'lab',
      '--config',
      fixture('chapter/example-13-10.cfg'),
      '--config',
      fixture('chapter/example-13-11.cfg'),
    ]);
    assert.equal(nonces.status, 1);
    assert.match(nonces.stdout + nonces.stderr, /AUTHENTICATION_FAILED .*rsa-encr: no key store/);
    const certificates = runTypeswan([
      'lab',
      '--config',
      fixture('chapter/example-13-07.cfg'),
      '--config',
      fixture('chapter/example-13-08.cfg'),
    ]);
    assert.equal(certificates.status, 1);
    assert.match(certificates.stdout + certificates.stderr, /AUTHENTICATION_FAILED .*no key store/);
  },
);
