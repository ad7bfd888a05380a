// Login lists of a configuration run against real servers: FreeRADIUS and the TACACS+ test
// server, through loginMethods + serverGroups + runMethodList, as XAUTH calls them.

import assert from 'node:assert/strict';
import type { Socket } from 'node:dgram';
import { after, before, describe, test } from 'node:test';
import { type AaaIo, loginMethods, nodeAaaIo, runMethodList, serverGroups } from '../../src/aaa/index.js';
import { parseConfig } from '../../src/config/index.js';
import { redactSecrets } from '../../src/config/redact.js';
import { type Freeradius, boundUdp, freeradiusSkipReason, startFreeradius } from './freeradius.js';
import { type TestTacacsServer, closedTcpPort, startTacacsServer } from './tacacsServer.js';

const skip = freeradiusSkipReason();
if (skip !== undefined) console.log(`# skipped: login lists against FreeRADIUS: ${skip}`);

const RADIUS_KEY = 'tsaa radius key';
const TACACS_KEY = 'tsaa tacacs key';

/**
 * The host's sockets, with the PIX's fixed ports (RADIUS 1645, TACACS+ 49) on documentation
 * addresses redirected to the test servers on loopback; records where each request went.
 */
function redirectingIo(routes: Map<string, number>, asked: string[]): AaaIo {
  const target = (host: string, port: number): [string, number] => {
    asked.push(`${host}:${port}`);
    const to = routes.get(`${host}:${port}`);
    return to === undefined ? [host, port] : ['127.0.0.1', to];
  };
  return {
    randomBytes: nodeAaaIo.randomBytes,
    tcp: (host, port, timeoutMs) => nodeAaaIo.tcp(...target(host, port), timeoutMs),
    async udp(host, port) {
      const socket = await nodeAaaIo.udp(...target(host, port));
      return {
        ...socket,
        localAddress: socket.localAddress,
        // The reply came from the redirect target: it stands for the configured server.
        onMessage: (handler) => socket.onMessage((data) => handler(data, { address: host, port })),
      };
    },
  };
}

