// `comp-lzs` (IOS) and `comp-deflate` (ours) in a transform set: read, one compression per
// set, and refused by `start`/`check` only where no ESP transform can carry IPComp.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig, planRun } from '../../src/config/index.js';

const config = (ts: string): string => `hostname r1
crypto isakmp policy 10
 authentication pre-share
crypto isakmp key k address 192.0.2.2
crypto ipsec transform-set myset ${ts}
access-list 101 permit ip 10.1.0.0 0.0.0.255 10.2.0.0 0.0.0.255
crypto map vpn 10 ipsec-isakmp
 set peer 192.0.2.2
 set transform-set myset
 match address 101
interface Ethernet0
 ip address 192.0.2.1 255.255.255.0
 crypto map vpn
`;

test('comp-lzs and comp-deflate are read into the transform set, and run', () => {
  for (const c of ['comp-lzs', 'comp-deflate'] as const) {
    const model = parseConfig(config(`esp-aes esp-sha-hmac ${c}`), 'r1.cfg');
    assert.equal(model.transformSets[0]?.compression, c);
    assert.deepEqual(planRun(model).refused, []);
  }
});

test('one compression per transform set', () => {
  assert.throws(
    () => parseConfig(config('esp-aes comp-lzs comp-deflate'), 'r1.cfg'),
    /r1.cfg:5:51: transform set myset already has a transform of the kind of "comp-deflate"/,
  );
});

test('compression without an ESP transform is refused, naming the line', () => {
  const plan = planRun(parseConfig(config('ah-sha-hmac comp-lzs'), 'r1.cfg'));
  assert.deepEqual(
    plan.refused.map((r) => [r.line, r.command]),
    [[5, 'crypto ipsec transform-set myset (comp-lzs with no esp-*)']],
  );
  assert.match(plan.refused[0]?.reason ?? '', /IPComp without ESP is not supported/);
});
