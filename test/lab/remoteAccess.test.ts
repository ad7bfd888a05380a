// `typeswan lab remote-access` and `typeswan lab pix` with the real engines: the VPN client
// connects, XAUTH asks for and checks its user (asynchronously, as the gateway's AAA does, so
// the runner lets promises settle between slices of virtual time), Mode Config gives it the
// pool's first address, and its host's pings from that address cross the tunnel. On the PIX
// the LAN-to-LAN peer exempted by `no-xauth no-config-mode` goes straight to quick mode.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { runLabAsync } from '../../src/lab/run.js';
import { realEngines } from '../../src/lab/engines.js';
import { findScenario, type Scenario } from '../../src/lab/scenarios/index.js';
import {
  EXAMPLE_13_19_CONCENTRATOR,
  EXAMPLE_13_21_PIX,
  EXAMPLE_13_22_L2L_ROUTER,
} from '../../src/lab/scenarios/remoteAccess.js';
import { fixture } from '../util/fixtures.js';
import { assertInOrder } from '../util/inOrder.js';

function scenario(name: string): Scenario {
  const s = findScenario(name);
  assert.ok(s, name);
  return s;
}

async function run(
  s: Scenario,
): Promise<{ ok: boolean; text: string; result: Awaited<ReturnType<typeof runLabAsync>> }> {
  const lines: string[] = [];
  const result = await runLabAsync(s, s.routers, realEngines, { out: (l) => lines.push(l) });
  return { ok: result.ok, text: lines.join('\n'), result };
}

