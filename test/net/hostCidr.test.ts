// Selector ranges to `ip route` prefixes (expected values computed by hand).

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cidrContains, rangeToCidrs } from '../../src/net/host/cidr.js';

describe('rangeToCidrs', () => {
  it('turns an ACL subnet back into its prefix', () => {
    assert.deepEqual(rangeToCidrs('10.2.0.0', '10.2.0.255'), ['10.2.0.0/24']);
    assert.deepEqual(rangeToCidrs('192.0.2.2', '192.0.2.2'), ['192.0.2.2/32']);
    assert.deepEqual(rangeToCidrs('0.0.0.0', '255.255.255.255'), ['0.0.0.0/0']);
  });

  it('splits an unaligned range into the fewest prefixes', () => {
    // 1 | 2-3 | 4-5 | 6
    assert.deepEqual(rangeToCidrs('10.0.0.1', '10.0.0.6'), [
      '10.0.0.1/32',
      '10.0.0.2/31',
      '10.0.0.4/31',
      '10.0.0.6/32',
    ]);
    // 10.0.0.128/25 then 10.0.1.0/24
    assert.deepEqual(rangeToCidrs('10.0.0.128', '10.0.1.255'), ['10.0.0.128/25', '10.0.1.0/24']);
  });

  it('cidrContains', () => {
    assert.equal(cidrContains('192.0.2.0/24', '192.0.2.2'), true);
    assert.equal(cidrContains('192.0.2.0/24', '192.0.3.2'), false);
    assert.equal(cidrContains('0.0.0.0/0', '203.0.113.1'), true);
  });
});
