// One hand-written bad configuration per error class (test/fixtures/configs/), each checked
// for file, line, column, what was found and what was expected. Line and column are counted
// by hand in the fixture files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ConfigError, parseConfig } from '../../src/config/index.js';
import { fixture } from '../util/fixtures.js';

interface Case {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly found: string;
  readonly expected: RegExp;
}

const CASES: readonly Case[] = [
  // wrong value for a keyword (the brief's own example)
  { file: 'bad-encr.cfg', line: 4, column: 7, found: '3dez', expected: /^one of des, 3des, aes$/ },
  // misspelled keyword after `set`
  {
    file: 'bad-keyword.cfg',
    line: 4,
    column: 6,
    found: 'transfrom-set',
    expected: /peer, transform-set, pfs/,
  },
  // misspelled sub-mode command
  {
    file: 'bad-submode-word.cfg',
    line: 3,
    column: 2,
    found: 'authentcation',
    expected: /encryption, hash, authentication/,
  },
  { file: 'bad-address.cfg', line: 2, column: 31, found: '10.0.0.300', expected: /IPv4 address/ },
  { file: 'bad-group.cfg', line: 2, column: 9, found: '3', expected: /Diffie-Hellman group/ },
  { file: 'bad-lifetime.cfg', line: 2, column: 11, found: '30', expected: /60-86400/ },
  { file: 'bad-netmask.cfg', line: 1, column: 40, found: '255.0.255.0', expected: /netmask/ },
  { file: 'bad-transform.cfg', line: 1, column: 40, found: 'esp-md6-hmac', expected: /a transform/ },
  { file: 'bad-pix.cfg', line: 3, column: 23, found: 'sha1', expected: /md5, sha/ },
  // cross-references: the error points at the name in the referencing line
  { file: 'missing-transform-set.cfg', line: 5, column: 26, found: 'other', expected: /transform set/ },
  { file: 'missing-acl.cfg', line: 5, column: 16, found: '102', expected: /access list/ },
  { file: 'missing-dynamic-map.cfg', line: 4, column: 40, found: 'dyn2', expected: /dynamic map/ },
  { file: 'missing-map-on-interface.cfg', line: 3, column: 13, found: 'nosuchmap', expected: /crypto map/ },
  { file: 'missing-pool.cfg', line: 1, column: 55, found: 'nopool', expected: /ip local pool/ },
  { file: 'missing-aaa-list.cfg', line: 3, column: 42, found: 'xauth', expected: /aaa authentication login/ },
  {
    file: 'noncontiguous-wildcard.cfg',
    line: 6,
    column: 36,
    found: '0.0.255.0',
    expected: /contiguous wildcard/,
  },
];

for (const c of CASES) {
  test(`${c.file} -> ConfigError at ${c.line}:${c.column}`, () => {
    const text = readFileSync(fixture(`configs/${c.file}`), 'utf8');
    assert.throws(
      () => parseConfig(text, c.file),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError, String(err));
        assert.equal(err.file, c.file);
        assert.equal(err.line, c.line);
        assert.equal(err.column, c.column);
        assert.equal(err.found, c.found);
        assert.match(err.expected, c.expected);
        assert.ok(err.message.startsWith(`${c.file}:${c.line}:${c.column}: `), err.message);
        return true;
      },
    );
  });
}

test('the message is rendered compiler style', () => {
  const text = readFileSync(fixture('configs/bad-encr.cfg'), 'utf8');
  assert.throws(() => parseConfig(text, 'r1.cfg'), {
    name: 'ConfigError',
    message: 'r1.cfg:4:7: expected one of des, 3des, aes; found "3dez"; did you mean "3des"?',
  });
});

test('a missing value points one column past the end of the line', () => {
  assert.throws(() => parseConfig('crypto isakmp policy 10\n hash\n', 'x.cfg'), {
    message: 'x.cfg:2:7: expected one of md5, sha, sha256, sha384, sha512; found end of line',
  });
});

