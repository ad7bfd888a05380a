// The chapter pair with the other things a crypto map can ask for: PFS, AES-256 for IKE and
// ESP, and an AH+ESP bundle. Each tunnel carries the pings, and an AH+ESP flow counts each
// packet once, as IOS does.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runLab } from '../../src/lab/run.js';
import { realEngines } from '../../src/lab/engines.js';
import { EXAMPLE_13_1_INITIATOR, EXAMPLE_13_2_RESPONDER } from '../../src/lab/scenarios/chapterPsk.js';

function pair(edit: (text: string) => string) {
  const routers = [
    { file: 'initiator.cfg', text: edit(EXAMPLE_13_1_INITIATOR) },
    { file: 'responder.cfg', text: edit(EXAMPLE_13_2_RESPONDER) },
  ];
  const lines: string[] = [];
  const result = runLab(
    { name: 'variant', title: 'variant', source: 'test', routers, pings: [{ from: 0, to: 1 }] },
    routers,
    realEngines,
    { out: (l) => lines.push(l), debug: ['isakmp', 'ipsec'] },
  );
  assert.equal(result.ok, true, lines.slice(-8).join('\n'));
  return { result, text: lines.join('\n') };
}

test('set pfs group2: quick mode carries KE payloads; tunnel up', () => {
  const { result, text } = pair((t) =>
    t.replace(/( *)match address 101/, '$1match address 101\n$1set pfs group2'),
  );
  assert.match(text, /processing KE payload\. message ID = [1-9]\d*/);
  assert.equal(result.pings[0]!.encaps, 4);
});

test('AES-256 in the ISAKMP policy and the transform set', () => {
  const { result, text } = pair((t) =>
    t.replace('encr 3des', 'encr aes 256').replace('esp-3des esp-md5-hmac', 'esp-aes 256 esp-sha-hmac'),
  );
  assert.match(text, /encryption AES-CBC/);
  const flow = result.gateways[0]!.ipsecFlows()[0]!;
  assert.equal(flow.outboundEsp[0]!.transform, 'esp-aes 256 esp-sha-hmac');
  assert.equal(flow.outboundEsp[0]!.ivSize, 16);
});

test('AH+ESP bundle: two SA pairs, each packet counted once', () => {
  const { result } = pair((t) => t.replace('esp-3des esp-md5-hmac', 'ah-sha-hmac esp-aes esp-sha-hmac'));
  const flow = result.gateways[0]!.ipsecFlows()[0]!;
  assert.equal(flow.outboundAh.length, 1);
  assert.equal(flow.outboundEsp.length, 1);
  assert.equal(flow.counters.encaps, 4);
  assert.equal(flow.counters.decaps, 4);
});
