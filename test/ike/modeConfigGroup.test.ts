// The Concentrator's Mode Config for a client group, in memory: a typeswan client that
// authenticates into group vpngroup (aggressive mode, ID_KEY_ID) pulls its address from the
// group's pool and gets the group's DNS and WINS servers, domain and split-include networks;
// the `debug crypto isakmp` lines of the REPLY name its real message ID. A client that is in
// no group gets the global pool and nothing else.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concentratorConfig, RaLab, type ClientSpec } from './remoteAccessLab.js';
import { readFileSync } from 'node:fs';
import { debugIsakmpLines } from '../../src/observe/debugIsakmp.js';
import { parseConfig } from '../../src/config/index.js';
import type { ServerGroupFactories } from '../../src/aaa/index.js';
import { fixture } from '../util/fixtures.js';

const GROUP_KEY = 'group-secret-17';
const GROUP = `crypto isakmp client configuration group vpngroup
 key ${GROUP_KEY}
 dns 11.10.1.53 11.10.1.54
 wins 11.10.1.137
 domain corp.example
 pool grouppool
 acl 110
access-list 110 permit ip 11.10.1.0 0.0.0.255 any
access-list 110 permit ip host 11.10.2.9 any
ip local pool grouppool 10.1.20.1 10.1.20.9`;

const CLIENT: ClientSpec = {
  address: '171.68.118.143',
  username: 'ciscouser',
  password: 'cisco1234',
  modeConfig: 'pull',
  group: 'vpngroup',
};

async function run(
  spec: ClientSpec,
  modes: readonly ('initiate' | 'respond')[] = ['respond'],
): Promise<RaLab> {
  const lab = new RaLab(concentratorConfig({ modes, extra: GROUP }), [spec], {
    key: spec.group === undefined ? undefined : GROUP_KEY,
  });
  const [client] = lab.clients;
  assert.ok(client);
  lab.connect(client);
  await lab.run(10);
  return lab;
}

test('pull: the group pool, DNS, WINS, domain and split-include reach the client', async () => {
  const lab = await run(CLIENT);
  const [client] = lab.clients;
  assert.ok(client);
  const assigned = client.of('modeConfig').find((e) => e.step === 'assigned');
  assert.equal(assigned?.address, '10.1.20.1');
  assert.deepEqual(assigned?.received, {
    netmask: '255.255.255.255',
    dns: ['11.10.1.53', '11.10.1.54'],
    wins: ['11.10.1.137'],
    domain: 'corp.example',
    splitInclude: [
      { address: '11.10.1.0', mask: '255.255.255.0' },
      { address: '11.10.2.9', mask: '255.255.255.255' },
    ],
    localLan: [],
  });
  // The client proposes one quick mode per split-include network.
  assert.equal(client.installed.length, 2);
});

test('the REPLY debug lines name the transaction message ID and what was sent', async () => {
  const lab = await run(CLIENT);
  const reply = lab.gateway.of('modeConfig').find((e) => e.step === 'reply');
  assert.ok(reply);
  // The message ID of the client's REQUEST (transaction exchange, type 6), which our REPLY goes back under.
  const received = lab.gateway
    .of('packet')
    .filter((p) => p.direction === 'received' && p.exchange === 'EXCHANGE(6)' && p.payloads.includes('CP'))
    .map((p) => p.messageId);
  const sent = lab.gateway
    .of('packet')
    .filter((p) => p.direction === 'sent' && p.exchange === 'EXCHANGE(6)')
    .map((p) => p.messageId);
  assert.ok(reply.messageId !== undefined && reply.messageId !== 0, `message ID ${String(reply.messageId)}`);
  assert.ok(
    received.includes(reply.messageId) && sent.includes(reply.messageId),
    JSON.stringify({ received, sent }),
  );
  const lines = debugIsakmpLines(reply);
  const signed = reply.messageId | 0;
  assert.deepEqual(lines, [
    `ISAKMP (0:${reply.connId}): allocating address 10.1.20.1`,
    'ISAKMP: Sending private address: 10.1.20.1',
    'ISAKMP: Sending subnet mask: 255.255.255.255',
    'ISAKMP: Sending IP4_DNS server address: 11.10.1.53',
    'ISAKMP: Sending IP4_DNS server address: 11.10.1.54',
    'ISAKMP: Sending IP4_NBNS server address: 11.10.1.137',
    'ISAKMP: Sending DEFAULT_DOMAIN default domain name: corp.example',
    'ISAKMP: Sending split include name 110 network 11.10.1.0 mask 255.255.255.0 protocol 0, src port 0, dst port 0',
    'ISAKMP: Sending split include name 110 network 11.10.2.9 mask 255.255.255.255 protocol 0, src port 0, dst port 0',
    `ISAKMP (0:${reply.connId}): responding to peer config from ${CLIENT.address}. ID = ${signed}`,
  ]);
});

