// Loss, duplication, reordering and a dead link; retransmission with stored replies; replayed
// quick modes; half-open limits. All seeded and bounded.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chapterConfigs, eventsOf, Lab, seededRng, SELECTOR_A } from './harness.js';

test('30% loss, 30% duplication and 30% reordering: negotiations converge within the retransmission budget', () => {
  const results: string[] = [];
  for (let seed = 1; seed <= 12; seed++) {
    for (const aggressive of [false, true]) {
      const { a, b } = chapterConfigs(
        aggressive
          ? {
              a: { identity: 'hostname', keys: [{ key: 'k', hostname: 'Responder' }] },
              b: { identity: 'hostname', keys: [{ key: 'k', hostname: 'Initiator' }] },
            }
          : {},
      );
      const lab = new Lab(
        {
          config: a,
          seed: `A${seed}`,
          aggressiveMode: aggressive,
          ...(seed % 2 ? { forceEncapsulation: true } : {}),
        },
        { config: b, seed: `B${seed}` },
        seededRng(`link${seed}`),
      );
      lab.faults = { loss: 0.3, duplicate: 0.3, reorder: 0.3 };
      lab.acquire('a');
      lab.run(400);
      const ok = lab.a.installed.length === 1 && lab.b.installed.length === 1;
      if (ok) {
        const pa = lab.a.installed[0]?.pairs[0];
        const pb = lab.b.installed[0]?.pairs[0];
        assert.equal(pa?.outbound.spi, pb?.inbound.spi);
        assert.deepEqual(pa?.outbound.encryptionKey, pb?.inbound.encryptionKey);
      }
      results.push(
        `${seed}${aggressive ? 'am' : 'mm'}:${ok ? 'ok' : 'FAIL'}:${lab.a.engine.counters.retransmissions + lab.b.engine.counters.retransmissions}rt/${lab.a.engine.counters.duplicates + lab.b.engine.counters.duplicates}dup`,
      );
    }
  }
  assert.deepEqual(
    results.filter((r) => r.includes('FAIL')),
    [],
    results.join(' '),
  );
  console.log(`# loss 30% / dup 30% / reorder 30%: ${results.join(' ')}`);
});

test('dead link: the initiator gives up after its retransmissions and nothing is left behind', () => {
  const { a, b } = chapterConfigs();
  const lab = new Lab({ config: a }, { config: b });
  lab.faults = { dead: true };
  lab.acquire('a');
  lab.run(1000);
  assert.deepEqual(lab.a.engine.listIkeSas(), []);
  assert.equal(lab.a.engine.nextDeadline(), undefined);
  const give = eventsOf(lab.a, 'giveUp');
  assert.equal(give.length, 1);
  assert.equal(eventsOf(lab.a, 'retransmit').length, 10, 'default budget: 10 retransmissions');
  const at = lab.a.events.filter((e) => e.type === 'giveUp');
  assert.match(at[0]?.type === 'giveUp' ? at[0].reason : '', /no answer after 11 transmissions/);
});

test('link dies after MM2: the initiator gives up, the responder drops the half-open SA', () => {
  const { a, b } = chapterConfigs();
  const lab = new Lab({ config: a }, { config: b });
  let n = 0;
  lab.filter = () => ++n <= 2;
  lab.acquire('a');
  lab.run(1000);
  assert.deepEqual(lab.a.engine.listIkeSas(), []);
  assert.deepEqual(lab.b.engine.listIkeSas(), []);
  assert.equal(lab.a.engine.nextDeadline(), undefined);
  assert.equal(lab.b.engine.nextDeadline(), undefined);
  assert.match(eventsOf(lab.b, 'giveUp')[0]?.reason ?? '', /half-open/);
});

test('link dies during quick mode: the node is dropped, phase 1 stays', () => {
  const { a, b } = chapterConfigs();
  const lab = new Lab({ config: a }, { config: b });
  lab.filter = (_from, data) => data[18] !== 32;
  lab.acquire('a');
  lab.run(1000);
  assert.equal(lab.a.installed.length + lab.b.installed.length, 0);
  assert.equal(lab.a.engine.listIkeSas()[0]?.state, 'QM_IDLE');
  assert.ok(eventsOf(lab.a, 'nodeDeleted').some((e) => e.error && e.reason === 'retransmission limit'));
});

test('a retransmitted request gets the stored reply, never a second processing', () => {
  const { a, b } = chapterConfigs();
  const lab = new Lab({ config: a }, { config: b });
  let droppedMm6 = false;
  lab.filter = (from, data) => {
    // MM6: responder -> initiator, main mode, encrypted
    if (from === 'b' && data[18] === 2 && (data[19] ?? 0) & 1 && !droppedMm6) {
      droppedMm6 = true;
      return false;
    }
    return true;
  };
  lab.acquire('a');
  lab.run(60);
  assert.ok(droppedMm6);
  assert.equal(lab.a.installed.length, 1);
  assert.equal(lab.b.installed.length, 1);
  assert.equal(eventsOf(lab.b, 'authenticated').length, 1, 'MM5 processed once');
  const dup = eventsOf(lab.b, 'duplicate');
  assert.equal(dup.length, 1);
  assert.equal(dup[0]?.resent, true);
  assert.equal(lab.b.engine.counters.duplicates, 1);
});

