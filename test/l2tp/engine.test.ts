// A LAC and an LNS in memory with a controlled clock and randomness: the control connection,
// the call, LCP, CHAP (MD5 and MS-CHAPv2, checked by the `local` AAA method), IPCP with a
// pool address, IP both ways; loss of control messages (retransmission, duplicates), HELLO,
// a wrong password, and CDN/StopCCN teardown.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { localMethod } from '../../src/aaa/local.js';
import { runChapMethodList } from '../../src/aaa/method.js';
import { L2tpEngine, type L2tpAction, type L2tpDatagram } from '../../src/l2tp/engine.js';
import { decodeL2tp } from '../../src/l2tp/message.js';
import { MessageType } from '../../src/l2tp/constants.js';
import type { PppAuth } from '../../src/ppp/session.js';

function counterRng(seed: number): (n: number) => Uint8Array {
  let x = seed;
  return (n) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      x = (x * 1103515245 + 12345) & 0x7fffffff;
      out[i] = x >>> 16;
    }
    return out;
  };
}

interface Pair {
  lns: L2tpEngine;
  lac: L2tpEngine;
  now: number;
  /** Datagrams in flight: to the LNS or to the LAC. */
  wire: { to: 'lns' | 'lac'; d: L2tpDatagram }[];
  upLns: L2tpAction[];
  upLac: L2tpAction[];
  ipAtLns: Uint8Array[];
  ipAtLac: Uint8Array[];
  down: string[];
  sent: { to: 'lns' | 'lac'; type: number | undefined }[];
  drop: (to: 'lns' | 'lac', d: L2tpDatagram) => boolean;
}

const users = [{ name: 'munchkin', password: 'oz', passwordType: 0 }];

function makePair(auth: PppAuth[], password = 'oz'): Pair {
  let next = 10;
  const lns = new L2tpEngine({
    role: 'lns',
    hostName: 'LNS',
    randomBytes: counterRng(1),
    ppp: () => ({
      role: 'server',
      auth,
      localAddress: '10.0.0.7',
      addressFor: () => `192.168.2.${next++}`,
      name: 'LNS',
    }),
  });
  const lac = new L2tpEngine({
    role: 'lac',
    hostName: 'client',
    randomBytes: counterRng(2),
    ppp: () => ({ role: 'client', username: 'munchkin', password }),
  });
  return {
    lns,
    lac,
    now: 100,
    wire: [],
    upLns: [],
    upLac: [],
    ipAtLns: [],
    ipAtLac: [],
    down: [],
    sent: [],
    drop: () => false,
  };
}

async function handle(p: Pair, side: 'lns' | 'lac', actions: L2tpAction[]): Promise<void> {
  for (const a of actions) {
    if (a.kind === 'send') {
      const to = side === 'lns' ? 'lac' : 'lns';
      const m = decodeL2tp(a.datagram.data);
      if (m.kind === 'control') p.sent.push({ to, type: m.messageType });
      if (!p.drop(to, a.datagram)) p.wire.push({ to, d: a.datagram });
    } else if (a.kind === 'authenticate') {
      const r = await new Promise<Parameters<Parameters<typeof runChapMethodList>[2]>[0]>((resolve) =>
        runChapMethodList([localMethod(users)], a.credentials, resolve),
      );
      await handle(p, side, p.lns.authResult(a.session, r.outcome, p.now));
    } else if (a.kind === 'sessionUp') {
      (side === 'lns' ? p.upLns : p.upLac).push(a);
    } else if (a.kind === 'ip') {
      (side === 'lns' ? p.ipAtLns : p.ipAtLac).push(a.packet);
    } else if (a.kind === 'sessionDown') {
      p.down.push(`${side}: ${a.reason}`);
    }
  }
}

/** Delivers until nothing is in flight, advancing the clock to deadlines, up to `until`. */
async function run(p: Pair, until: number): Promise<void> {
  for (let i = 0; i < 10_000; i++) {
    const item = p.wire.shift();
    if (item !== undefined) {
      const engine = item.to === 'lns' ? p.lns : p.lac;
      await handle(p, item.to, engine.receive(item.d, p.now));
      continue;
    }
    const deadlines = [p.lns.nextDeadline(), p.lac.nextDeadline()].filter(
      (d): d is number => d !== undefined,
    );
    const at = Math.min(...deadlines);
    if (deadlines.length === 0 || at > until) return;
    p.now = Math.max(p.now, at);
    await handle(p, 'lns', p.lns.tick(p.now));
    await handle(p, 'lac', p.lac.tick(p.now));
  }
  assert.fail('did not settle');
}

