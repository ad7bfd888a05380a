// The lab end to end with the real engines: every scenario's pings cross their tunnels and
// the SA counters equal the echoes that got through; a lossy WAN still converges; the
// embedded scenario texts are the chapter's (the fixture copies) and run the same.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { runLab } from '../../src/lab/run.js';
import { realEngines } from '../../src/lab/engines.js';
import { SCENARIOS, findScenario } from '../../src/lab/scenarios/index.js';
import { EXAMPLE_13_1_INITIATOR, EXAMPLE_13_2_RESPONDER } from '../../src/lab/scenarios/chapterPsk.js';
import {
  EXAMPLE_13_13_ROUTER1,
  EXAMPLE_13_14_ROUTER2,
  EXAMPLE_13_15_ROUTER3,
} from '../../src/lab/scenarios/oneToMany.js';
import { fixture } from '../util/fixtures.js';

function normalized(text: string): string {
  return text
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l !== '')
    .join('\n');
}

function chapter(n: string): string {
  return readFileSync(fixture(`chapter/example-13-${n}.cfg`), 'utf8');
}

test('embedded scenario configurations are the chapter examples (fixture copies)', () => {
  assert.equal(normalized(EXAMPLE_13_1_INITIATOR), normalized(chapter('01')));
  assert.equal(normalized(EXAMPLE_13_2_RESPONDER), normalized(chapter('02')));
  assert.equal(normalized(EXAMPLE_13_13_ROUTER1), normalized(chapter('13')));
  assert.equal(normalized(EXAMPLE_13_14_ROUTER2), normalized(chapter('14')));
  assert.equal(normalized(EXAMPLE_13_15_ROUTER3), normalized(chapter('15')));
});