test('a replayed QM1 is recognized and not processed again', () => {
  const { a, b } = chapterConfigs();
  const lab = new Lab({ config: a }, { config: b });
  lab.acquire('a');
  lab.run(30);
  const qm1 = lab.a.sent.find((d) => d[18] === 32);
  assert.ok(qm1);
  // Within the node's lifetime: the node is complete, the message is not processed again.
  const notifies = eventsOf(lab.b, 'notifySent').length;
  lab.inject('b', qm1);
  assert.match(
    eventsOf(lab.b, 'drop').pop()?.reason ?? '',
    /^replayed quick mode message ID \d+ \(quick mode complete\)/,
  );
  assert.equal(lab.b.engine.counters.replayedQm1, 1);
  assert.equal(lab.b.installed.length, 1);
  assert.equal(eventsOf(lab.b, 'notifySent').length, notifies, 'no answer to an unverifiable message');
  // Long after: the message ID is spent.
  lab.run(200);
  const before = lab.b.installed.length;
  lab.inject('b', qm1);
  assert.equal(lab.b.engine.counters.replayedQm1, 2);
  assert.equal(lab.b.installed.length, before);
  assert.match(eventsOf(lab.b, 'drop').pop()?.reason ?? '', /replayed quick mode/);
});

test('half-open IKE SAs are bounded in number and age', () => {
  const { a, b } = chapterConfigs();
  const lab = new Lab({ config: a }, { config: b, halfOpen: { max: 5, maxAge: 30, perSource: 100 } });
  lab.faults = { dead: true };
  lab.acquire('a');
  const mm1 = lab.a.sent[0] as Uint8Array;
  for (let i = 0; i < 20; i++) {
    const copy = mm1.slice();
    copy[0] = i; // a new initiator cookie each time
    lab.inject('b', copy);
  }
  assert.equal(lab.b.engine.listIkeSas().length, 5);
  assert.equal(eventsOf(lab.b, 'drop').filter((d) => /half-open limit 5 reached/.test(d.reason)).length, 15);
  lab.run(40);
  assert.equal(lab.b.engine.listIkeSas().length, 0, 'aged out');
});

test('garbage and truncated datagrams are counted drops, never exceptions', () => {
  const { a, b } = chapterConfigs();
  const lab = new Lab({ config: a }, { config: b });
  lab.acquire('a');
  lab.run(30);
  const rng = seededRng('fuzz');
  const samples = [...lab.a.sent, ...lab.b.sent];
  for (let i = 0; i < 300; i++) {
    const base = samples[i % samples.length] as Uint8Array;
    const m = base.slice(0, Math.max(0, base.length - ((rng.randomBytes(1)[0] ?? 0) % 40)));
    const flips = rng.randomBytes(3);
    if (m.length > 0) {
      const at = (flips[0] ?? 0) % m.length;
      m[at] = (m[at] ?? 0) ^ (flips[1] ?? 1);
    }
    lab.inject(i % 2 ? 'a' : 'b', m);
  }
  assert.equal(lab.a.installed.length, 1);
  assert.ok(lab.a.engine.counters.drops + lab.b.engine.counters.drops > 100);
  void SELECTOR_A;
});

test('one source cannot fill the half-open table: a per-source cap keeps room for other peers', () => {
  const { a, b } = chapterConfigs();
  const lab = new Lab({ config: a }, { config: b, halfOpen: { max: 50, maxAge: 30, perSource: 4 } });
  lab.faults = { dead: true };
  lab.acquire('a');
  const mm1 = lab.a.sent[0] as Uint8Array;
  for (let i = 0; i < 100; i++) {
    const copy = mm1.slice();
    copy[0] = i;
    lab.apply(
      lab.b,
      lab.b.engine.receive(
        { srcAddress: '203.0.113.66', srcPort: 500, dstAddress: '172.16.172.20', dstPort: 500, data: copy },
        lab.now,
      ),
    );
  }
  assert.equal(lab.b.engine.listIkeSas().length, 4);
  // Each MM1 past the cap replaces that source's oldest half-open SA.
  assert.equal(
    eventsOf(lab.b, 'ikeSaDeleted').filter((d) => /replaced by a newer message 1/.test(d.reason)).length,
    96,
  );
  // the honest peer still gets in
  lab.faults = {};
  lab.run(30);
  assert.equal(lab.a.installed.length, 1);
  assert.equal(lab.b.installed.length, 1);
});