const PACKET = Uint8Array.of(0x45, 0, 0, 20, 0, 0, 0, 0, 64, 1, 0, 0, 192, 168, 2, 10, 10, 1, 1, 2);

for (const auth of [['ms-chap'], ['chap']] as PppAuth[][]) {
  test(`a call comes up with ${auth[0]} and carries IP both ways`, async () => {
    const p = makePair(auth);
    const { session: ref, actions } = p.lac.connect('10.0.0.10', '10.0.0.7', p.now);
    await handle(p, 'lac', actions);
    await run(p, p.now + 30);
    assert.equal(p.upLns.length, 1, p.down.join('; '));
    assert.equal(p.upLac.length, 1);
    const up = p.upLns[0]!;
    assert.ok(up.kind === 'sessionUp');
    assert.equal(up.user, 'munchkin');
    assert.equal(up.peerAddress, '192.168.2.10');
    const lacUp = p.upLac[0]!;
    assert.ok(
      lacUp.kind === 'sessionUp' && lacUp.peerAddress === '10.0.0.7' && lacUp.localAddress === '192.168.2.10',
    );
    await handle(p, 'lac', p.lac.sendIp(ref, PACKET, p.now));
    await run(p, p.now + 1);
    assert.deepEqual(p.ipAtLns, [PACKET]);
    await handle(p, 'lns', p.lns.sendIp(up.session, PACKET, p.now));
    await run(p, p.now + 1);
    assert.deepEqual(p.ipAtLac, [PACKET]);
    const types = p.sent.filter((s) => s.type !== undefined).map((s) => s.type);
    for (const t of [
      MessageType.SCCRQ,
      MessageType.SCCRP,
      MessageType.SCCCN,
      MessageType.ICRQ,
      MessageType.ICRP,
      MessageType.ICCN,
    ])
      assert.equal(types.filter((x) => x === t).length, 1, `one message of type ${t}`);
    // an idle tunnel sends HELLO after 60 s, and it is acknowledged
    const before = p.sent.length;
    await run(p, p.now + 61);
    assert.ok(p.sent.slice(before).some((s) => s.type === MessageType.HELLO));
    assert.equal(p.down.length, 0);
    // teardown: the client's StopCCN ends the session at the LNS
    await handle(p, 'lac', p.lac.closeAll(p.now));
    await run(p, p.now + 40);
    assert.ok(
      p.down.some((d) => d.startsWith('lns: StopCCN')),
      p.down.join('; '),
    );
    assert.deepEqual(p.lns.list(), []);
  });
}

test('lost control messages are retransmitted and duplicates acknowledged', async () => {
  const p = makePair(['ms-chap']);
  const dropped = new Set<number>();
  let seen = 0;
  // drop the first copy of each of SCCRP, ICRQ and ICCN, and the first ZLB
  p.drop = (_to, d) => {
    const m = decodeL2tp(d.data);
    if (m.kind !== 'control') return false;
    seen++;
    const key = m.messageType ?? -1;
    if ([MessageType.SCCRP, MessageType.ICRQ, MessageType.ICCN, -1].includes(key) && !dropped.has(key)) {
      dropped.add(key);
      return true;
    }
    return false;
  };
  await handle(p, 'lac', p.lac.connect('10.0.0.10', '10.0.0.7', p.now).actions);
  await run(p, p.now + 60);
  assert.equal(p.upLns.length, 1, p.down.join('; '));
  assert.equal(p.upLac.length, 1);
  assert.equal(dropped.size, 4);
  assert.ok(seen > 8);
});

test('a wrong password is refused and the call cleared', async () => {
  const p = makePair(['ms-chap'], 'wrong');
  await handle(p, 'lac', p.lac.connect('10.0.0.10', '10.0.0.7', p.now).actions);
  await run(p, p.now + 30);
  assert.equal(p.upLns.length, 0);
  assert.ok(
    p.down.some((d) => d.startsWith('lns: PPP')),
    p.down.join('; '),
  );
  assert.ok(
    p.down.some((d) => d.startsWith('lac:')),
    p.down.join('; '),
  );
});

test('an LNS that never answers makes the LAC give up after its retransmissions', async () => {
  const p = makePair(['chap']);
  p.drop = (to) => to === 'lns';
  await handle(p, 'lac', p.lac.connect('10.0.0.10', '10.0.0.7', p.now).actions);
  await run(p, p.now + 120);
  assert.equal(p.sent.filter((s) => s.type === MessageType.SCCRQ).length, 6);
  assert.ok(
    p.down.some((d) => d === 'lac: control connection lost'),
    p.down.join('; '),
  );
  assert.deepEqual(p.lac.list(), []);
});