test('more error classes, inline', () => {
  const cases: [string, number, number, string][] = [
    ['crypto isakmp policy 0\n', 1, 22, '0'], // priority out of range
    ['crypto isakmp polcy 1\n', 1, 15, 'polcy'],
    ['crypto ipsec transform-set t esp-des esp-3des\n', 1, 38, 'esp-3des'], // two ciphers
    ['crypto ipsec transform-set t esp-gcm esp-sha-hmac\n', 1, 51, ''], // GCM with an HMAC
    ['crypto ipsec transform-set t\n', 1, 30, ''], // no transform
    ['crypto map m 10 ipsec-manual\n', 1, 14, '10'],
    ['crypto map m 10 ipsec-isakmp\n set peer nosuchhost\n', 2, 11, 'nosuchhost'],
    ['crypto map m 10 ipsec-isakmp\n set pfs group3\n', 2, 10, 'group3'],
    ['crypto map m 10 ipsec-isakmp\n set security-association lifetime minutes 5\n', 2, 36, 'minutes'],
    ['crypto map m 10 ipsec-isakmp\n match adress 101\n', 2, 8, 'adress'],
    ['crypto map m 10 ipsec-isakmp\n sett peer 1.1.1.1\n', 2, 2, 'sett'],
    ['crypto map m\n', 1, 14, ''],
    ['crypto isakmp key k address 10.0.0.1 no-xauht\n', 1, 38, 'no-xauht'],
    ['crypto isakmp key 6 k address 10.0.0.1\n', 1, 19, '6'],
    ['access-list 101 permit ip 10.0.0.0 0.0.0.255 any eq 80\n', 1, 50, 'eq'],
    ['access-list 101 permit tcp any any eq 70000\n', 1, 39, '70000'],
    ['access-list 101 permit tcp any any range 90 80\n', 1, 42, '90'],
    ['access-list 101 permit foo any any\n', 1, 24, 'foo'],
    ['access-list 101 allow ip any any\n', 1, 17, 'allow'],
    ['ip access-list extended x\n permit ip any\n', 2, 16, ''],
    ['interface e0\n ip address 10.0.0.1 255.0.255.0\n', 2, 22, '255.0.255.0'],
  ];
  for (const [text, line, column, found] of cases) {
    assert.throws(
      () => parseConfig(text, 'i.cfg'),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError, `${JSON.stringify(text)}: ${String(err)}`);
        assert.deepEqual(
          [err.line, err.column, err.found],
          [line, column, found],
          `${JSON.stringify(text)}: ${err.message}`,
        );
        return true;
      },
    );
  }
});

test('crossCheck: warn and off', () => {
  const text = readFileSync(fixture('configs/missing-acl.cfg'), 'utf8');
  const warned = parseConfig(text, 'm.cfg', { crossCheck: 'warn' });
  assert.deepEqual(warned.warnings, [
    { line: 5, message: 'crypto map vpn 10 matches access list 102, which is not defined' },
  ]);
  const off = parseConfig(text, 'm.cfg', { crossCheck: 'off' });
  assert.deepEqual(off.warnings, []);
});

test('a non-contiguous wildcard in an ACL no crypto map uses is accepted', () => {
  const c = parseConfig('access-list 150 permit ip 10.0.0.0 0.255.0.255 any\n', 'a.cfg');
  assert.equal(c.accessLists[0]?.entries[0]?.source.wildcard, '0.255.0.255');
});

test('object-group ACL lines: skipped with a warning, an error only when a crypto map uses the list', () => {
  const lines = [
    'PIX Version 6.3',
    'access-list outside_in permit tcp any object-group web-servers eq www',
    'access-list 101 permit ip 10.0.0.0 255.255.255.0 object-group branches',
  ];
  const unused = parseConfig(lines.join('\n'), 'o.cfg');
  assert.deepEqual(
    unused.warnings.map((w) => w.line),
    [2, 3],
  );
  const used = [
    ...lines,
    'crypto ipsec transform-set t esp-des esp-md5-hmac',
    'crypto map m 10 ipsec-isakmp',
    'crypto map m 10 match address 101',
  ];
  assert.throws(() => parseConfig(used.join('\n'), 'o.cfg'), {
    name: 'ConfigError',
    message: /^o\.cfg:3:50: access list 101 uses "object-group"/,
  });
});
