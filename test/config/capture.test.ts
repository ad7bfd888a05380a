// Whole terminal captures, dialect detection, IOS defaults and the modern IOS forms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { detectDialect, parseConfig } from '../../src/config/index.js';
import { fixture } from '../util/fixtures.js';

test('a `show running-config` capture of a modern IOS router', () => {
  const c = parseConfig(readFileSync(fixture('configs/good-modern-ios.cfg'), 'utf8'), 'r1.cfg');
  assert.equal(c.dialect, 'ios');
  assert.equal(c.hostname, 'r1');
  assert.deepEqual(
    c.isakmpPolicies.map((p) => [
      p.priority,
      p.encryption,
      p.hash,
      p.authentication,
      p.group,
      p.lifetimeSeconds,
    ]),
    [
      [5, 'aes256', 'sha256', 'pre-share', 14, 28800],
      [10, '3des', 'md5', 'pre-share', 2, 86400], // `encr` is IOS's abbreviation of `encryption`
      [65535, 'des', 'sha', 'rsa-sig', 1, 86400],
    ],
  );
  assert.deepEqual(
    c.presharedKeys.map((k) => [k.key, k.address ?? k.hostname, k.netmask, k.noXauth]),
    [
      ['s3cret', '192.0.2.2', '255.255.255.255', false],
      ['branches', '198.51.100.0', '255.255.255.0', false],
      ['wide', '198.51.0.0', '255.255.0.0', true],
      ['anyone', '0.0.0.0', '0.0.0.0', false],
      ['byname', 'peer.example.net', undefined, false],
    ],
  );
  assert.deepEqual(c.isakmp.keepalive, { seconds: 30, retry: 5 });
  assert.deepEqual(c.globalSaLifetime, { seconds: 1800, kilobytes: 4608000 });
  assert.deepEqual(
    c.transformSets.map((t) => [t.name, t.ah, t.espEncryption, t.espKeyBits, t.espIntegrity, t.mode]),
    [
      ['strong', undefined, 'esp-aes', 256, 'esp-sha256-hmac', 'tunnel'],
      ['fast', undefined, 'esp-gcm', 128, undefined, 'transport'],
      ['legacy', 'ah-sha-hmac', 'esp-3des', undefined, 'esp-md5-hmac', 'tunnel'],
    ],
  );
  const e = c.cryptoMaps[0];
  assert.deepEqual(e?.peers, ['192.0.2.2', '192.0.2.3']);
  assert.deepEqual(e?.transformSets, ['strong', 'legacy']);
  assert.equal(e?.pfsGroup, 14);
  assert.deepEqual(e?.lifetime, { kilobytes: 100000 });
  assert.equal(e?.matchAddress, 'to-branch');
  const acl = c.accessLists.find((a) => a.name === 'to-branch');
  assert.deepEqual(
    acl?.entries.map((x) => [
      x.action,
      x.protocol,
      x.source.address,
      x.sourcePort,
      x.destination.address,
      x.destinationPort,
    ]),
    [
      ['permit', 'ip', '10.10.0.0', undefined, '10.20.0.0', undefined],
      [
        'permit',
        'tcp',
        '10.10.0.5',
        { op: 'range', from: 1000, to: 2000 },
        '10.30.0.0',
        { op: 'eq', port: 80 },
      ],
      ['deny', 'ip', '0.0.0.0', undefined, '0.0.0.0', undefined],
    ],
  );
  assert.deepEqual(
    c.interfaces.map((i) => [i.name, i.cryptoMap, i.shutdown]),
    [
      ['GigabitEthernet0/0', 'site', false],
      ['GigabitEthernet0/1', undefined, true],
    ],
  );
  // the prompt lines, "Building configuration...", "Current configuration : 2048 bytes"
  // and the comments are not listed; routing and line settings are.
  assert.deepEqual(
    c.ignored.map((i) => i.text),
    [
      'version 15.4',
      'router ospf 1',
      'network 10.0.0.0 0.255.255.255 area 0',
      'line vty 0 4',
      'login',
      'end',
    ],
  );
  // "20 permit tcp host 10.10.0.5 range 1000 2000 ...": protected, but no IKEv1 proxy ID
  // carries a port range, so no quick mode can be started for it.
  assert.deepEqual(
    c.warnings.map((w) => [w.line, w.message.split(';')[0]]),
    [
      [
        54,
        'access list to-branch (crypto map site 10): local port range 1000-2000 cannot be carried in an IKEv1 identity (expected a single port or any)',
      ],
    ],
  );
});

