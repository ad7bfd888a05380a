// Dead Peer Detection (RFC 3706) between two engines in memory, with the data plane's traffic
// fed by hand through IkeManager.trafficSeen: on demand (the IOS default) an idle tunnel is
// silent and one-way traffic makes a query; periodic queries every SECS; a peer that stops
// answering is declared dead after DPD_TRIES queries and cleared; R-U-THERE is answered with
// its own sequence number; the sequence rules hold against replays and stray ACKs.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DeadPeerDetection, DPD_TRIES, type DpdHost } from '../../src/ike/dpd.js';
import { IkeSa } from '../../src/ike/ikeSa.js';
import { NotifyType, PayloadType, type IkeEvent } from '../../src/ike/index.js';
import { renderDebugIsakmp } from '../../src/observe/debugIsakmp.js';
import { flipBody, setMessageId } from './adversaryCraft.js';
import { A_WAN, B_WAN, chapterConfigs, eventsOf, Lab, type RouterSpec } from './harness.js';

type Keepalive = NonNullable<RouterSpec['keepalive']>;

function established(a: Keepalive | undefined, b?: Keepalive): Lab {
  const { a: ca, b: cb } = chapterConfigs({
    ...(a ? { a: { keepalive: a } } : {}),
    ...(b ? { b: { keepalive: b } } : {}),
  });
  const lab = new Lab({ config: ca }, { config: cb });
  lab.acquire('a');
  lab.run(5);
  assert.equal(lab.a.installed.length, 1);
  assert.equal(lab.b.installed.length, 1);
  return lab;
}

interface Timed {
  readonly at: number;
  readonly event: IkeEvent;
}

/**
 * Runs the lab in steps of `step` seconds up to `until`; before each step `traffic` may feed
 * the data plane. Returns A's events with the time of the step they happened in.
 */
function drive(lab: Lab, until: number, traffic: (now: number) => void = () => {}, step = 0.25): Timed[] {
  const out: Timed[] = [];
  for (let t = lab.now + step; t <= until + 1e-9; t += step) {
    traffic(lab.now);
    const before = lab.a.events.length;
    lab.run(t);
    for (const event of lab.a.events.slice(before)) out.push({ at: lab.now, event });
  }
  return out;
}

const rUThereSent = (evs: readonly Timed[]): Timed[] =>
  evs.filter((e) => e.event.type === 'dpd' && e.event.kind === 'R_U_THERE' && e.event.direction === 'sent');

test('DPD on demand: an idle tunnel sends nothing, two-way traffic neither, one-way traffic a query after SECS', () => {
  const lab = established({ seconds: 10, retry: 2 });
  const idle = drive(lab, 100);
  assert.equal(rUThereSent(idle).length, 0, 'idle tunnel: no R-U-THERE in 95 s');
  assert.equal(eventsOf(lab.b, 'dpd').length, 0);

  const twoWay = drive(lab, 160, (now) => {
    lab.a.engine.trafficSeen(B_WAN, 'outbound', now);
    lab.a.engine.trafficSeen(B_WAN, 'inbound', now);
  });
  assert.equal(rUThereSent(twoWay).length, 0, 'answered traffic is proof of liveness');

  const start = lab.now;
  const oneWay = drive(lab, start + 25, (now) => lab.a.engine.trafficSeen(B_WAN, 'outbound', now));
  const sent = rUThereSent(oneWay);
  assert.equal(sent.length, 2, 'one query per SECS of one-way traffic');
  const first = sent[0];
  assert.ok(first);
  assert.ok(first.at >= start + 10 && first.at <= start + 10.5, `first query at +${first.at - start} s`);
  const acks = eventsOf(lab.a, 'dpd').filter((e) => e.kind === 'R_U_THERE_ACK' && e.direction === 'received');
  assert.equal(acks.length, 2);
  assert.equal(lab.a.engine.listIkeSas().length, 1);
  assert.equal(lab.a.installed.length, 1);
});