describe('login lists against FreeRADIUS and the TACACS+ test server', { skip, timeout: 90_000 }, () => {
  let fr: Freeradius;
  let tac: TestTacacsServer;
  let dead: Socket;
  let deadTcp: number;
  before(async () => {
    fr = await startFreeradius({ secret: RADIUS_KEY, users: [{ name: 'alice', password: 'radius-pw' }] });
    tac = await startTacacsServer({ key: TACACS_KEY, users: { alice: 'tacacs-pw' } });
    dead = await boundUdp();
    deadTcp = await closedTcpPort();
  });
  after(async () => {
    await fr?.stop();
    await tac?.close();
    dead?.close();
  });

  const ios = (): string => `hostname vpn-gw
aaa new-model
aaa authentication login rad group radius local
aaa authentication login tac group tacacs+ local
aaa authentication login old radius local
aaa authentication login radonly group radius
username alice password 0 local-pw
radius-server host 127.0.0.1 auth-port ${dead.address().port} timeout 1 retransmit 1
radius-server host 127.0.0.1 auth-port ${fr.port}
radius-server key ${RADIUS_KEY}
radius-server timeout 2
radius-server retransmit 0
tacacs-server host 127.0.0.1 port ${deadTcp}
tacacs-server host 127.0.0.1 port ${tac.port}
tacacs-server key ${TACACS_KEY}
tacacs-server timeout 2
`;

  test('group radius: the first radius-server host is dead, the second (FreeRADIUS) answers; a reject is final', async () => {
    const config = parseConfig(ios(), 'vpn.cfg');
    const methods = loginMethods(config, 'rad', serverGroups());
    assert.deepEqual(
      methods.map((m) => m.name),
      ['group radius', 'local'],
    );
    assert.deepEqual(await runMethodList(methods, 'alice', 'radius-pw'), {
      outcome: { kind: 'accept' },
      method: 'group radius',
    });
    // FreeRADIUS rejects: IOS does not go on to `local`, where this password would pass.
    const rejected = await runMethodList(methods, 'alice', 'local-pw');
    assert.equal(rejected.method, 'group radius');
    assert.equal(rejected.outcome.kind, 'reject');
  });

  test('group radius local with every RADIUS server down: local answers', async () => {
    const config = parseConfig(
      ios().replace(`auth-port ${fr.port}\n`, `auth-port ${dead.address().port}\n`),
      'vpn.cfg',
    );
    const methods = loginMethods(config, 'rad', serverGroups());
    assert.deepEqual(await runMethodList(methods, 'alice', 'local-pw'), {
      outcome: { kind: 'accept' },
      method: 'local',
    });
    const wrong = await runMethodList(methods, 'alice', 'radius-pw');
    assert.deepEqual(wrong, {
      outcome: { kind: 'reject', reason: 'bad username or password' },
      method: 'local',
    });
    const only = await runMethodList(loginMethods(config, 'radonly', serverGroups()), 'alice', 'local-pw');
    assert.equal(only.outcome.kind, 'error');
    const reason = only.outcome.kind === 'error' ? only.outcome.reason : '';
    assert.ok(!reason.includes('local-pw') && !reason.includes(RADIUS_KEY), reason);
  });

  test('the IOS 11 form `radius local` is group radius', async () => {
    const config = parseConfig(ios(), 'vpn.cfg');
    const methods = loginMethods(config, 'old', serverGroups());
    assert.deepEqual(
      methods.map((m) => m.name),
      ['group radius', 'local'],
    );
    const result = await runMethodList(methods, 'alice', 'radius-pw');
    assert.deepEqual(result, { outcome: { kind: 'accept' }, method: 'group radius' });
  });

  test('group tacacs+: the first tacacs-server host refuses, the second answers; down entirely, local answers', async () => {
    const config = parseConfig(ios(), 'vpn.cfg');
    const methods = loginMethods(config, 'tac', serverGroups());
    assert.deepEqual(await runMethodList(methods, 'alice', 'tacacs-pw'), {
      outcome: { kind: 'accept' },
      method: 'group tacacs+',
    });
    assert.deepEqual(await runMethodList(methods, 'alice', 'local-pw'), {
      outcome: { kind: 'reject', reason: 'TACACS+ FAIL: Authentication failed' },
      method: 'group tacacs+',
    });
    const down = parseConfig(ios().replace(`port ${tac.port}\n`, `port ${deadTcp}\n`), 'vpn.cfg');
    const viaLocal = await runMethodList(loginMethods(down, 'tac', serverGroups()), 'alice', 'local-pw');
    assert.deepEqual(viaLocal, { outcome: { kind: 'accept' }, method: 'local' });
  });

  test('aaa group server: `server A` takes the radius-server host A (its key), server-private its own; a reject is final', async () => {
    const config = parseConfig(
      `${ios()}aaa group server radius RAD1
 server 127.0.0.1 auth-port ${fr.port}
aaa group server radius PRIV
 server-private 127.0.0.1 auth-port ${dead.address().port} timeout 1 retransmit 0 key ${RADIUS_KEY}
 server-private 127.0.0.1 auth-port ${fr.port} timeout 2 key ${RADIUS_KEY}
aaa group server radius NOHOST
 server 192.0.2.99
aaa group server tacacs+ TAC1
 server 127.0.0.1
aaa authentication login named group RAD1 local
aaa authentication login priv group PRIV
aaa authentication login nohost group NOHOST local
aaa authentication login tacnamed group TAC1
`,
      'vpn.cfg',
    );
    const named = loginMethods(config, 'named', serverGroups());
    assert.deepEqual(
      named.map((m) => m.name),
      ['group RAD1', 'local'],
    );
    assert.deepEqual(await runMethodList(named, 'alice', 'radius-pw'), {
      outcome: { kind: 'accept' },
      method: 'group RAD1',
    });
    const rejected = await runMethodList(named, 'alice', 'local-pw');
    assert.deepEqual([rejected.method, rejected.outcome.kind], ['group RAD1', 'reject']);
    // The first private member does not answer: the second (FreeRADIUS) does.
    assert.deepEqual(
      await runMethodList(loginMethods(config, 'priv', serverGroups()), 'alice', 'radius-pw'),
      {
        outcome: { kind: 'accept' },
        method: 'group PRIV',
      },
    );
    // A member without its radius-server host: the group cannot answer, local does.
    const nohost = await runMethodList(loginMethods(config, 'nohost', serverGroups()), 'alice', 'local-pw');
    assert.deepEqual(nohost, { outcome: { kind: 'accept' }, method: 'local' });
    const [noHostGroup] = loginMethods(config, 'nohost', serverGroups());
    assert.deepEqual(await noHostGroup?.authenticate('alice', 'x'), {
      kind: 'error',
      reason: 'group NOHOST: aaa group server radius NOHOST: no radius-server host 192.0.2.99',
    });
    // `server 127.0.0.1` in a tacacs+ group: the first tacacs-server host 127.0.0.1 (refusing).
    const tacNamed = await runMethodList(
      loginMethods(config, 'tacnamed', serverGroups()),
      'alice',
      'tacacs-pw',
    );
    assert.deepEqual([tacNamed.method, tacNamed.outcome.kind], ['group TAC1', 'error']);
  });

  test('a model read back from check --json has no keys: its servers are unusable, never keyed by the mask', async () => {
    const config = redactSecrets(parseConfig(ios(), 'vpn.cfg'));
    const result = await runMethodList(loginMethods(config, 'radonly', serverGroups()), 'alice', 'radius-pw');
    assert.deepEqual(result.outcome, {
      kind: 'error',
      reason: 'group radius: no key for RADIUS server 127.0.0.1, 127.0.0.1',
    });
  });

  test('PIX: client authentication TAG reaches the aaa-server group of its protocol (RADIUS 1645, TACACS+ 49)', async () => {
    const pix = parseConfig(
      `PIX Version 6.3(1)
hostname pixfirewall
nameif ethernet0 outside security0
nameif ethernet1 inside security100
aaa-server RAD protocol radius
aaa-server RAD (inside) host 192.0.2.10 ${RADIUS_KEY.replace(/ /g, '-')} timeout 2
aaa-server TAC protocol tacacs+
aaa-server TAC (inside) host 192.0.2.20 ${TACACS_KEY.replace(/ /g, '-')} timeout 2
`,
      'pix.cfg',
    );
    assert.equal(pix.dialect, 'pix');
    const asked: string[] = [];
    const [rfr, rtac] = await Promise.all([
      startFreeradius({
        secret: RADIUS_KEY.replace(/ /g, '-'),
        users: [{ name: 'bob', password: 'pix-pw' }],
      }),
      startTacacsServer({ key: TACACS_KEY.replace(/ /g, '-'), users: { bob: 'pix-tac' } }),
    ]);
    try {
      const io = redirectingIo(
        new Map([
          ['192.0.2.10:1645', rfr.port],
          ['192.0.2.20:49', rtac.port],
        ]),
        asked,
      );
      const rad = loginMethods(pix, 'group RAD', serverGroups(io));
      assert.deepEqual(await runMethodList(rad, 'bob', 'pix-pw'), {
        outcome: { kind: 'accept' },
        method: 'group RAD',
      });
      assert.equal((await runMethodList(rad, 'bob', 'pix-tac')).outcome.kind, 'reject');
      const tacl = loginMethods(pix, 'group TAC', serverGroups(io));
      assert.deepEqual(await runMethodList(tacl, 'bob', 'pix-tac'), {
        outcome: { kind: 'accept' },
        method: 'group TAC',
      });
      assert.deepEqual([...new Set(asked)], ['192.0.2.10:1645', '192.0.2.20:49']);
      const none = await runMethodList(loginMethods(pix, 'group NOSUCH', serverGroups(io)), 'bob', 'x');
      assert.deepEqual(none.outcome, { kind: 'error', reason: 'server group NOSUCH is not available' });
    } finally {
      await rfr.stop();
      await rtac.close();
    }
  });
});