test('CRLF line ends, tabs, trailing blanks and any indentation', () => {
  const text = [
    'router9#write terminal   ',
    'Building configuration...',
    'hostname   router9\t',
    'crypto isakmp policy 1',
    '\t\t hash md5   ',
    '      authentication pre-share',
    'crypto isakmp key k address 10.0.0.2',
    'crypto ipsec transform-set t esp-des esp-md5-hmac',
    'crypto map m 1 ipsec-isakmp',
    'set peer 10.0.0.2',
    '                   set transform-set t',
    '  match address 101',
    'interface Ethernet0',
    '   ip address 10.0.0.1 255.255.255.0   ',
    '            crypto map m',
    'access-list 101 permit ip 10.1.0.0 0.0.255.255 10.2.0.0 0.0.255.255   ',
    'end',
    'router9#',
  ].join('\r\n');
  const c = parseConfig(text, 'c.cfg');
  assert.equal(c.hostname, 'router9');
  assert.deepEqual([c.isakmpPolicies[0]?.hash, c.isakmpPolicies[0]?.authentication], ['md5', 'pre-share']);
  assert.deepEqual(c.cryptoMaps[0]?.peers, ['10.0.0.2']);
  assert.deepEqual(c.cryptoMaps[0]?.transformSets, ['t']);
  assert.equal(c.interfaces[0]?.cryptoMap, 'm');
  assert.deepEqual(c.ignored, [{ line: 17, text: 'end' }]);
});

test('dialect: detected from the text, or forced', () => {
  assert.equal(detectDialect(readFileSync(fixture('chapter/example-13-21.cfg'), 'utf8')), 'pix');
  assert.equal(detectDialect(readFileSync(fixture('chapter/example-13-22.cfg'), 'utf8')), 'ios');
  assert.equal(detectDialect('isakmp policy 10 hash md5\n'), 'pix');
  assert.equal(detectDialect('crypto isakmp policy 10\n hash md5\n'), 'ios');
  // A PIX ACL with a netmask read as IOS takes the mask as a wildcard (non-contiguous here)
  const text = 'access-list 101 permit ip 10.0.0.0 255.255.255.0 10.1.0.0 255.255.255.0\n';
  assert.equal(
    parseConfig(text, 'a', { dialect: 'pix' }).accessLists[0]?.entries[0]?.source.wildcard,
    '0.0.0.255',
  );
  assert.equal(
    parseConfig(text, 'a', { dialect: 'ios' }).accessLists[0]?.entries[0]?.source.wildcard,
    '255.255.255.0',
  );
});

test('IOS defaults where the configuration is silent', () => {
  const c = parseConfig('crypto isakmp policy 7\ncrypto ipsec transform-set t esp-aes\n', 'd.cfg');
  assert.deepEqual(c.isakmpPolicies, [
    {
      priority: 7,
      encryption: 'des',
      hash: 'sha',
      authentication: 'rsa-sig',
      group: 1,
      lifetimeSeconds: 86400,
      at: { file: 'd.cfg', line: 1 },
    },
    {
      priority: 65535,
      encryption: 'des',
      hash: 'sha',
      authentication: 'rsa-sig',
      group: 1,
      lifetimeSeconds: 86400,
    },
  ]);
  assert.deepEqual(c.globalSaLifetime, { seconds: 3600, kilobytes: 4608000 });
  assert.equal(c.transformSets[0]?.mode, 'tunnel');
  assert.equal(c.transformSets[0]?.espKeyBits, undefined); // esp-aes without a size: 128 (transformSetAlgorithms)
  assert.deepEqual(c.isakmp, { identity: 'address', enabledInterfaces: [] });
  assert.equal(c.hostname, '');
});

