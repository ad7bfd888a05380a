import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfigJson, parseConfig } from '../../src/config/index.js';
import { redactSecrets } from '../../src/config/redact.js';

test('radius-server and tacacs-server hosts, options, global key and timers', () => {
  const c = parseConfig(
    `hostname gw
radius-server host 192.0.2.10 auth-port 18120 acct-port 18130 timeout 2 retransmit 1 key per host key
radius-server host 192.0.2.11
radius-server key kitchen
radius-server timeout 7
radius-server retransmit 4
radius-server deadtime 10
tacacs-server host 192.0.2.20 port 4949 timeout 3 single-connection key t+key
tacacs-server host 192.0.2.21
tacacs-server key global t
tacacs-server timeout 9
`,
    'gw.cfg',
  );
  assert.deepEqual(c.radiusServers, [
    { host: '192.0.2.10', authPort: 18120, timeout: 2, retransmit: 1, key: 'per host key' },
    { host: '192.0.2.11', key: 'kitchen' },
  ]);
  assert.equal(c.radiusTimeout, 7);
  assert.equal(c.radiusRetransmit, 4);
  assert.deepEqual(c.tacacsServers, [
    { host: '192.0.2.20', port: 4949, timeout: 3, key: 't+key' },
    { host: '192.0.2.21', key: 'global t' },
  ]);
  assert.equal(c.tacacsTimeout, 9);
  assert.deepEqual(
    c.ignored.map((i) => i.text),
    ['radius-server deadtime 10'],
  );
  assert.deepEqual(loadConfigJson(JSON.stringify(c), 'gw.json'), c);
  const shown = JSON.stringify(redactSecrets(c));
  for (const secret of ['per host key', 'kitchen', 't+key', 'global t'])
    assert.ok(!shown.includes(secret), secret);
});

test('a server option without its value names the line', () => {
  assert.throws(() => parseConfig('radius-server host 192.0.2.10 auth-port\n', 'gw.cfg'), /gw\.cfg:1/);
  assert.throws(() => parseConfig('tacacs-server host 192.0.2.10 key\n', 'gw.cfg'), /gw\.cfg:1/);
  assert.throws(() => parseConfig('radius-server timeout 0\n', 'gw.cfg'), /gw\.cfg:1/);
});

test('PIX aaa-server hosts keep their timeout; a saved model reads back', () => {
  const c = parseConfig(
    `PIX Version 6.3(1)
hostname pix
aaa-server RAD protocol radius
aaa-server RAD (inside) host 192.0.2.10 k1 timeout 7
aaa-server RAD (inside) host 192.0.2.11 k2
`,
    'pix.cfg',
  );
  assert.deepEqual(c.aaaServers, [
    {
      tag: 'RAD',
      protocol: 'radius',
      hosts: [
        { interface: 'inside', host: '192.0.2.10', key: 'k1', timeout: 7 },
        { interface: 'inside', host: '192.0.2.11', key: 'k2' },
      ],
    },
  ]);
  assert.deepEqual(loadConfigJson(JSON.stringify(c), 'pix.json'), c);
});

test('aaa group server radius|tacacs+: server and server-private members, other sub-mode lines ignored; a saved model reads back without keys', () => {
  const c = parseConfig(
    `hostname gw
aaa new-model
aaa group server radius RAD1
 server 192.0.2.10 auth-port 1812 acct-port 1813
 server-private 192.0.2.12 auth-port 1812 timeout 3 retransmit 1 key private key
 deadtime 5
aaa group server tacacs+ TAC1
 server 192.0.2.20
 server-private 192.0.2.21 port 4949 key tk
aaa authentication login xauth group RAD1 group TAC1 local
radius-server host 192.0.2.10 auth-port 1812 key k1
`,
    'gw.cfg',
  );
  assert.deepEqual(c.aaaGroupServers, [
    {
      name: 'RAD1',
      protocol: 'radius',
      servers: [
        { host: '192.0.2.10', private: false, port: 1812 },
        { host: '192.0.2.12', private: true, port: 1812, timeout: 3, retransmit: 1, key: 'private key' },
      ],
    },
    {
      name: 'TAC1',
      protocol: 'tacacs+',
      servers: [
        { host: '192.0.2.20', private: false },
        { host: '192.0.2.21', private: true, port: 4949, key: 'tk' },
      ],
    },
  ]);
  assert.deepEqual(c.aaa[0]?.methods, ['group RAD1', 'group TAC1', 'local']);
  assert.ok(c.ignored.some((i) => i.text.trim() === 'deadtime 5'));
  assert.deepEqual(loadConfigJson(JSON.stringify(c), 'gw.json'), c);
  const shown = JSON.stringify(redactSecrets(c));
  for (const secret of ['private key', '"tk"', 'k1']) assert.ok(!shown.includes(secret), secret);
});

test('aaa group server: server-private needs its key; tacacs+ takes no auth-port', () => {
  assert.throws(
    () => parseConfig('aaa group server radius R\n server-private 192.0.2.1 auth-port 1812\n', 'gw.cfg'),
    /gw\.cfg:2/,
  );
  assert.throws(
    () => parseConfig('aaa group server tacacs+ T\n server 192.0.2.1 auth-port 1812\n', 'gw.cfg'),
    /gw\.cfg:2/,
  );
  assert.throws(() => parseConfig('aaa group server ldap L\n', 'gw.cfg'), /gw\.cfg:1/);
});