test('push: the SET carries the group settings; the client takes them', async () => {
  const lab = await run({ ...CLIENT, modeConfig: 'push' }, ['initiate']);
  const [client] = lab.clients;
  assert.ok(client);
  const set = lab.gateway.of('modeConfig').find((e) => e.step === 'set');
  assert.deepEqual(set?.attributes, [
    'INTERNAL_IP4_ADDRESS',
    'INTERNAL_IP4_DNS',
    'INTERNAL_IP4_DNS',
    'INTERNAL_IP4_NBNS',
    'UNITY_DEF_DOMAIN',
    'UNITY_SPLIT_INCLUDE',
  ]);
  const assigned = client.of('modeConfig').find((e) => e.step === 'assigned');
  assert.equal(assigned?.address, '10.1.20.1');
  assert.deepEqual(assigned?.received?.dns, ['11.10.1.53', '11.10.1.54']);
  assert.equal(assigned?.received?.domain, 'corp.example');
});

test('a client in no group (main mode, the wildcard key) gets the global pool and only its address', async () => {
  const { group: _group, ...noGroup } = CLIENT;
  const lab = await run(noGroup);
  const [client] = lab.clients;
  assert.ok(client);
  const assigned = client.of('modeConfig').find((e) => e.step === 'assigned');
  assert.equal(assigned?.address, '10.1.10.1');
  assert.deepEqual(assigned?.received, {
    netmask: '255.255.255.255',
    dns: [],
    wins: [],
    splitInclude: [],
    localLan: [],
  });
});

test('Example 13-21 (PIX) with vpngroup lines: the group key, its DNS server, domain and split-tunnel list', async () => {
  const text = `${readFileSync(fixture('chapter/example-13-21.cfg'), 'utf8')}
access-list 90 permit ip 172.16.0.0 255.255.0.0 10.1.100.0 255.255.255.0
vpngroup vpn3000 password pix-group-key
vpngroup vpn3000 dns-server 172.16.171.2
vpngroup vpn3000 default-domain cisco.com
vpngroup vpn3000 split-tunnel 90
`;
  const aaa: ServerGroupFactories = {
    serverGroup: (_config, group) => ({
      name: `group ${group}`,
      authenticate: () => Promise.resolve({ kind: 'accept' }),
    }),
  };
  const lab = new RaLab(parseConfig(text, '13-21-vpngroup.cfg'), [{ ...CLIENT, group: 'vpn3000' }], {
    gateway: '192.168.10.1',
    key: 'pix-group-key',
    aaa,
  });
  const [client] = lab.clients;
  assert.ok(client);
  lab.connect(client);
  await lab.run(10);
  const assigned = client.of('modeConfig').find((e) => e.step === 'assigned');
  // The PIX's only pool is the ISAKMP one (vpnpool): the group names none.
  assert.equal(assigned?.address, '10.1.100.240');
  assert.deepEqual(assigned?.received?.dns, ['172.16.171.2']);
  assert.equal(assigned?.received?.domain, 'cisco.com');
  assert.deepEqual(assigned?.received?.splitInclude, [{ address: '172.16.0.0', mask: '255.255.0.0' }]);
  assert.equal(client.installed.length, 1);
});

test('max-users 1: a second client of the group is refused, saying why; the first keeps its tunnel', async () => {
  const lab = new RaLab(
    concentratorConfig({
      modes: ['respond'],
      extra: `${GROUP}\ncrypto isakmp client configuration group vpngroup\n max-users 1`,
    }),
    [CLIENT, { ...CLIENT, address: '171.68.118.144' }],
    { key: GROUP_KEY },
  );
  const [first, second] = lab.clients;
  assert.ok(first && second);
  lab.connect(first);
  await lab.run(10);
  lab.connect(second);
  await lab.run(20);
  assert.equal(first.address4, '10.1.20.1');
  assert.equal(first.installed.length, 2);
  assert.equal(second.address4, undefined);
  assert.equal(second.installed.length, 0);
  const failed = lab.gateway.of('modeConfig').filter((e) => e.step === 'failed');
  assert.deepEqual(
    failed.map((e) => [e.peer, e.reason]),
    [['171.68.118.144', 'group vpngroup has its max-users 1 clients already']],
  );
  // The refused client was never asked for credentials.
  assert.deepEqual(
    lab.gateway
      .of('xauth')
      .filter((e) => e.step === 'request')
      .map((e) => e.peer),
    ['171.68.118.143'],
  );
});
