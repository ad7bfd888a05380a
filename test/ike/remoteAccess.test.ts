// XAUTH and Mode Config between a typeswan gateway (Example 13-19's Concentrator, parsed from
// its IOS text) and typeswan clients, in memory: pull and push, three wrong passwords, the
// timeout, an exhausted pool, twenty clients at once.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IkeManager } from '../../src/ike/index.js';
import {
  concentratorConfig,
  clientConfig,
  clientSelector,
  GATEWAY,
  RaLab,
  RaNode,
  type ClientSpec,
} from './remoteAccessLab.js';
import { seededRng } from './harness.js';
import { readFileSync } from 'node:fs';
import { parseConfig } from '../../src/config/index.js';
import type { ServerGroupFactories } from '../../src/aaa/index.js';
import { fixture } from '../util/fixtures.js';

const GOOD: ClientSpec = {
  address: '171.68.118.143',
  username: 'ciscouser',
  password: 'cisco1234',
  modeConfig: 'pull',
};

function only<T>(xs: readonly T[]): T {
  assert.equal(xs.length, 1);
  const [x] = xs;
  assert.ok(x !== undefined);
  return x;
}

/** The gateway's IPsec SAs toward `client`: their selector's remote side is the client's address. */
function gatewaySelectors(lab: RaLab): string[] {
  return lab.gateway.engine
    .listIpsecSas(lab.now)
    .map((i) => `${i.peer} ${i.selector.remoteStart}-${i.selector.remoteEnd}`);
}

test('pull: XAUTH with a local user, then the client asks for its address; quick mode from it', async () => {
  const lab = new RaLab(concentratorConfig({ modes: ['respond'] }), [GOOD]);
  const client = only(lab.clients);
  lab.connect(client);
  await lab.run(10);
  assert.deepEqual(
    lab.gateway.of('xauth').map((e) => e.step),
    ['need', 'request', 'reply', 'verify', 'accepted', 'set', 'ack'],
  );
  assert.deepEqual(lab.gateway.of('xauth').find((e) => e.step === 'request')?.attributes, [
    'XAUTH_TYPE',
    'XAUTH_USER_NAME',
    'XAUTH_USER_PASSWORD',
  ]);
  assert.deepEqual(
    lab.gateway.of('modeConfig').map((e) => [e.step, e.address]),
    [
      ['request', undefined],
      ['reply', '10.1.10.1'],
    ],
  );
  assert.equal(client.address4, '10.1.10.1');
  assert.deepEqual(gatewaySelectors(lab), [`${GOOD.address} 10.1.10.1-10.1.10.1`]);
  assert.equal(client.installed.length, 1);
  // Every transaction is HASH + ATTR; XAUTH's two exchanges and Mode Config's one, then QM.
  const transactions = lab.gateway
    .of('packet')
    .filter((p) => p.exchange !== 'QUICK_MODE' && p.messageId !== 0 && p.payloads.includes('CP'));
  assert.equal(transactions.length, 6, JSON.stringify(transactions));
  assert.ok(transactions.every((p) => p.payloads.join(',') === 'HASH,CP'));
  assert.deepEqual(
    lab.gateway.engine.listIkeSas(lab.now).map((s) => s.state),
    ['QM_IDLE'],
  );
  assert.equal(lab.passwordsSeen.length, 1);
  assert.ok(!JSON.stringify(lab.gateway.events).includes('cisco1234'), 'no event carries the password');
});

test('push (`initiate`): the gateway SETs the address after XAUTH and the client ACKs it', async () => {
  const lab = new RaLab(concentratorConfig({ modes: ['initiate'] }), [{ ...GOOD, modeConfig: 'push' }]);
  const client = only(lab.clients);
  lab.connect(client);
  await lab.run(10);
  assert.deepEqual(
    lab.gateway.of('modeConfig').map((e) => [e.step, e.address, e.accepted]),
    [
      ['set', '10.1.10.1', undefined],
      ['ack', '10.1.10.1', true],
    ],
  );
  assert.equal(client.address4, '10.1.10.1');
  assert.deepEqual(gatewaySelectors(lab), [`${GOOD.address} 10.1.10.1-10.1.10.1`]);
});

test('`initiate` and `respond` (Example 13-19): a pulling client is answered, a waiting one is pushed to', async () => {
  const lab = new RaLab(concentratorConfig(), [
    GOOD,
    { ...GOOD, address: '171.68.118.144', modeConfig: 'push' },
  ]);
  const [puller, waiter] = lab.clients;
  assert.ok(puller && waiter);
  lab.connect(puller);
  lab.connect(waiter);
  await lab.run(10);
  const steps = (peer: string): string[] =>
    lab.gateway
      .of('modeConfig')
      .filter((e) => e.peer === peer)
      .map((e) => e.step);
  assert.deepEqual(steps(puller.address), ['request', 'reply']);
  assert.deepEqual(steps(waiter.address), ['set', 'ack']);
  assert.deepEqual(new Set([puller.address4, waiter.address4]), new Set(['10.1.10.1', '10.1.10.2']));
  assert.equal(lab.gateway.installed.length, 2);
});

