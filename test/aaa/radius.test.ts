// typeswan's RADIUS client against FreeRADIUS 3.2 on loopback.

import assert from 'node:assert/strict';
import type { Socket } from 'node:dgram';
import { after, before, describe, test } from 'node:test';
import { nodeAaaIo } from '../../src/aaa/io.js';
import { type RadiusServer, radiusMethod } from '../../src/aaa/radius.js';
import {
  type Freeradius,
  boundUdp,
  freeUdpPort,
  freeradiusSkipReason,
  startFreeradius,
} from './freeradius.js';

const skip = freeradiusSkipReason();
if (skip !== undefined) console.log(`# skipped: RADIUS against FreeRADIUS: ${skip}`);

const SECRET = 'tsaa-shared-secret';
const PASSWORD = 'wonder land/0123456789abcdef'; // 28 bytes: two §5.2 blocks

function server(port: number, secret = SECRET, timeoutMs = 400, retransmit = 2): RadiusServer {
  return { host: '127.0.0.1', port, secret, timeoutMs, retransmit };
}

/**
 * A UDP relay in front of FreeRADIUS that can rewrite each reply and answer from another
 * port: a man in the middle for the client's reply checks.
 */
async function relay(
  target: number,
  rewrite: (reply: Buffer) => Buffer,
  answerFrom?: Socket,
): Promise<{ port: number; close(): void }> {
  const front = await boundUdp();
  const back = await boundUdp();
  let client: { address: string; port: number } | undefined;
  front.on('message', (msg, rinfo) => {
    client = { address: rinfo.address, port: rinfo.port };
    back.send(msg, target, '127.0.0.1');
  });
  back.on('message', (msg) => {
    if (client) (answerFrom ?? front).send(rewrite(Buffer.from(msg)), client.port, client.address);
  });
  return {
    port: front.address().port,
    close: () => {
      front.close();
      back.close();
    },
  };
}

