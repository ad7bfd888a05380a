// The IKE ingress queues: messages of exchanges under way go before first messages, a few
// first messages per batch, and full queues drop what arrives (counted).

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { IkeIngress, isFirstMessage } from '../../src/gateway/ikeIngress.js';

/** An ISAKMP header's first 16 octets: cookies only (`r` 0: a first message). */
function header(i: number, r: number): { data: Uint8Array; tag: string } {
  const data = new Uint8Array(28);
  data[7] = i;
  data[15] = r;
  return { data, tag: `${r === 0 ? 'first' : 'under way'} ${i}` };
}

describe('IkeIngress', () => {
  it('reads the responder cookie', () => {
    assert.equal(isFirstMessage(header(1, 0).data), true);
    assert.equal(isFirstMessage(header(1, 9).data), false);
    assert.equal(isFirstMessage(new Uint8Array(3)), true);
  });

  it('takes every message under way first, then a few first messages per batch', () => {
    const handled: string[] = [];
    const deferred: (() => void)[] = [];
    const q = new IkeIngress<{ data: Uint8Array; tag: string }>(
      (d) => handled.push(d.tag),
      (f) => deferred.push(f),
      { firstPerBatch: 2 },
    );
    for (let i = 1; i <= 5; i++) q.offer(header(i, 0));
    q.offer(header(6, 1));
    q.offer(header(7, 1));
    assert.equal(deferred.length, 1, 'one drain scheduled');
    assert.equal(handled.length, 0, 'nothing processed before the drain');
    deferred.shift()?.();
    assert.deepEqual(handled, ['under way 6', 'under way 7', 'first 1', 'first 2']);
    q.offer(header(8, 1));
    deferred.shift()?.();
    assert.deepEqual(handled.slice(4), ['under way 8', 'first 3', 'first 4']);
    deferred.shift()?.();
    assert.deepEqual(handled.slice(7), ['first 5']);
    assert.equal(deferred.length, 0);
  });

  it('drops what arrives at a full queue', () => {
    const deferred: (() => void)[] = [];
    const q = new IkeIngress<{ data: Uint8Array; tag: string }>(
      () => undefined,
      (f) => deferred.push(f),
      {
        first: 3,
        underWay: 2,
      },
    );
    for (let i = 1; i <= 5; i++) q.offer(header(i, 0));
    for (let i = 1; i <= 4; i++) q.offer(header(i, 1));
    assert.deepEqual(q.dropped, { first: 2, underWay: 2 });
    assert.equal(q.waiting, 5);
  });
});
