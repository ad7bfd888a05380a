// `typeswan check -c FILE [--json]` through the built binary.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliMissing, runTypeswan } from './runCli.js';
import { fixture } from '../util/fixtures.js';

const missing = cliMissing();

test(
  'check on Example 13-1 prints policies, keys by peer, transform sets, map entries with ACLs; exit 0',
  { skip: missing },
  () => {
    const run = runTypeswan(['check', '-c', fixture('chapter/example-13-01.cfg')]);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /IOS configuration of Initiator: OK/);
    assert.match(
      run.stdout,
      /Protection suite of priority 1\n {2}\tencryption algorithm:\tThree key triple DES/,
    );
    assert.match(run.stdout, /address 172\.16\.172\.20: key of 15 characters/);
    assert.doesNotMatch(run.stdout, /jw4ep9846804ijl/, 'the key itself is never printed');
    assert.match(run.stdout, /myset: \{ esp-3des esp-md5-hmac \} tunnel/);
    assert.match(
      run.stdout,
      /crypto map vpn on Ethernet1\/0 172\.16\.172\.10\n {4}10: peer 172\.16\.172\.20; transform-set myset/,
    );
    assert.match(run.stdout, /access-list 101 permit ip 10\.1\.1\.0 0\.0\.0\.255 10\.1\.2\.0 0\.0\.0\.255/);
  },
);

test('check on a terminal capture lists ignored lines once (Example 13-13)', { skip: missing }, () => {
  const run = runTypeswan(['check', '-c', fixture('chapter/example-13-13.cfg')]);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /Ignored lines \(not about IPsec\): [1-9]\d*/);
  assert.match(run.stdout, /crypto map combined on Serial0/);
  assert.match(run.stdout, /20: peer 100\.228\.202\.154/);
  assert.match(run.stdout, /30: peer 200\.154\.17\.130/);
});

test('check --json prints the model with secrets redacted', { skip: missing }, () => {
  const run = runTypeswan(['check', '-c', fixture('chapter/example-13-02.cfg'), '--json']);
  assert.equal(run.status, 0, run.stderr);
  const parsed = JSON.parse(run.stdout) as {
    config: { hostname: string; presharedKeys: { key: string; address: string }[] };
  };
  assert.equal(parsed.config.hostname, 'Responder');
  assert.deepEqual(
    parsed.config.presharedKeys.map((k) => [k.address, k.key]),
    [['172.16.172.10', '<redacted>']],
  );
});

test('check on bad configurations exits 2 naming file:line:column', { skip: missing }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'typeswan-check-'));
  try {
    const cases: [string, RegExp][] = [
      [
        'hostname r\ncrypto isakmp policy 1\n encr 3dez\n',
        /bad\.cfg:3:7: expected one of .*des.*; found "3dez"/,
      ],
      ['hostname r\ncrypto map vpn 10 ipsec-isakmp\n set transform-set nope\n', /bad\.cfg:3:\d+: .*"nope"/],
    ];
    for (const [text, expected] of cases) {
      const file = join(dir, 'bad.cfg');
      writeFileSync(file, text);
      const run = runTypeswan(['check', '-c', file]);
      assert.equal(run.status, 2, run.stdout);
      assert.match(run.stderr, expected);
    }
    assert.equal(runTypeswan(['check', '-c', join(dir, 'missing.cfg')]).status, 2);
    assert.equal(runTypeswan(['check']).status, 2, '-c is required');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