test('DPD periodic: a query every SECS, traffic or not', () => {
  const lab = established({ seconds: 10, retry: 2, mode: 'periodic' });
  const start = lab.now;
  const evs = drive(lab, start + 60.1);
  const times = rUThereSent(evs).map((e) => e.at - start);
  assert.equal(times.length, 6, `queries at ${times.join(', ')}`);
  for (let i = 1; i < times.length; i++) {
    const gap = (times[i] ?? 0) - (times[i - 1] ?? 0);
    assert.ok(Math.abs(gap - 10) <= 0.26, `gap ${gap}`);
  }
  assert.equal(eventsOf(lab.a, 'peerDead').length, 0);
});

test('R-U-THERE is answered with its own sequence number, by a peer that has no keepalive configured', () => {
  const lab = established({ seconds: 10, retry: 2, mode: 'periodic' });
  drive(lab, lab.now + 21);
  const sent = eventsOf(lab.a, 'dpd').filter((e) => e.kind === 'R_U_THERE' && e.direction === 'sent');
  const got = eventsOf(lab.b, 'dpd').filter((e) => e.kind === 'R_U_THERE' && e.direction === 'received');
  const answered = eventsOf(lab.b, 'dpd').filter((e) => e.kind === 'R_U_THERE_ACK' && e.direction === 'sent');
  const acks = eventsOf(lab.a, 'dpd').filter((e) => e.kind === 'R_U_THERE_ACK' && e.direction === 'received');
  assert.equal(sent.length, 2);
  assert.deepEqual(
    got.map((e) => e.sequence),
    sent.map((e) => e.sequence),
  );
  assert.deepEqual(
    answered.map((e) => e.sequence),
    sent.map((e) => e.sequence),
  );
  assert.deepEqual(
    acks.map((e) => e.sequence),
    sent.map((e) => e.sequence),
  );
  // RFC 3706 §6.2: a random first value below 2^31, then one more each query.
  assert.ok((sent[0]?.sequence ?? -1) >= 0 && (sent[0]?.sequence ?? 0) < 0x80000000);
  assert.equal(sent[1]?.sequence, ((sent[0]?.sequence ?? 0) + 1) >>> 0);
});

test('a peer that stops answering is declared dead after the documented tries; traffic then brings a new tunnel', () => {
  const lab = established({ seconds: 10, retry: 2 });
  drive(lab, 20);
  const oldSpi = lab.a.currentOutbound();
  lab.faults = { dead: true };
  const start = lab.now;
  const evs = drive(lab, start + 40, (now) => {
    if (lab.a.installed.length > 0) lab.a.engine.trafficSeen(B_WAN, 'outbound', now);
  });
  const sent = rUThereSent(evs);
  assert.equal(sent.length, DPD_TRIES, 'five R-U-THEREs, then the verdict');
  for (let i = 1; i < sent.length; i++) {
    assert.ok(Math.abs((sent[i]?.at ?? 0) - (sent[i - 1]?.at ?? 0) - 2) <= 0.26, 'retries RETRY apart');
  }
  const dead = evs.find((e) => e.event.type === 'peerDead');
  assert.ok(dead, 'peerDead reported');
  // worst case SECS + tries x RETRY after the first unanswered packet
  assert.ok(dead.at - start <= 10 + DPD_TRIES * 2 + 0.5, `declared dead after ${dead.at - start} s`);
  assert.ok(dead.at - start >= 10 + DPD_TRIES * 2 - 0.5);
  const line = renderDebugIsakmp([dead.event]);
  assert.match(
    line,
    /ISAKMP \(0:1\): peer 172\.16\.172\.20 is dead \(no R-U-THERE-ACK after 5 tries\): clearing its SAs/,
  );
  assert.deepEqual(lab.a.engine.listIkeSas(), []);
  assert.deepEqual(lab.a.engine.listIpsecSas(), []);
  assert.equal(lab.a.installed.length, 0, 'IPsec SAs removed from the data plane');
  assert.ok(eventsOf(lab.a, 'ikeSaDeleted').some((e) => /DPD: peer dead/.test(e.reason)));
  const after = evs.slice(evs.indexOf(dead));
  const deletes = after.filter(
    (e) =>
      e.event.type === 'packet' && e.event.direction === 'sent' && e.event.exchange === 'INFORMATIONAL_V1',
  );
  assert.equal(deletes.length, 2, 'IPsec and ISAKMP deletes sent, best effort');

  // The peer is back; the next interesting traffic negotiates a new tunnel.
  lab.faults = {};
  lab.acquire('a');
  lab.run(lab.now + 5);
  assert.equal(lab.a.installed.length, 1);
  const spi = lab.a.currentOutbound();
  assert.ok(spi !== undefined && spi !== oldSpi);
  assert.ok(lab.b.inboundSpis().has(spi), 'the peer has the new SA');
  assert.equal(lab.a.engine.listIkeSas().length, 1);
});

