// IPComp between two gateways with the real engines on the virtual network: Examples 13-1 and
// 13-2 with `comp-lzs` or `comp-deflate` added to the transform set. Negotiated CPIs cross
// (each side's inbound CPI is the other's outbound one), pings of 100 bytes are compressed,
// small ones are not (RFC 3173 §2.2), and a side without compression runs ESP alone.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EXAMPLE_13_1_INITIATOR, EXAMPLE_13_2_RESPONDER } from '../../src/lab/scenarios/chapterPsk.js';
import { formatIpsecSa } from '../../src/observe/show/ipsecSa.js';
import { chapterPair } from './chapterPair.js';

const TS = 'crypto ipsec transform-set myset esp-3des esp-md5-hmac';

function configs(initiator: string, responder: string): [string, string] {
  const a = EXAMPLE_13_1_INITIATOR.replace(TS, `${TS}${initiator}`);
  const b = EXAMPLE_13_2_RESPONDER.replace(TS, `${TS}${responder}`);
  assert.ok(a.includes(TS) && b.includes(TS));
  return [a, b];
}

function run(initiator: string, responder: string) {
  const s = chapterPair({ seed: 7, rngSeed: 70, texts: configs(initiator, responder) });
  const ipcomp: { router: string; line: string }[] = [];
  s.bus.subscribe((e) => {
    const ev = e.event;
    if (ev.type === 'ipcomp')
      ipcomp.push({
        router: e.router,
        line: ev.choice
          ? `${ev.choice.algorithm} in ${ev.choice.inboundCpi} out ${ev.choice.outboundCpi}`
          : `declined: ${ev.declined ?? ''}`,
      });
  });
  return { ...s, ipcomp };
}

for (const [keyword, algorithm] of [
  [' comp-lzs', 'lzs'],
  [' comp-deflate', 'deflate'],
] as const) {
  test(`${keyword.trim()} on both sides: CPIs cross, 100-byte pings compressed, 60-byte ones not`, () => {
    const s = run(keyword, keyword);
    assert.equal(s.ping(), '.!!!!');
    const [fi] = s.gateways[0]!.ipsecFlows();
    const [fr] = s.gateways[1]!.ipsecFlows();
    assert.ok(fi && fr);
    const inI = fi.inboundPcp?.[0];
    const outI = fi.outboundPcp?.[0];
    const inR = fr.inboundPcp?.[0];
    const outR = fr.outboundPcp?.[0];
    assert.ok(inI && outI && inR && outR, 'pcp SAs on both sides');
    assert.equal(inI.spi, outR.spi);
    assert.equal(inR.spi, outI.spi);
    assert.ok(inI.spi >= 256 && inI.spi <= 61439, `negotiated CPI range: ${inI.spi}`);
    assert.equal(inI.transform, `comp-${algorithm}`);
    assert.deepEqual(
      s.ipcomp.map((x) => x.router).sort(),
      ['Initiator', 'Responder'],
      'one ipcomp event on each side',
    );
    // the first echo is lost to IKE (IOS drops it): 4 out, 4 back
    assert.equal(fi.counters.compressed, 4);
    assert.equal(fi.counters.decompressed, 4);
    assert.equal(fr.counters.compressed, 4);
    assert.equal(fr.counters.decompressed, 4);
    assert.equal(fi.counters.notCompressed, 0);

    assert.equal(s.ping(60), '!!!!!');
    const [after] = s.gateways[0]!.ipsecFlows();
    assert.equal(after!.counters.notCompressed, 5, 'below the threshold: sent as it was');
    assert.equal(after!.counters.compressed, 4);
    assert.equal(after!.counters.decaps, 9);
    assert.equal(after!.counters.recvErrors, 0);

    const text = formatIpsecSa(s.gateways[0]!.ipsecFlows());
    assert.match(
      text,
      new RegExp(
        `inbound pcp sas:\\n  spi: 0x[0-9A-F]+\\(${inI.spi}\\)\\n    transform: comp-${algorithm} ,`,
      ),
    );
    assert.match(text, /#pkts compressed: 4, #pkts decompressed: 4\n {2}#pkts not compressed: 5,/);
  });
}

test('responder without compression: ESP alone, the initiator says why', () => {
  const s = run(' comp-lzs', '');
  assert.equal(s.ping(), '.!!!!');
  const [fi] = s.gateways[0]!.ipsecFlows();
  assert.equal(fi!.inboundPcp, undefined);
  assert.equal(fi!.counters.compressed + fi!.counters.notCompressed, 0);
  assert.deepEqual(s.ipcomp, [
    { router: 'Responder', line: 'declined: transform set myset has no compression' },
    { router: 'Initiator', line: 'declined: the peer answered without IPCOMP' },
  ]);
});

test('LZS offered, DEFLATE wanted: declined with both names, ESP alone', () => {
  const s = run(' comp-lzs', ' comp-deflate');
  assert.equal(s.ping(), '.!!!!');
  assert.equal(s.gateways[1]!.ipsecFlows()[0]!.inboundPcp, undefined);
  assert.match(s.ipcomp[0]!.line, /offered IPPCP_LZS, transform set myset wants comp-deflate/);
});

test('initiator without compression, responder with: no IPComp, nothing to decline', () => {
  const s = run('', ' comp-lzs');
  assert.equal(s.ping(), '.!!!!');
  assert.deepEqual(s.ipcomp, []);
  assert.equal(s.gateways[1]!.ipsecFlows()[0]!.inboundPcp, undefined);
});
