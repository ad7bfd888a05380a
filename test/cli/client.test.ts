// `typeswan client`'s settings file and the IOS configuration it becomes (Example 13-20's
// fields as a router states them). The ACL lines are hand-computed: 10.1.1.0/24 is
// `10.1.1.0 0.0.0.255`, a host route /32 is wildcard 0.0.0.0, 172.16.0.0/12 is
// `172.16.0.0 0.15.255.255`; a network given with host bits set names its network.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { clientRouterConfig, parseClientFile } from '../../src/cli/client.js';
import { UsageError } from '../../src/cli/errors.js';
import { parseConfigText } from '../../src/gateway/index.js';
import { policyRules } from '../../src/gateway/spdFromConfig.js';

const FILE = `# Example 13-20
gateway 150.1.1.1
key cisco123   ! the group key
username ciscouser
remote-network 10.1.1.0/24
remote-network 172.16.5.9/12
ike-proposal des md5 1
esp-proposal esp-des esp-md5-hmac
resolv-conf /run/typeswan/resolv.conf
`;

describe('typeswan client settings', () => {
  it('reads every setting, comments dropped, remote-network repeated', () => {
    assert.deepEqual(parseClientFile(FILE, 'c.cfg'), {
      gateway: '150.1.1.1',
      key: 'cisco123',
      username: 'ciscouser',
      remoteNetworks: ['10.1.1.0/24', '172.16.5.9/12'],
      ike: { encryption: 'des', hash: 'md5', group: '1' },
      esp: ['esp-des', 'esp-md5-hmac'],
      resolvConf: '/run/typeswan/resolv.conf',
    });
  });

  it('refuses an unknown setting and a wrong arity, naming the line', () => {
    assert.throws(
      () => parseClientFile('gateway 1.2.3.4\npassword x\n', 'c.cfg'),
      (e: unknown) => {
        assert.ok(e instanceof UsageError);
        assert.match(e.message, /^c\.cfg:2: unknown setting password$/);
        return true;
      },
    );
    assert.throws(() => parseClientFile('constructor x\n', 'c.cfg'), /c\.cfg:1: unknown setting constructor/);
    assert.throws(
      () => parseClientFile('gateway 1.2.3.4 5.6.7.8\n', 'c.cfg'),
      /c\.cfg:1: gateway takes one value/,
    );
    assert.throws(
      () => parseClientFile('ike-proposal aes sha\n', 'c.cfg'),
      /ike-proposal takes ENCRYPTION HASH GROUP/,
    );
  });

  it('becomes an IOS configuration with one policy, the key, and the remote networks as the ACL', () => {
    const text = clientRouterConfig({
      gateway: '150.1.1.1',
      local: '171.68.118.143',
      key: 'cisco123',
      username: 'ciscouser',
      remoteNetworks: ['10.1.1.0/24', '172.16.5.9/12', '192.0.2.7/32'],
      ike: { encryption: 'aes', hash: 'sha', group: '14' },
      esp: ['esp-aes', 'esp-sha-hmac'],
    });
    for (const line of [
      'crypto isakmp key cisco123 address 150.1.1.1',
      'access-list 150 permit ip any 10.1.1.0 0.0.0.255',
      'access-list 150 permit ip any 172.16.0.0 0.15.255.255',
      'access-list 150 permit ip any 192.0.2.7 0.0.0.0',
      ' set peer 150.1.1.1',
      ' ip address 171.68.118.143 255.255.255.255',
    ])
      assert.ok(text.split('\n').includes(line), `${line} in:\n${text}`);
    const config = parseConfigText(text, 'client.cfg');
    assert.equal(config.isakmpPolicies[0]?.priority, 10);
    assert.equal(config.isakmpPolicies[0]?.authentication, 'pre-share');
    assert.equal(config.cryptoMaps[0]?.peers[0], '150.1.1.1');
  });

  it('puts the local LAN first as deny lines: the SPD bypasses it and protects the rest', () => {
    const text = clientRouterConfig({
      gateway: '192.0.2.2',
      local: '192.0.2.1',
      key: 'k',
      username: 'u',
      remoteNetworks: ['10.0.0.0/8'],
      localLan: ['10.1.0.0/24'],
      ike: { encryption: 'aes', hash: 'sha', group: '14' },
      esp: ['esp-aes'],
    });
    const acl = text.split('\n').filter((l) => l.startsWith('access-list'));
    assert.deepEqual(acl, [
      'access-list 150 deny ip any 10.1.0.0 0.0.0.255',
      'access-list 150 permit ip any 10.0.0.0 0.255.255.255',
    ]);
    const rules = policyRules(parseConfigText(text, 'client.cfg')).map((r) => [
      r.rule.action,
      r.rule.selector.remoteStart,
      r.rule.selector.remoteEnd,
    ]);
    // 10.0.0.0/8 less 10.1.0.0/24: the protect rules around the hole (nothing routes it into the TUN).
    assert.deepEqual(rules, [
      ['bypass', '10.1.0.0', '10.1.0.255'],
      ['protect', '10.0.0.0', '10.0.255.255'],
      ['protect', '10.1.1.0', '10.255.255.255'],
    ]);
  });

  it('refuses a remote network that is no IPv4 prefix', () => {
    assert.throws(
      () =>
        clientRouterConfig({
          gateway: '150.1.1.1',
          local: '171.68.118.143',
          key: 'k',
          username: 'u',
          remoteNetworks: ['10.1.1.0/33'],
          ike: { encryption: 'aes', hash: 'sha', group: '14' },
          esp: ['esp-aes'],
        }),
      /remote-network 10\.1\.1\.0\/33: expected A\.B\.C\.D\/N/,
    );
  });
});