test('a replayed or forged R-U-THERE-ACK does not keep a dead peer alive', () => {
  const lab = established({ seconds: 10, retry: 2 });
  const start = lab.now;
  drive(lab, start + 12, (now) => lab.a.engine.trafficSeen(B_WAN, 'outbound', now));
  const ack = lab.b.sent[lab.b.sent.length - 1];
  assert.ok(ack && ack[18] === 5, "B's last message is its R-U-THERE-ACK");
  assert.equal(eventsOf(lab.a, 'dpd').filter((e) => e.kind === 'R_U_THERE_ACK').length, 1);
  // From now on B's informationals are lost; the old ACK is replayed to A at every retry.
  lab.filter = (from, data) => !(from === 'b' && data[18] === 5);
  drive(lab, start + 60, (now) => {
    if (lab.a.installed.length > 0) lab.a.engine.trafficSeen(B_WAN, 'outbound', now);
    if (lab.a.engine.listIkeSas().length > 0 && Math.round(now * 4) % 8 === 0) {
      lab.inject('a', ack);
      // a new message ID (so no cached copy) with the ciphertext unchanged: HASH(1) fails
      lab.inject('a', setMessageId(ack, (Math.round(now * 4) + 1) >>> 0));
      lab.inject('a', flipBody(ack, 3));
    }
  });
  assert.equal(eventsOf(lab.a, 'dpd').filter((e) => e.kind === 'R_U_THERE_ACK').length, 1);
  assert.equal(eventsOf(lab.a, 'peerDead').length, 1);
  assert.ok(eventsOf(lab.a, 'duplicate').length > 0, 'the replay is recognized');
  // A forged copy fails HASH(1), or its decryption under the wrong IV does not even walk as a
  // payload chain: dropped either way, never answered.
  const forged = eventsOf(lab.a, 'drop').filter((d) => /^informational( HASH invalid|: )/.test(d.reason));
  assert.ok(forged.length >= 8, `${forged.length} forged ACKs dropped`);
});

// ------------------------------------------------------------------ the task alone

function dpdHost(now: { t: number }): DpdHost & {
  sent: { seq: number; type: number }[];
  drops: string[];
  cleared: string[];
} {
  const sent: { seq: number; type: number }[] = [];
  const drops: string[] = [];
  const cleared: string[] = [];
  return {
    get now() {
      return now.t;
    },
    emit: () => {},
    drop: (_c, _p, reason) => drops.push(reason),
    sendInformational: (_sa, payloads) => {
      for (const n of payloads) {
        if (n.type !== PayloadType.N) continue;
        sent.push({ seq: Buffer.from(n.data).readUInt32BE(0), type: n.notifyType });
      }
    },
    randomU32: () => 0xfffffff0,
    clearPeer: (dead) => cleared.push(dead.peerAddress),
    sent,
    drops,
    cleared,
  };
}

function dpdSa(): IkeSa {
  const sa = new IkeSa(7, 'initiator', 'main', new Uint8Array(8).fill(1), A_WAN, 500, B_WAN, 500, 0);
  sa.authenticated = true;
  sa.p1 = 'IKE_P1_COMPLETE';
  sa.establishedAt = 0;
  sa.peerCaps = { dpd: true, unity: false, names: ['DPD'] };
  return sa;
}

const seqData = (seq: number): Uint8Array => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(seq >>> 0);
  return new Uint8Array(b);
};