test('three wrong passwords: asked three times, told FAIL, the IKE SA deleted with the reason; no tunnel', async () => {
  const lab = new RaLab(concentratorConfig(), [{ ...GOOD, password: 'wrong-secret' }]);
  const client = only(lab.clients);
  lab.connect(client);
  await lab.run(20);
  const xauth = lab.gateway.of('xauth');
  assert.equal(xauth.filter((e) => e.step === 'request').length, 3);
  assert.deepEqual(
    xauth.filter((e) => e.step === 'rejected').map((e) => [e.tries, e.method]),
    [
      [1, 'local'],
      [2, 'local'],
      [3, 'local'],
    ],
  );
  assert.equal(xauth.find((e) => e.step === 'set')?.status, 'FAIL');
  const deleted = only(lab.gateway.of('ikeSaDeleted'));
  assert.match(deleted.reason, /XAUTH failed for user ciscouser after 3 tries: bad username or password/);
  assert.equal(lab.gateway.engine.listIkeSas(lab.now).length, 0);
  assert.equal(client.engine.listIkeSas(lab.now).length, 0, 'the client followed the DELETE');
  assert.equal(lab.gateway.installed.length + client.installed.length, 0);
  assert.equal(lab.pools.views()[0]?.leases.length, 0, 'no address was leased');
  assert.ok(!JSON.stringify(lab.gateway.events).includes('wrong-secret'));
});

test('a login list that never answers: XAUTH times out and the IKE SA goes, saying so', async () => {
  const lab = new RaLab(concentratorConfig(), [GOOD], { verify: () => undefined, xauthTimeout: 30 });
  const client = only(lab.clients);
  lab.connect(client);
  await lab.run(20);
  assert.equal(lab.gateway.engine.listIkeSas(lab.now).length, 1, 'still waiting at 20 s');
  await lab.run(60);
  const deleted = only(lab.gateway.of('ikeSaDeleted'));
  assert.equal(deleted.reason, 'XAUTH timeout waiting for login list xauth: no answer in 30 s');
  assert.equal(client.installed.length, 0);
});

test('a client that does not answer XAUTH gets no quick mode: QM1 is dropped until the timeout deletes the SA', async () => {
  const lab = new RaLab(concentratorConfig(), [], { xauthTimeout: 30 });
  // A plain site-to-site initiator (no XAUTH client): it starts quick mode right after phase 1.
  const plain = new RaNode(
    GOOD.address,
    new IkeManager({
      config: clientConfig(GOOD.address),
      rng: seededRng('plain'),
      localAddresses: [GOOD.address],
    }),
  );
  lab.clients.push(plain);
  lab.apply(plain, plain.engine.acquire({ peer: GATEWAY, selector: clientSelector(GOOD.address) }, lab.now));
  await lab.run(5);
  assert.ok(
    lab.gateway.of('drop').some((d) => d.reason === 'quick mode before XAUTH and Mode Config completed'),
  );
  assert.equal(lab.gateway.installed.length, 0);
  await lab.run(40);
  assert.match(
    only(lab.gateway.of('ikeSaDeleted')).reason,
    /XAUTH timeout waiting for the username and password/,
  );
});

test('an exhausted pool fails that client alone, with a message naming the pool', async () => {
  const specs = ['198.51.100.1', '198.51.100.2', '198.51.100.3'].map((address) => ({ ...GOOD, address }));
  const lab = new RaLab(concentratorConfig({ pool: ['10.1.10.1', '10.1.10.2'] }), specs);
  for (const c of lab.clients) lab.connect(c);
  await lab.run(10);
  const failed = lab.gateway.of('modeConfig').filter((e) => e.step === 'failed');
  assert.equal(failed.length, 1);
  assert.match(failed[0]?.reason ?? '', /address pool mypool exhausted \(all 2 addresses in use\)/);
  const served = lab.clients.filter((c) => c.installed.length === 1);
  assert.equal(served.length, 2);
  assert.deepEqual(served.map((c) => c.address4).sort(), ['10.1.10.1', '10.1.10.2']);
});

test('twenty clients at once: each its own address and tunnel; one wrong password disturbs nobody', async () => {
  const specs: ClientSpec[] = Array.from({ length: 20 }, (_, i) => ({
    ...GOOD,
    address: `203.0.113.${i + 10}`,
    modeConfig: i % 2 === 0 ? 'pull' : 'push',
    ...(i === 7 ? { password: 'not-it' } : {}),
  }));
  const lab = new RaLab(concentratorConfig(), specs);
  for (const c of lab.clients) lab.connect(c);
  await lab.run(30);
  const up = lab.clients.filter((c) => c.installed.length === 1);
  assert.equal(up.length, 19);
  assert.ok(!up.some((c) => c.address === '203.0.113.17'));
  const addresses = up.map((c) => c.address4);
  assert.equal(new Set(addresses).size, 19, 'nineteen different addresses');
  assert.equal(lab.gateway.engine.listIkeSas(lab.now).length, 19);
  assert.equal(lab.pools.views()[0]?.leases.length, 19);
  // Each tunnel on the gateway is bound to its client's address.
  for (const c of up)
    assert.ok(gatewaySelectors(lab).includes(`${c.address} ${c.address4 ?? ''}-${c.address4 ?? ''}`));
});

