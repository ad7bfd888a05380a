// One IKE SA's task manager: retransmission backoff and give-up, the reply cache that
// recognises a retransmitted message by its bytes, and what it forgets with its SA.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fingerprintOf, TaskManager } from '../../src/ike/taskManager.js';

const POLICY = { initial: 1, factor: 1.5, maxRetries: 3 };

test('a request is retransmitted after 1, 1.5 and 2.25 s, then given up', () => {
  const tm = new TaskManager(POLICY);
  tm.request(7, Uint8Array.of(1, 2, 3), 32, ['HASH', 'SA'], 100);
  assert.equal(tm.nextRetransmitAt(), 101);
  assert.deepEqual(tm.due(100.5), [], 'not due before its time');
  const sentAt: number[] = [];
  let now = 101;
  for (;;) {
    const [p] = tm.due(now);
    assert.ok(p);
    if (tm.exhausted(p)) break;
    tm.backOff(p, now);
    sentAt.push(now);
    now = tm.nextRetransmitAt();
  }
  // Hand computed: 100 + 1 = 101, + 1.5 = 102.5, + 2.25 = 104.75; the fourth timer (+ 3.375)
  // finds three retransmissions done.
  assert.deepEqual(sentAt, [101, 102.5, 104.75]);
  assert.equal(now, 108.125);
  tm.answered(7);
  assert.equal(tm.nextRetransmitAt(), Number.POSITIVE_INFINITY);
});

test('a retransmitted message is recognised by its bytes and gets the cached answer', () => {
  const tm = new TaskManager(POLICY);
  const request = Uint8Array.of(9, 9, 9);
  const answer = Uint8Array.of(4, 5);
  tm.remember(3, fingerprintOf(request), answer);
  assert.equal(tm.duplicateOf(3, fingerprintOf(request))?.response, answer);
  assert.equal(tm.duplicateOf(3, fingerprintOf(Uint8Array.of(9, 9, 8))), undefined, 'other bytes');
  assert.equal(tm.duplicateOf(4, fingerprintOf(request)), undefined, 'other message ID');
  tm.remember(5, fingerprintOf(request));
  assert.deepEqual(tm.duplicateOf(5, fingerprintOf(request)), { fingerprint: fingerprintOf(request) });
  tm.forgetReply(3);
  assert.equal(tm.duplicateOf(3, fingerprintOf(request)), undefined);
});

test('clear forgets every request and cached reply', () => {
  const tm = new TaskManager(POLICY);
  tm.request(0, Uint8Array.of(1), 2, ['SA'], 0);
  tm.remember(0, fingerprintOf(Uint8Array.of(1)), Uint8Array.of(2));
  tm.clear();
  assert.equal(tm.nextRetransmitAt(), Number.POSITIVE_INFINITY);
  assert.equal(tm.duplicateOf(0, fingerprintOf(Uint8Array.of(1))), undefined);
  assert.equal(tm.quickModeCount, 0);
});