test('DPD sequence numbers: only the ACK of the outstanding query counts; stray and late ACKs are ignored', () => {
  const clock = { t: 0 };
  const host = dpdHost(clock);
  const dpd = new DeadPeerDetection({ seconds: 10, retry: 2 });
  const sa = dpdSa();
  dpd.receive(sa, NotifyType.R_U_THERE_ACK, seqData(0x7ffffff0), host);
  assert.match(host.drops.at(-1) ?? '', /no R-U-THERE outstanding/);
  dpd.trafficSeen(B_WAN, 'outbound', 1);
  assert.equal(dpd.nextDeadline([sa]), 11);
  clock.t = 11;
  dpd.run([sa], host);
  clock.t = 13;
  dpd.run([sa], host);
  // randomU32 & 0x7fffffff, then + 1
  assert.deepEqual(
    host.sent.map((s) => s.seq),
    [0x7ffffff0, 0x7ffffff1],
  );
  dpd.receive(sa, NotifyType.R_U_THERE_ACK, seqData(0x7ffffff0), host);
  assert.match(host.drops.at(-1) ?? '', /does not answer R-U-THERE 2147483633/);
  dpd.receive(sa, NotifyType.R_U_THERE_ACK, seqData(0x12345678), host);
  assert.equal(dpd.nextDeadline([sa]), 15, 'still retrying after wrong ACKs');
  dpd.receive(sa, NotifyType.R_U_THERE_ACK, seqData(0x7ffffff1), host);
  assert.equal(dpd.nextDeadline([sa]), Number.POSITIVE_INFINITY, 'answered: quiet until new one-way traffic');
  dpd.receive(sa, NotifyType.R_U_THERE_ACK, seqData(0x7ffffff1), host);
  assert.match(host.drops.at(-1) ?? '', /no R-U-THERE outstanding/, 'a second copy of the ACK is stray');
  assert.deepEqual(host.cleared, []);
});

test('DPD: a peer R-U-THERE sequence must not go back; the same one again is answered again', () => {
  const host = dpdHost({ t: 5 });
  const dpd = new DeadPeerDetection(undefined);
  const sa = dpdSa();
  const acks = (): number[] => host.sent.filter((s) => s.type === NotifyType.R_U_THERE_ACK).map((s) => s.seq);
  dpd.receive(sa, NotifyType.R_U_THERE, seqData(0xfffffffe), host);
  dpd.receive(sa, NotifyType.R_U_THERE, seqData(0xfffffffe), host);
  dpd.receive(sa, NotifyType.R_U_THERE, seqData(0xffffffff), host);
  dpd.receive(sa, NotifyType.R_U_THERE, seqData(0), host); // wraps: still after (RFC 1982)
  dpd.receive(sa, NotifyType.R_U_THERE, seqData(0xfffffffd), host);
  assert.deepEqual(acks(), [0xfffffffe, 0xfffffffe, 0xffffffff, 0]);
  assert.match(host.drops.at(-1) ?? '', /not above 0: replay/);
  // no DPD vendor ID from the peer: no answer (RFC 3706 §5.1)
  const quiet = dpdSa();
  quiet.peerCaps = { dpd: false, unity: false, names: [] };
  dpd.receive(quiet, NotifyType.R_U_THERE, seqData(1), host);
  assert.equal(acks().length, 4);
  // a short notify data field is refused, never read past its end
  dpd.receive(sa, NotifyType.R_U_THERE, new Uint8Array(2), host);
  assert.match(host.drops.at(-1) ?? '', /R-U-THERE with 2 bytes of data/);
});

test('a reloaded configuration that turns DPD on makes the next queries follow it', () => {
  const lab = established(undefined);
  assert.equal(rUThereSent(drive(lab, 40)).length, 0, 'no keepalive configured: no query');
  const { a } = chapterConfigs({ a: { keepalive: { seconds: 10, retry: 2, mode: 'periodic' } } });
  lab.a.engine.reconfigure(a, lab.now);
  const start = lab.now;
  const sent = rUThereSent(drive(lab, start + 25));
  // The SA has been quiet for over SECS: the first query is due at once, then one every SECS.
  const times = sent.map((e) => e.at - start);
  assert.equal(times.length, 3, `queries at ${times.join(', ')}`);
  assert.ok((times[0] ?? 99) <= 0.5, `first query at +${times[0]} s`);
  for (let i = 1; i < times.length; i++)
    assert.ok(Math.abs((times[i] ?? 0) - (times[i - 1] ?? 0) - 10) <= 0.26);
  assert.equal(lab.a.engine.listIkeSas().length, 1, 'the reload kept the IKE SA');
});