// gre-ha runs its own script (test/lab/greHa.test.ts)
for (const scenario of SCENARIOS.filter((s) => s.run === undefined)) {
  test(`lab ${scenario.name}: ${scenario.pings.length} ping(s), each .!!!! through its own tunnel`, () => {
    const lines: string[] = [];
    const result = runLab(scenario, scenario.routers, realEngines, { out: (l) => lines.push(l) });
    assert.equal(result.ok, true, lines.slice(-10).join('\n'));
    assert.equal(result.pings.length, scenario.pings.length);
    for (const p of result.pings) {
      // IOS drops the packet that triggers IKE: the first echo times out, four come back.
      assert.deepEqual(p.result.replies.map((r) => (r === undefined ? '.' : '!')).join(''), '.!!!!');
      assert.equal(p.encaps, 4, `${p.from} -> ${p.to} encaps`);
      assert.equal(p.decaps, 4, `${p.from} -> ${p.to} decaps`);
    }
    // Every pair has its own IKE SA in QM_IDLE on both ends.
    for (const g of result.gateways) {
      const isakmp = g.isakmpSas();
      const peers = scenario.pings.filter(
        (p) => result.gateways[p.from] === g || result.gateways[p.to] === g,
      ).length;
      assert.equal(isakmp.length, peers, `${g.name} IKE SAs`);
      for (const sa of isakmp) assert.equal(sa.state, 'QM_IDLE');
    }
    const text = lines.join('\n');
    assert.match(text, /Type escape sequence to abort\./);
    assert.match(text, /Sending 5, 100-byte ICMP Echos to [\d.]+, timeout is 2 seconds:/);
    assert.match(text, /Success rate is 80 percent \(4\/5\), round-trip min\/avg\/max = \d+\/\d+\/\d+ ms/);
    assert.match(text, /#show crypto isakmp sa\ndst {10}src {10}state {10}conn-id {4}slot\n/);
    assert.match(text, /IPSEC\(initialize_sas\)/);
    assert.match(text, /lab: PASS/);
    if (scenario.name === 'nat-t') {
      // NAT-D finds the PAT box, both ends float to 4500, ESP travels in UDP (RFC 3948).
      assert.match(text, /Initiator: \S+ ISAKMP \(0:1\): NAT found, the node inside NAT/);
      assert.match(text, /NAT-T: moving to port 4500/);
      assert.match(text, /in use settings =\{Tunnel UDP-Encaps, \}/);
    } else {
      assert.doesNotMatch(text, /UDP-Encaps/);
    }
    if (scenario.name === 'aggressive') assert.match(text, /Aggressive Mode|"exchange":"aggressive"/i);
    else assert.doesNotMatch(text, /Aggressive Mode|"exchange":"aggressive"/i);
  });
}

test('lab psk with the responder side counted too: both routers encapsulate and decapsulate 4', () => {
  const scenario = findScenario('psk');
  assert.ok(scenario);
  const result = runLab(scenario, scenario.routers, realEngines, { out: () => undefined, debug: [] });
  const [initiator, responder] = result.gateways;
  const fi = initiator!.ipsecFlows()[0]!;
  const fr = responder!.ipsecFlows()[0]!;
  assert.equal(fi.counters.encaps, 4);
  assert.equal(fi.counters.decaps, 4);
  assert.equal(fr.counters.encaps, 4);
  assert.equal(fr.counters.decaps, 4);
  // The initiator's outbound SPI is the responder's inbound one and vice versa.
  assert.equal(fi.outboundEsp[0]!.spi, fr.inboundEsp[0]!.spi);
  assert.equal(fr.outboundEsp[0]!.spi, fi.inboundEsp[0]!.spi);
  assert.equal(fi.localIdent, '10.1.1.0/255.255.255.0/0/0');
  assert.equal(fr.localIdent, '10.1.2.0/255.255.255.0/0/0');
});

test('lab psk over a WAN losing 20 % of packets still negotiates and carries pings', () => {
  const scenario = findScenario('psk');
  assert.ok(scenario);
  for (const seed of [1, 2, 3]) {
    const lines: string[] = [];
    const result = runLab(scenario, scenario.routers, realEngines, {
      out: (l) => lines.push(l),
      loss: 0.2,
      seed,
      count: 10,
      debug: [],
    });
    assert.equal(result.ok, true, `seed ${seed}:\n${lines.slice(-6).join('\n')}`);
    assert.ok(result.pings[0]!.result.replies.some((r) => r !== undefined));
  }
});

test('lab runs the fixture copies of Examples 13-1/13-2 as the user-config path does', () => {
  const scenario = findScenario('psk');
  assert.ok(scenario);
  const routers = [
    { file: 'example-13-01.cfg', text: chapter('01') },
    { file: 'example-13-02.cfg', text: chapter('02') },
  ];
  const result = runLab({ ...scenario, routers }, routers, realEngines, { out: () => undefined, debug: [] });
  assert.equal(result.ok, true);
});

test('lab one-to-many over a WAN that duplicates and reorders 20 % of packets still passes', () => {
  const scenario = findScenario('one-to-many');
  assert.ok(scenario);
  const lines: string[] = [];
  const result = runLab(scenario, scenario.routers, realEngines, {
    out: (l) => lines.push(l),
    duplicate: 0.2,
    reorder: 0.2,
    seed: 4,
    debug: [],
  });
  assert.equal(result.ok, true, lines.slice(-8).join('\n'));
  for (const g of result.gateways) for (const sa of g.isakmpSas()) assert.equal(sa.state, 'QM_IDLE');
});

test('a lab run is a function of its seed: same seed, same output; another seed, other SPIs', () => {
  const scenario = findScenario('psk');
  assert.ok(scenario);
  const runOnce = (seed: number): string => {
    const lines: string[] = [];
    runLab(scenario, scenario.routers, realEngines, { out: (l) => lines.push(l), seed });
    return lines.join('\n');
  };
  const first = runOnce(1);
  assert.equal(runOnce(1), first);
  const spis = (text: string): string[] =>
    [...text.matchAll(/current outbound spi: ([0-9A-F]+)/g)].map((m) => m[1]!);
  assert.notDeepEqual(spis(runOnce(2)), spis(first));
});
