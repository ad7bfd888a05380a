// `typeswan check -c FILE [--json]` through the built binary.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliMissing, runTypeswan } from './runCli.js';
import { fixture, projectRoot } from '../util/fixtures.js';
import { SeededRandom } from '../../src/net/virtual/rng.js';

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

test(
  'check on a terminal capture counts ignored lines in one line (Example 13-13)',
  { skip: missing },
  () => {
    const run = runTypeswan(['check', '-c', fixture('chapter/example-13-13.cfg')]);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /\n[1-9]\d* lines of other commands ignored \(not about IPsec\)\n/);
    assert.doesNotMatch(run.stdout, /line \d+: /, 'the ignored lines themselves are not listed');
    assert.match(run.stdout, /crypto map combined on Serial0/);
    assert.match(run.stdout, /20: peer 100\.228\.202\.154/);
    assert.match(run.stdout, /30: peer 200\.154\.17\.130/);
  },
);

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

/** One crypto map entry toward 1.1.1.2 with a pre-share policy 20: extra policies first, ACL 101 last. */
function oneEntryConfig(policies: readonly string[], aclLines: readonly string[]): string {
  return [
    'hostname r',
    ...policies,
    'crypto isakmp policy 20',
    ' authentication pre-share',
    'crypto isakmp key k address 1.1.1.2',
    'crypto ipsec transform-set t esp-3des esp-sha-hmac',
    'crypto map vpn 10 ipsec-isakmp',
    ' set peer 1.1.1.2',
    ' set transform-set t',
    ' match address 101',
    'interface Ethernet1',
    ' ip address 1.1.1.1 255.255.255.0',
    ' crypto map vpn',
    ...aclLines,
    '',
  ].join('\n');
}

/** Runs `body` with a fresh temporary directory, removed afterwards. */
function inTempDir(body: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'typeswan-check-'));
  try {
    body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test(
  'garbage is no configuration: 5 MB of random bytes, an empty file, a pcapng; exit 2, short',
  { skip: missing },
  () => {
    inTempDir((dir) => {
      const random = new SeededRandom(1);
      const bytes = new Uint8Array(5 * 1024 * 1024);
      for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(random.next() * 256);
      const files: [string, RegExp][] = [
        [join(dir, 'random.cfg'), /random\.cfg: not a configuration: binary data/],
        [join(dir, 'empty.cfg'), /empty\.cfg: no IOS or PIX command: the file is empty/],
        [join(dir, 'comments.cfg'), /comments\.cfg: no IOS or PIX command: the file is only comments/],
        [join(projectRoot, 'samples', 'ikev1-main-mode.pcapng'), /not a configuration: a pcapng capture/],
      ];
      writeFileSync(files[0]![0], bytes);
      writeFileSync(files[1]![0], '');
      writeFileSync(files[2]![0], '!\n! nothing here\n!\n');
      for (const [file, expected] of files) {
        const run = runTypeswan(['check', '-c', file]);
        assert.equal(run.status, 2, `${file}: ${run.stdout.slice(0, 200)}`);
        assert.equal(run.stdout, '');
        assert.match(run.stderr, expected);
        assert.ok(run.stderr.length < 300, run.stderr.slice(0, 300));
      }
    });
  },
);

test(
  '`cryto isakmp policy 1` is an error at 2:1 suggesting crypto, with the line and a caret',
  { skip: missing },
  () => {
    inTempDir((dir) => {
      const file = join(dir, 'bad.cfg');
      writeFileSync(file, 'hostname r\ncryto isakmp policy 1\n authentication pre-share\n');
      const run = runTypeswan(['check', '-c', file]);
      assert.equal(run.status, 2, run.stdout);
      assert.equal(
        run.stderr,
        `typeswan: ${file}:2:1: unknown command "cryto"; did you mean "crypto"?\n` +
          '  cryto isakmp policy 1\n' +
          '  ^\n' +
          "% Invalid input detected at '^' marker.\n",
      );
      writeFileSync(file, 'hostname r\ncrypto isakmp policy 1\n authentication pre-shar\n  hahs md5\n');
      const sub = runTypeswan(['check', '-c', file]);
      assert.equal(sub.status, 2);
      assert.match(
        sub.stderr,
        /bad\.cfg:4:3: expected one of encryption, .*; found "hahs"; did you mean "hash"\?\n {4}hahs md5\n {4}\^\n/,
      );
    });
  },
);

test(
  '`crypt map vpn 10 ipsec-isakmp` is read as crypto map (an IOS abbreviation), not dropped',
  { skip: missing },
  () => {
    const run = runTypeswan(['check', '-c', fixture('configs/abbreviated-ios.cfg')]);
    assert.equal(run.status, 0, run.stderr);
    assert.match(
      run.stdout,
      /crypto map vpn on Ethernet1 1\.1\.1\.1\n {4}10: peer 1\.1\.1\.2; transform-set t/,
    );
  },
);

test(
  'check --json reads back with check -c: every chapter configuration, same model',
  { skip: missing },
  () => {
    inTempDir((dir) => {
      const chapter = readdirSync(fixture('chapter')).filter((f) => f.endsWith('.cfg'));
      assert.ok(chapter.length >= 19);
      let roundTrips = 0;
      for (const name of chapter) {
        const first = runTypeswan(['check', '-c', fixture(`chapter/${name}`), '--json']);
        if (first.stdout === '') {
          // 13-15 and 13-30 name transform sets the chapter never prints (test/fixtures/chapter/README.md)
          assert.ok(['example-13-15.cfg', 'example-13-30.cfg'].includes(name), `${name}: ${first.stderr}`);
          assert.equal(first.status, 2);
          continue;
        }
        const json = join(dir, `${name}.json`);
        writeFileSync(json, first.stdout);
        const again = runTypeswan(['check', '-c', json, '--json']);
        assert.equal(again.status, first.status, `${name}: ${again.stderr}`);
        const a = JSON.parse(first.stdout) as { config: unknown; gatewayWouldRefuse: unknown };
        const b = JSON.parse(again.stdout) as { config: unknown; gatewayWouldRefuse: unknown };
        assert.deepEqual(b.config, a.config, name);
        assert.deepEqual(b.gatewayWouldRefuse, a.gatewayWouldRefuse, name);
        if (first.status === 0) {
          const plain = runTypeswan(['check', '-c', json]);
          assert.equal(plain.status, 0, `${name}: ${plain.stderr}`);
          assert.match(plain.stdout, /: OK\n/);
        }
        roundTrips++;
      }
      assert.equal(roundTrips, chapter.length - 2);
    });
  },
);

test('a redacted key read back is no key: a warning naming the line and the peer', { skip: missing }, () => {
  inTempDir((dir) => {
    const saved = runTypeswan(['check', '-c', fixture('chapter/example-13-01.cfg'), '--json']);
    assert.equal(saved.status, 0, saved.stderr);
    const json = join(dir, 'initiator.json');
    writeFileSync(json, saved.stdout);
    const run = runTypeswan(['check', '-c', json]);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /address 172\.16\.172\.20: key redacted \[line 18\]/);
    assert.match(
      run.stdout,
      /example-13-01\.cfg:18: the pre-shared key for address 172\.16\.172\.20 is redacted \("<redacted>"\)/,
    );
  });
});