test('a LAN-to-LAN peer whose key says no-xauth no-config-mode skips both (Example 13-21)', async () => {
  const peer = '192.168.10.2';
  const lab = new RaLab(
    concentratorConfig({
      extra: `crypto isakmp key ${'cisco123'} address ${peer} 255.255.255.255 no-xauth no-config-mode`,
    }),
    [],
  );
  const l2l = new RaNode(
    peer,
    new IkeManager({ config: clientConfig(peer), rng: seededRng('l2l'), localAddresses: [peer] }),
  );
  lab.clients.push(l2l);
  lab.apply(l2l, l2l.engine.acquire({ peer: GATEWAY, selector: clientSelector('10.1.1.0') }, lab.now));
  await lab.run(5);
  assert.equal(lab.gateway.of('xauth').length + lab.gateway.of('modeConfig').length, 0);
  assert.equal(l2l.installed.length, 1);
});

test('a client given an address may offer no other as its proxy ID (dynamic map with no ACL)', async () => {
  const lab = new RaLab(concentratorConfig({ modes: ['respond'] }), [GOOD]);
  const client = only(lab.clients);
  lab.connect(client);
  await lab.run(10);
  assert.equal(client.address4, '10.1.10.1');
  lab.apply(
    client,
    client.engine.acquire({ peer: GATEWAY, selector: clientSelector('10.1.10.99') }, lab.now),
  );
  await lab.run(20);
  const refused = lab.gateway.of('proxyIdRefused');
  assert.equal(refused.length, 1, JSON.stringify(lab.gateway.of('drop')));
  assert.match(JSON.stringify(refused[0]), /only 10\.1\.10\.1, the client's Mode Config address/);
  assert.equal(lab.gateway.installed.length, 1, 'only the tunnel from 10.1.10.1');
});

const PIX = parseConfig(readFileSync(fixture('chapter/example-13-21.cfg'), 'utf8'), '13-21.cfg');
const PIX_OUTSIDE = '192.168.10.1';

test('Example 13-21 (PIX): XAUTH through aaa-server myserver, the address from vpnpool', async () => {
  const asked: string[] = [];
  const aaa: ServerGroupFactories = {
    serverGroup: (_config, group) => ({
      name: `group ${group}`,
      authenticate: (username) => {
        asked.push(`${group} ${username}`);
        return Promise.resolve({ kind: 'accept' });
      },
    }),
  };
  const lab = new RaLab(PIX, [{ ...GOOD, address: '171.68.118.143' }], {
    gateway: PIX_OUTSIDE,
    key: 'mysecretkey',
    aaa,
  });
  const client = only(lab.clients);
  lab.connect(client);
  await lab.run(10);
  assert.deepEqual(asked, ['myserver ciscouser']);
  assert.equal(client.address4, '10.1.100.240');
  assert.equal(client.installed.length, 1);
});

test('Example 13-21 (PIX): without a TACACS+ client the server group answers error, three times, and the SA goes', async () => {
  const lab = new RaLab(PIX, [GOOD], { gateway: PIX_OUTSIDE, key: 'mysecretkey' });
  const client = only(lab.clients);
  lab.connect(client);
  await lab.run(10);
  assert.match(
    only(lab.gateway.of('ikeSaDeleted')).reason,
    /XAUTH failed for user ciscouser after 3 tries: server group myserver is not available/,
  );
});

test('Example 13-21 (PIX): the L2LRouter, keyed with no-xauth no-config-mode, gets its tunnel without either', async () => {
  const lab = new RaLab(PIX, [], { gateway: PIX_OUTSIDE });
  const l2l = new RaNode(
    '192.168.10.2',
    new IkeManager({
      config: clientConfig('192.168.10.2', PIX_OUTSIDE, 'myotherkey'),
      rng: seededRng('l2l'),
      localAddresses: ['192.168.10.2'],
    }),
  );
  lab.clients.push(l2l);
  const selector = { ...clientSelector('10.1.1.1', { start: '20.1.1.1', end: '20.1.1.1' }) };
  lab.apply(l2l, l2l.engine.acquire({ peer: PIX_OUTSIDE, selector }, lab.now));
  await lab.run(5);
  assert.equal(lab.gateway.of('xauth').length + lab.gateway.of('modeConfig').length, 0);
  assert.equal(l2l.installed.length, 1, JSON.stringify(lab.gateway.of('proxyIdRefused')));
});