describe('RADIUS against FreeRADIUS', { skip, timeout: 60_000 }, () => {
  let fr: Freeradius;
  let signing: Freeradius;
  before(async () => {
    const users = [{ name: 'alice', password: PASSWORD }];
    fr = await startFreeradius({ secret: SECRET, users });
    signing = await startFreeradius({ secret: SECRET, users, replyMessageAuthenticator: true });
  });
  after(async () => {
    await fr?.stop();
    await signing?.stop();
  });

  test('right password accepted; FreeRADIUS decodes the hidden password, Message-Authenticator and NAS attributes', async () => {
    const m = radiusMethod('group radius', [server(fr.port)], 'vpn-gw', nodeAaaIo);
    assert.deepEqual(await m.authenticate('alice', PASSWORD), { kind: 'accept' });
    const log = fr.log();
    // FreeRADIUS -X prints the User-Password as it recovered it with the shared secret.
    assert.match(log, new RegExp(`User-Password = "${PASSWORD.replace(/[/]/g, '\\/')}"`));
    assert.match(log, /Message-Authenticator = 0x[0-9a-f]{32}/);
    assert.match(log, /NAS-IP-Address = 127\.0\.0\.1/);
    assert.match(log, /NAS-Port-Type = Virtual/);
  });

  test('wrong password rejected with the Reply-Message as reason; unknown user rejected', async () => {
    const m = radiusMethod('group radius', [server(fr.port)], 'vpn-gw', nodeAaaIo);
    assert.deepEqual(await m.authenticate('alice', 'wonderland'), {
      kind: 'reject',
      reason: 'Access-Reject: Password incorrect for alice',
    });
    assert.equal((await m.authenticate('mallory', PASSWORD)).kind, 'reject');
  });

  test("replies signed with a Message-Authenticator verify (FreeRADIUS's HMAC-MD5, RFC 3579 §3.2)", async () => {
    const m = radiusMethod('group radius', [server(signing.port)], 'vpn-gw', nodeAaaIo);
    assert.deepEqual(await m.authenticate('alice', PASSWORD), { kind: 'accept' });
    assert.equal((await m.authenticate('alice', 'nope')).kind, 'reject');
    // 20 header + 16 Reply-Message "Welcome, alice" + 18 Message-Authenticator.
    assert.match(
      signing.log(),
      /Sent Access-Accept [^\n]* length 54\n[^\n]*Reply-Message[^\n]*\n[^\n]*Message-Authenticator/,
    );
  });

  test('a dead first server: each try retransmitted unchanged, then the second server answers', async () => {
    const dead = await boundUdp();
    const seen: Buffer[] = [];
    dead.on('message', (msg) => seen.push(Buffer.from(msg)));
    try {
      const m = radiusMethod(
        'group radius',
        [server(dead.address().port, SECRET, 300, 2), server(fr.port)],
        'vpn-gw',
        nodeAaaIo,
      );
      assert.deepEqual(await m.authenticate('alice', PASSWORD), { kind: 'accept' });
      assert.equal(seen.length, 3); // the first try and `retransmit 2`
      assert.ok(
        seen.every((p) => p.equals(seen[0]!)),
        'retransmissions keep identifier and authenticator',
      );
    } finally {
      dead.close();
    }
  });

  test('a refused port (ICMP port unreachable on the connected socket) fails over without waiting', async () => {
    const closed = await freeUdpPort();
    const m = radiusMethod(
      'group radius',
      [server(closed, SECRET, 30_000, 3), server(fr.port)],
      'gw',
      nodeAaaIo,
    );
    assert.deepEqual(await m.authenticate('alice', PASSWORD), { kind: 'accept' });
  });

  test('no server answers: an error naming each server, so the next method is tried', async () => {
    const dead = await boundUdp();
    try {
      const m = radiusMethod('group radius', [server(dead.address().port, SECRET, 200, 1)], 'gw', nodeAaaIo);
      const out = await m.authenticate('alice', PASSWORD);
      assert.equal(out.kind, 'error');
      assert.match(
        out.kind === 'error' ? out.reason : '',
        /no RADIUS server answered \(127\.0\.0\.1:\d+ no valid reply after 2 tries\)/,
      );
    } finally {
      dead.close();
    }
  });

  test('a wrong shared secret is an error, never an accept: FreeRADIUS drops the request', async () => {
    const m = radiusMethod('group radius', [server(fr.port, 'not-the-secret', 300, 1)], 'gw', nodeAaaIo);
    const out = await m.authenticate('alice', PASSWORD);
    assert.equal(out.kind, 'error');
    assert.match(fr.log(), /invalid Message-Authenticator!? +\(Shared secret is incorrect\.\)/);
    const reason = out.kind === 'error' ? out.reason : '';
    assert.ok(!reason.includes(PASSWORD) && !reason.includes('not-the-secret'));
  });

  test('a reply changed on the way (Reject made Accept, another identifier, another source) is dropped', async () => {
    const cases: { name: string; rewrite: (b: Buffer) => Buffer; from?: Socket; why: RegExp }[] = [
      {
        name: 'code',
        rewrite: (b) => (b[0] === 3 ? Buffer.concat([Buffer.of(2), b.subarray(1)]) : b),
        why: /bad Response Authenticator/,
      },
      {
        name: 'identifier',
        rewrite: (b) => Buffer.concat([b.subarray(0, 1), Buffer.of(b[1]! ^ 1), b.subarray(2)]),
        why: /identifier/,
      },
      // The client's socket is connected: the kernel itself drops datagrams from elsewhere.
      { name: 'source', rewrite: (b) => b, from: await boundUdp(), why: /no valid reply after 2 tries\)$/ },
    ];
    for (const c of cases) {
      const r = await relay(fr.port, c.rewrite, c.from);
      try {
        const m = radiusMethod('group radius', [server(r.port, SECRET, 300, 1)], 'gw', nodeAaaIo);
        const out = await m.authenticate('alice', 'wrong password');
        assert.equal(out.kind, 'error', c.name);
        assert.match(out.kind === 'error' ? out.reason : '', c.why, c.name);
      } finally {
        r.close();
        c.from?.close();
      }
    }
  });
});