test(
  'an rsa-encr policy beside a usable pre-share policy is inert (exit 0); alone it is refused (exit 2)',
  { skip: missing },
  () => {
    inTempDir((dir) => {
      const text = oneEntryConfig(
        ['crypto isakmp policy 10', ' authentication rsa-encr'],
        ['access-list 101 permit ip 10.0.0.0 0.0.0.255 10.0.1.0 0.0.0.255'],
      );
      const file = join(dir, 'two.cfg');
      writeFileSync(file, text);
      const run = runTypeswan(['check', '-c', file]);
      assert.equal(run.status, 0, run.stderr);
      assert.match(
        run.stdout,
        /two\.cfg:2: policy 10 \(rsa-encr\) is inert: RSA encrypted nonces need the peer's public key in `crypto key pubkey-chain rsa`, and there is none/,
      );
      writeFileSync(file, text.replace('crypto isakmp policy 20\n authentication pre-share\n', ''));
      const refused = runTypeswan(['check', '-c', file]);
      assert.equal(refused.status, 2, refused.stdout);
      assert.match(refused.stderr, /two\.cfg:2: crypto isakmp policy 10 \(authentication rsa-encr\): /);
      assert.match(refused.stderr, /typeswan start would refuse this configuration/);
    });
  },
);

test(
  'a crypto ACL permit line with a port range is a warning naming file:line (exit 0): no quick mode can ask for it',
  { skip: missing },
  () => {
    inTempDir((dir) => {
      const acl = (rest: string): string => `access-list 101 ${rest}`;
      const nets = '10.0.0.0 0.0.0.255 10.0.1.0 0.0.0.255';
      const text = oneEntryConfig(
        [],
        [
          acl(`deny tcp ${nets} range 20 21`), // 13: a bypass needs no quick mode
          acl(`permit tcp ${nets} eq 443`), // 14: one port is an identity
          acl(`permit tcp ${nets} neq 80`), // 15
          acl('permit udp 10.0.0.0 0.0.0.255 lt 1024 10.0.1.0 0.0.0.255'), // 16
          acl(`permit udp ${nets} gt 5000`), // 17
          acl(`permit tcp ${nets} range 8000 8080`), // 18
          acl(`permit ip ${nets}`), // 19: any port is an identity
        ],
      );
      const file = join(dir, 'ports.cfg');
      writeFileSync(file, text);
      const run = runTypeswan(['check', '-c', file]);
      assert.equal(run.status, 0, run.stderr);
      const warned = [
        ...run.stdout.matchAll(/ports\.cfg:(\d+): access list 101 \(crypto map vpn 10\): (.*)/g),
      ];
      assert.deepEqual(
        warned.map((m) => [Number(m[1]), /^(local|remote) port range (\d+-\d+) /.exec(m[2] ?? '')?.slice(1)]),
        [
          [15, ['remote', '0-79']],
          [16, ['local', '0-1023']],
          [17, ['remote', '5001-65535']],
          [18, ['remote', '8000-8080']],
        ],
      );
      for (const m of warned) assert.match(m[2] ?? '', /cannot start a quick mode for it/);
    });
  },
);
