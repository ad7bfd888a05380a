// IOS ping output (Example 13-3's banner; success line computed by hand below).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pingBanner, pingMarks, pingSummary } from '../../src/lab/ping.js';

test('banner as in Example 13-3', () => {
  assert.deepEqual(pingBanner({ destination: '10.1.2.1', size: 100, timeout: 2, count: 5 }), [
    'Type escape sequence to abort.',
    'Sending 5, 100-byte ICMP Echos to 10.1.2.1, timeout is 2 seconds:',
  ]);
});

test('marks and summary: 4 of 5 with RTTs 4, 4, 5, 8 ms -> 80 percent, avg 21/4 = 5.25 -> 5', () => {
  const result = {
    destination: '10.1.2.1',
    size: 100,
    timeout: 2,
    replies: [undefined, 0.004, 0.004, 0.005, 0.008],
  };
  assert.equal(pingMarks(result), '.!!!!');
  assert.equal(pingSummary(result), 'Success rate is 80 percent (4/5), round-trip min/avg/max = 4/5/8 ms');
});

test('no replies: IOS prints the rate without round-trip times', () => {
  const result = { destination: '10.1.2.1', size: 100, timeout: 2, replies: [undefined, undefined] };
  assert.equal(pingMarks(result), '..');
  assert.equal(pingSummary(result), 'Success rate is 0 percent (0/2)');
});
