// Spd.append: a rule added after the others is found by flows the cache had already seen
// missing (a dynamic-map peer coming up), while flows that matched an earlier rule keep it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Spd, type SpdRule } from '../../src/ipsec/spd.js';
import { ipv4FromText } from '../../src/packet/address.js';
import type { PacketFlow } from '../../src/packet/flow.js';
import type { TrafficSelector } from '../../src/policy/model.js';

const ANY_PORTS = { localPortStart: 0, localPortEnd: 65535, remotePortStart: 0, remotePortEnd: 65535 };

function hostToNet(local: string, remote: [string, string]): TrafficSelector {
  return {
    ...ANY_PORTS,
    protocol: 0,
    localStart: local,
    localEnd: local,
    remoteStart: remote[0],
    remoteEnd: remote[1],
  };
}

function flow(src: string, dst: string): PacketFlow {
  return {
    family: 4,
    protocol: 1,
    source: ipv4FromText(src),
    destination: ipv4FromText(dst),
    sourcePort: 0,
    destinationPort: 0,
    nonInitialFragment: false,
  };
}

test('an appended rule is found by a flow cached as a miss; earlier matches stay', () => {
  const first: SpdRule = {
    action: 'protect',
    selector: hostToNet('10.2.0.1', ['10.200.0.0', '10.200.0.255']),
    peer: 'a',
  };
  const spd = Spd.fromRules([first]);
  const f1 = flow('10.2.0.1', '10.200.0.7');
  const f2 = flow('10.2.0.1', '10.201.0.9');
  assert.equal(spd.lookup(f1)?.index, 0);
  assert.equal(spd.lookup(f2), undefined, 'cached as a miss');
  const wide: SpdRule = {
    action: 'protect',
    selector: hostToNet('10.2.0.1', ['10.0.0.0', '10.255.255.255']),
    peer: 'b',
  };
  spd.append(wide);
  assert.equal(spd.lookup(f2)?.rule, wide, 'the miss tries the new rule');
  assert.equal(spd.lookup(f2)?.index, 1);
  assert.equal(spd.lookup(f1)?.rule, first, 'first match wins: the wider rule comes later');
  assert.equal(spd.lookup(flow('10.9.9.9', '10.200.0.7')), undefined);
});
