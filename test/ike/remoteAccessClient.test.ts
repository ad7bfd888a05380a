// The client side of XAUTH and Mode Config (the VPN Client of Example 13-20), in memory against
// the typeswan Concentrator: what its phase-1 offer says (XAUTHInitPreShared before plain
// pre-share, the authentication method a strongSwan XAUTH server requires).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IkeManager } from '../../src/ike/index.js';
import { decodeMessage, findPayload, PayloadType, attributeNumber } from '../../src/wire/index.js';
import {
  clientConfig,
  clientSelector,
  concentratorConfig,
  GATEWAY,
  PROTECTED,
  RaLab,
  RaNode,
} from './remoteAccessLab.js';
import { seededRng } from './harness.js';
import type { TrafficSelector } from '../../src/policy/model.js';

const CLIENT = '171.68.118.143';
/** draft-ietf-ipsec-isakmp-xauth-06 §4 (and strongSwan's AUTH_XAUTH_INIT_PSK): 65001. */
const XAUTH_INIT_PRE_SHARED = 65001;
/** RFC 2409 App. A: authentication method 1, pre-shared key; attribute type 3. */
const PRE_SHARED = 1;
const AUTHENTICATION_METHOD = 3;

/** The authentication methods of the transforms in `engine`'s first message toward the gateway. */
function offeredMethods(engine: IkeManager): (number | undefined)[] {
  const first = engine
    .acquire({ peer: GATEWAY, selector: clientSelector(CLIENT) }, 0)
    .find((a) => a.kind === 'send');
  assert.ok(first?.kind === 'send');
  const sa = findPayload(decodeMessage(first.data).payloads, PayloadType.SA);
  assert.ok(sa);
  return (sa.proposals[0]?.transforms ?? []).map((t) => {
    const a = t.attributes.find((x) => x.type === AUTHENTICATION_METHOD);
    return a === undefined ? undefined : attributeNumber(a);
  });
}

test('an XAUTH client offers each pre-share policy as XAUTHInitPreShared first, then as pre-share', () => {
  const client = new IkeManager({
    config: clientConfig(CLIENT),
    rng: seededRng('client'),
    localAddresses: [CLIENT],
    remoteAccessClient: { credentials: () => ({ username: 'u', password: 'p' }) },
  });
  assert.deepEqual(offeredMethods(client), [XAUTH_INIT_PRE_SHARED, PRE_SHARED]);
  const router = new IkeManager({
    config: clientConfig(CLIENT),
    rng: seededRng('router'),
    localAddresses: [CLIENT],
  });
  assert.deepEqual(offeredMethods(router), [PRE_SHARED]);
});

test('the Concentrator takes the XAUTHInitPreShared transform and the client adopts it as pre-share', async () => {
  const lab = new RaLab(concentratorConfig({ modes: ['respond'] }), [
    { address: CLIENT, username: 'ciscouser', password: 'cisco1234', modeConfig: 'pull' },
  ]);
  const [client] = lab.clients;
  assert.ok(client);
  lab.connect(client);
  await lab.run(10);
  assert.equal(client.address4, '10.1.10.1');
  assert.deepEqual(
    client.engine.listIkeSas(lab.now).map((s) => [s.state, s.authentication]),
    [['QM_IDLE', 'pre-share']],
  );
  assert.equal(client.installed.length, 1);
});

test('with a group name the client starts aggressive mode identified as ID_KEY_ID NAME', () => {
  const client = new IkeManager({
    config: clientConfig(CLIENT),
    rng: seededRng('client'),
    localAddresses: [CLIENT],
    remoteAccessClient: { credentials: () => ({ username: 'u', password: 'p' }), group: 'vpngroup' },
  });
  const first = client
    .acquire({ peer: GATEWAY, selector: clientSelector(CLIENT) }, 0)
    .find((a) => a.kind === 'send');
  assert.ok(first?.kind === 'send');
  const message = decodeMessage(first.data);
  // RFC 2408 §3.1: exchange type 4 is Aggressive; RFC 2407 §4.6.2.1: ID type 11 is ID_KEY_ID.
  assert.equal(message.header.exchangeType, 4);
  const id = findPayload(message.payloads, PayloadType.ID);
  assert.equal(id?.idType, 11);
  assert.equal(Buffer.from(id?.data ?? []).toString('utf8'), 'vpngroup');
});

/** A client of group `group` (key `groupKey`) against a Concentrator with group vpngroup, run for 10 s. */
async function groupClient(group: string, groupKey: string): Promise<{ lab: RaLab; client: RaNode }> {
  const extra = `crypto isakmp client configuration group vpngroup\n key ${groupKey}`;
  const spec = { address: CLIENT, username: 'ciscouser', password: 'cisco1234', modeConfig: 'pull' } as const;
  const lab = new RaLab(concentratorConfig({ modes: ['respond'], extra }), [{ ...spec, group }], {
    key: groupKey,
  });
  const [client] = lab.clients;
  assert.ok(client);
  lab.connect(client);
  await lab.run(10);
  return { lab, client };
}

test('the Concentrator selects the group key by the client ID_KEY_ID (crypto isakmp client configuration group)', async () => {
  const { lab, client } = await groupClient('vpngroup', 'group-secret-17');
  assert.equal(client.address4, '10.1.10.1');
  assert.deepEqual(
    lab.gateway.engine.listIkeSas(lab.now).map((s) => [s.exchange, s.peerId, s.state]),
    [['aggressive', 'vpngroup', 'QM_IDLE']],
  );
  assert.equal(client.installed.length, 1);
  // Another group name finds no group key: the wildcard key (cisco123) is not the client's.
  const stranger = (await groupClient('other', 'group-secret-17')).client;
  assert.equal(stranger.address4, undefined);
  assert.equal(stranger.installed.length, 0);
});

/** The client's ACL line toward `network` (`access-list 101 permit ip any NET`): local is any. */
function aclSelector(network: { readonly start: string; readonly end: string }): TrafficSelector {
  return { ...clientSelector('0.0.0.0', network), localEnd: '255.255.255.255' };
}

test('after Mode Config the client proposes its assigned address, not the ACL any, as its proxy ID', async () => {
  const lab = new RaLab(concentratorConfig({ modes: ['respond'] }), [
    { address: CLIENT, username: 'ciscouser', password: 'cisco1234', modeConfig: 'pull' },
  ]);
  const [client] = lab.clients;
  assert.ok(client);
  lab.apply(client, client.engine.acquire({ peer: GATEWAY, selector: aclSelector(PROTECTED) }, lab.now));
  await lab.run(10);
  assert.equal(client.address4, '10.1.10.1');
  // Traffic to a second network once phase 1.5 is over: its acquire carries the ACL line.
  const second = { start: '11.10.2.0', end: '11.10.2.255' };
  lab.apply(client, client.engine.acquire({ peer: GATEWAY, selector: aclSelector(second) }, lab.now));
  await lab.run(20);
  const locals = client.installed.map((i) => {
    const s = i.pairs[0]?.outbound.selector;
    return [s?.localStart, s?.localEnd, s?.remoteStart];
  });
  assert.deepEqual(
    locals.sort((a, b) => String(a[2]).localeCompare(String(b[2]))),
    [
      ['10.1.10.1', '10.1.10.1', '11.10.1.0'],
      ['10.1.10.1', '10.1.10.1', '11.10.2.0'],
    ],
  );
  assert.deepEqual(client.of('proxyIdRefused'), []);
  assert.deepEqual(lab.gateway.of('proxyIdRefused'), []);
});