test('set peer by `ip host` name; `set pfs` alone is group 1', () => {
  const c = parseConfig(
    'ip host far.example 192.0.2.9\ncrypto map m 1 ipsec-isakmp\n set peer far.example\n set pfs\n',
    'h.cfg',
    { crossCheck: 'off' },
  );
  assert.deepEqual(c.cryptoMaps[0]?.peers, ['192.0.2.9']);
  assert.equal(c.cryptoMaps[0]?.pfsGroup, 1);
});

test('crypto ca trustpoint and crypto pki (later IOS spellings) and addressed keys', () => {
  const c = parseConfig(
    [
      'crypto pki trustpoint TP',
      ' enrollment url http://ca.example/',
      ' revocation-check none',
      ' subject-name CN=r1',
      'crypto key pubkey-chain rsa',
      ' addressed-key 192.0.2.7',
      '  key-string',
      '  305C300D 06092A86 4886F70D 01010105 00034B00 30480241 00DC3DDC 59885F14',
      '  1AB30DCB 794AB5C7 82D918DE FC7ADB76 B0B9DD1A ABAF4884 009E758C 4064C699',
      '  3BC9D17E C47581DC 50220CB9 31E267F8 0259C640 F8DE4169 1F020301 0001',
      '  quit',
      ' named-key broken.example',
      '  key-string',
      '  305C300D 06092A86',
      '  quit',
    ].join('\n'),
    'p.cfg',
  );
  assert.deepEqual(c.trustpoints, [
    { name: 'TP', kind: 'trustpoint', enrollmentUrl: 'http://ca.example/', crlOptional: true },
  ]);
  assert.deepEqual(
    c.publicKeys.map((k) => [k.kind, k.name, k.address, k.der !== undefined]),
    [
      ['addressed-key', '192.0.2.7', '192.0.2.7', true],
      ['named-key', 'broken.example', undefined, false],
    ],
  );
  assert.deepEqual(
    c.warnings.map((w) => w.line),
    [13],
  );
  assert.deepEqual(
    c.ignored.map((i) => i.text),
    ['subject-name CN=r1'],
  );
});

test('valid crypto commands the model has no field for: listed and warned, never silent', () => {
  const c = parseConfig(
    [
      'crypto isakmp nat keepalive 20',
      'crypto ipsec df-bit clear',
      'crypto ipsec transform-set t esp-3des esp-sha-hmac',
      'crypto map m 1 ipsec-isakmp',
      ' set peer 10.0.0.2',
      ' set transform-set t',
      ' set security-association level per-host',
      ' set isakmp-profile prof',
      ' match address 101',
      'access-list 101 permit ip any any',
    ].join('\n'),
    'n.cfg',
  );
  assert.deepEqual(
    c.ignored.map((i) => i.line),
    [1, 2, 7, 8],
  );
  assert.deepEqual(
    c.warnings.map((w) => w.line),
    [1, 2, 7, 8],
  );
  assert.match(c.warnings[0]?.message ?? '', /not modelled/);
  assert.equal(c.cryptoMaps[0]?.matchAddress, '101');
});

test('what a capture shows after `end` (next prompt, show output) is not configuration', () => {
  const text = [
    'hostname r1',
    'crypto isakmp policy 1',
    ' authentication pre-share',
    'end',
    '',
    'r1#show crypto map',
    'Crypto Map "vpn" 10 ipsec-isakmp',
    '        Peer = 172.16.172.20',
  ].join('\n');
  const c = parseConfig(text, 'cap.txt');
  assert.deepEqual(c.cryptoMaps, []);
  assert.deepEqual(c.ignored, [{ line: 4, text: 'end' }]);
});