/** The lines of `text` that start with `router: `, as one string. */
function of(text: string, router: string): string {
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${router}: `))
    .join('\n');
}

test('the embedded Examples 13-19, 13-21 and 13-22 are the chapter texts (fixture copies)', () => {
  for (const [text, n] of [
    [EXAMPLE_13_19_CONCENTRATOR, '19'],
    [EXAMPLE_13_21_PIX, '21'],
    [EXAMPLE_13_22_L2L_ROUTER, '22'],
  ] as const)
    assert.equal(text, readFileSync(fixture(`chapter/example-13-${n}.cfg`), 'utf8'), `Example 13-${n}`);
});

test('lab remote-access: XAUTH with the local user, the pool address, five echoes from it through the tunnel', async () => {
  const { ok, text, result } = await run(scenario('remote-access'));
  assert.equal(ok, true, text.slice(-3000));
  const concentrator = of(text, 'Concentrator');
  // Phase 1.5 in order, as IOS prints it (the chapter's Figures 13-36 to 13-40).
  const steps = [
    'ISAKMP (0:1): Need XAUTH',
    'ISAKMP/xauth: request attribute XAUTH_USER_NAME_V2',
    'ISAKMP/xauth: request attribute XAUTH_USER_PASSWORD_V2',
    'ISAKMP (0:1): initiating peer config to 171.68.118.143. ID = ',
    'ISAKMP: Config payload REPLY',
    'ISAKMP (0:1): Xauth process request: user ciscouser, login list xauth',
    'ISAKMP (0:1): Xauth: user ciscouser authenticated by local',
    'ISAKMP/xauth: set attribute XAUTH_STATUS_V2 = OK',
    'ISAKMP: Config payload ACK',
    'ISAKMP: Config payload REQUEST',
    'ISAKMP (0:1): checking request:',
    'ISAKMP:    IP4_ADDRESS',
    // Example 13-19's pool starts at 10.1.10.0.
    'ISAKMP (0:1): allocating address 10.1.10.0',
    'ISAKMP (0:1): responding to peer config from 171.68.118.143',
    '(proxy 10.1.10.0 to 11.10.1.0)',
  ];
  assertInOrder(concentrator, steps);
  assert.ok(!text.includes('cisco1234'), 'the password is in no line');
  assert.match(text, /VPNClient: Mode Config address 10\.1\.10\.0 on host-VPNClient/);
  assert.match(text, /host-VPNClient#ping 11\.10\.1\.2 source 10\.1\.10\.0\n/);
  // Connected before the ping: no echo is lost to IKE.
  assert.match(text, /\n!!!!!\nSuccess rate is 100 percent \(5\/5\)/);
  const [ping] = result.pings;
  assert.equal(ping?.from, '10.1.10.0');
  assert.equal(ping?.encaps, 5);
  assert.equal(ping?.decaps, 5);
  assert.match(
    text,
    /Concentrator#show ip local pool\n[\s\S]*mypool\s+10\.1\.10\.0\s+10\.1\.10\.254\s+254\s+1/,
  );
  assert.match(text, /10\.1\.10\.0\s+171\.68\.118\.143/);
  assert.match(
    text,
    /Concentrator#show crypto ipsec sa[\s\S]*remote ident \(addr\/mask\/prot\/port\): \(10\.1\.10\.0\/255\.255\.255\.255\/0\/0\)/,
  );
});

test('lab remote-access with a wrong password: three tries, the IKE SA deleted, no address, FAIL', async () => {
  const base = scenario('remote-access');
  const wrong: Scenario = {
    ...base,
    remoteAccess: { clients: [{ router: 1, username: 'ciscouser', password: 'not-it' }] },
  };
  const { ok, text } = await run(wrong);
  assert.equal(ok, false);
  assert.match(text, /Xauth: user ciscouser refused by local \(bad username or password\), try 3/);
  assert.match(text, /VPNClient: not connected: XAUTH refused by the gateway/);
  assert.match(text, /XAUTH failed for user ciscouser after 3 tries: bad username or password/);
  assert.doesNotMatch(text, /allocating address/);
  assert.ok(!text.includes('not-it'));
  assert.match(text, /lab: FAIL/);
});

test('lab pix: the L2LRouter tunnel without XAUTH or Mode Config, the VPN client with both', async () => {
  const { ok, text, result } = await run(scenario('pix'));
  assert.equal(ok, true, text.slice(-3000));
  const pix = of(text, 'pixfirewall');
  // One XAUTH, one address: the client's. The LAN-to-LAN peer is exempt.
  assert.equal(pix.split('Need XAUTH').length - 1, 1);
  assert.doesNotMatch(pix, /sending packet to 192\.168\.10\.2 \(R\) CONF_(XAUTH|ADDR)/);
  assert.match(pix, /initiating peer config to 192\.168\.10\.143/);
  assert.match(pix, /Xauth process request: user ciscouser, login list group myserver/);
  assert.match(pix, /Xauth: user ciscouser authenticated by group myserver/);
  assert.match(pix, /allocating address 10\.1\.100\.240/);
  assert.match(pix, /\(proxy 10\.1\.1\.1 to 20\.1\.1\.1\)/);
  assert.match(pix, /\(proxy 10\.1\.100\.240 to 20\.1\.1\.1\)/);
  const [l2l, client] = result.pings;
  assert.deepEqual([l2l?.from, l2l?.to, l2l?.tunnelOk], ['10.1.1.1', '20.1.1.1', true]);
  assert.deepEqual([client?.from, client?.to, client?.tunnelOk], ['10.1.100.240', '20.1.1.1', true]);
  // The traffic-triggered LAN-to-LAN tunnel loses its first echo; the connected client none.
  assert.deepEqual(l2l?.result.replies.map((r) => (r === undefined ? '.' : '!')).join(''), '.!!!!');
  assert.equal(client?.encaps, 5);
  assert.match(
    text,
    /pixfirewall#show ip local pool\n[\s\S]*vpnpool\s+10\.1\.100\.240\s+10\.1\.100\.250\s+10\s+1/,
  );
  const [pixGateway] = result.gateways;
  assert.equal(pixGateway?.isakmpSas().length, 2);
  for (const sa of pixGateway?.isakmpSas() ?? []) assert.equal(sa.state, 'QM_IDLE');
});
