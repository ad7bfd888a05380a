// NAT's packet rewrite against checksums computed by hand (RFC 1071: the one's-complement sum
// of the 16-bit words, folded, inverted), not by our own code. Each expected packet is the
// original with the changed words and the checksums below.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { icmpErrorQuote, rewrite, rewriteIcmpError, natFlow } from '../../../src/gateway/nat/rewrite.js';
import { hex as unhex, toHex as hex } from '../../crypto/hex.js';

function ipHeader(
  totalLength: number,
  protocol: number,
  checksum: string,
  source: string,
  destination: string,
): string {
  const length = totalLength.toString(16).padStart(4, '0');
  return `4500${length}0001000040${protocol.toString(16).padStart(2, '0')}${checksum}${source}${destination}`;
}

test('ICMP echo: source address and identifier, IP and ICMP checksums fixed up', () => {
  // Header with total length 0x0024 (36 = 20 + 16): 4500+0024+0001+0000+4001+0a01+0103+0101+0164
  //   = 928f, checksum 6d70; with 1.1.1.2: 898e, checksum 7671.
  // ICMP 0800 CSUM 0001 0000 abcd abcd abcd abcd: 0800+0001+4*abcd = 2b735 -> b735+2 = b737,
  //   checksum 48c8.
  const icmp = '0800' + '48c8' + '0001' + '0000' + 'abcdabcdabcdabcd';
  const before = unhex(ipHeader(0x24, 1, '6d70', '0a010103', '01010164') + icmp);
  const after = rewrite(before, 'source', '1.1.1.2', 0x0400);
  // ICMP with identifier 0400: 0800+0400+0000+4*abcd = 0c00+2af34 = 2bb34 -> bb34+2 = bb36, checksum 44c9
  const icmpAfter = '0800' + '44c9' + '0400' + '0000' + 'abcdabcdabcdabcd';
  assert.equal(hex(after!), ipHeader(0x24, 1, '7671', '01010102', '01010164') + icmpAfter);
  // and back again on the way in (destination: the reply)
  const flow = natFlow(after!);
  assert.deepEqual(flow, {
    protocol: 1,
    source: '1.1.1.2',
    destination: '1.1.1.100',
    sourcePort: 0x400,
    destinationPort: 0x400,
    laterFragment: false,
  });
});

test('UDP: address and port in the pseudo-header and header; a zero checksum stays zero', () => {
  // 10.1.1.3:5000 -> 1.1.1.100:53, payload "hi" (6869), UDP length 000a.
  // Pseudo-header 0a01 0103 0101 0164 0011 000a + header 1388 0035 000a 0000 + 6869
  //   = 89b4, checksum 764b. After (1.1.1.2:1024): 0101 0102 ... 0400 ... = 712b, checksum 8ed4.
  // IP header, total length 001e (30): 4500+001e+0001+0000+4011+0a01+0103+0101+0164 = 9299 -> 6d66;
  //   with 1.1.1.2: 8998 -> 7667.
  const before = unhex(ipHeader(0x1e, 0x11, '6d66', '0a010103', '01010164') + '13880035000a764b6869');
  const after = rewrite(before, 'source', '1.1.1.2', 1024);
  assert.equal(hex(after!), ipHeader(0x1e, 0x11, '7667', '01010102', '01010164') + '04000035000a8ed46869');
  const none = unhex(ipHeader(0x1e, 0x11, '6d66', '0a010103', '01010164') + '13880035000a00006869');
  assert.equal(hex(rewrite(none, 'source', '1.1.1.2', 1024)!).slice(40), '04000035000a00006869');
});

test('TCP SYN: address and port, checksum fixed up', () => {
  // 10.1.1.3:5000 -> 1.1.1.100:80, seq 1, SYN, window 1000, 20-byte header.
  // Pseudo-header 0a01 0103 0101 0164 0006 0014 + 1388 0050 0000 0001 0000 0000 5002 1000 0000 0000
  //   = 815e, checksum 7ea1. After (1.1.1.2:1024): 68d5, checksum 972a.
  // IP header, total length 0028: 4500+0028+0001+0000+4006+0a01+0103+0101+0164 = 9298 -> 6d67;
  //   with 1.1.1.2: 8997 -> 7668.
  const tcp = (port: string, sum: string): string => `${port}005000000001000000005002${'1000'}${sum}0000`;
  const before = unhex(ipHeader(0x28, 6, '6d67', '0a010103', '01010164') + tcp('1388', '7ea1'));
  const after = rewrite(before, 'source', '1.1.1.2', 1024);
  assert.equal(hex(after!), ipHeader(0x28, 6, '7668', '01010102', '01010164') + tcp('0400', '972a'));
  assert.equal(natFlow(after!)?.tcpFlags, 0x02);
});

test('a later fragment has no ports: only its address can change', () => {
  const frag = unhex(
    '4500001c0001' + '0010' + '4011' + '0000' + '0a010103' + '01010164' + '0000000000000000',
  );
  assert.equal(natFlow(frag)?.laterFragment, true);
  assert.equal(natFlow(frag)?.sourcePort, undefined);
  assert.equal(rewrite(frag, 'source', '1.1.1.2', 1024), undefined);
  assert.notEqual(rewrite(frag, 'source', '1.1.1.2'), undefined);
});

test('malformed input is refused, never read past its end', () => {
  assert.equal(natFlow(new Uint8Array(10)), undefined);
  assert.equal(rewrite(unhex('4500ffff0001000040010000'), 'source', '1.1.1.2'), undefined);
  // total length above the bytes there
  assert.equal(natFlow(unhex(ipHeader(0x40, 1, '0000', '0a010103', '01010164'))), undefined);
});

test('ICMP time exceeded about a translated UDP datagram: outer destination, the quote and both checksums', () => {
  // The quote is the UDP datagram of the test above as it left (1.1.1.2:1024, IP checksum 7667,
  // UDP checksum 8ed4); readdressed, it must read exactly as the host sent it (6d66, 764b).
  const quoteOut = ipHeader(0x1e, 0x11, '7667', '01010102', '01010164') + '04000035000a8ed4';
  const quoteIn = ipHeader(0x1e, 0x11, '6d66', '0a010103', '01010164') + '13880035000a764b';
  // ICMP 0b00 CSUM 0000 0000 + quote: the words sum to 9e13 before (checksum 61ec), 9512 after
  // (6aed). Outer header, length 0038, 1.1.1.1 -> 1.1.1.2: sum 893f (76c0); to 10.1.1.3: 9240 (6dbf).
  const before = unhex(ipHeader(0x38, 1, '76c0', '01010101', '01010102') + '0b0061ec00000000' + quoteOut);
  assert.deepEqual(icmpErrorQuote(before), {
    protocol: 17,
    source: '1.1.1.2',
    destination: '1.1.1.100',
    sourcePort: 1024,
    destinationPort: 53,
    laterFragment: false,
  });
  const after = rewriteIcmpError(before, '10.1.1.3', 5000);
  assert.equal(hex(after!), ipHeader(0x38, 1, '6dbf', '01010101', '0a010103') + '0b006aed00000000' + quoteIn);
  // an echo reply is no error; a quote cut short is refused
  assert.equal(
    icmpErrorQuote(
      unhex(ipHeader(0x24, 1, '6d70', '0a010103', '01010164') + '000048c80001000000000000abcdabcd'),
    ),
    undefined,
  );
  assert.equal(rewriteIcmpError(before.subarray(0, 40), '10.1.1.3', 5000), undefined);
});
