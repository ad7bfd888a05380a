import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { decodeCapture, encodePcap, ipPayload, PcapError, LINKTYPE_RAW } from '../../src/observe/pcap.js';
import { fixture } from '../util/fixtures.js';

test('reads the strongSwan pcapng capture: 15 frames as its README lists', () => {
  const frames = decodeCapture(
    readFileSync(fixture('strongswan-ikev1/mm-psk-3des-md5-modp1024-pfs/capture.pcapng')),
  );
  assert.equal(frames.length, 15);
  const ip = ipPayload(frames[0]!);
  assert.ok(ip);
  // frame 1 is r1 -> r2 on UDP 500 (README: 192.0.2.1 -> 192.0.2.2, 176 bytes of ISAKMP)
  assert.deepEqual([...ip.subarray(12, 20)], [192, 0, 2, 1, 192, 0, 2, 2]);
  assert.equal((ip[22]! << 8) | ip[23]!, 500);
  assert.equal(ip.length - 28, 176);
});

test('pcap round trip and truncation errors', () => {
  const data = new Uint8Array([0x45, 1, 2, 3]);
  const file = encodePcap([{ time: 1.5, data }]);
  const frames = decodeCapture(file);
  assert.equal(frames.length, 1);
  assert.equal(frames[0]!.linkType, LINKTYPE_RAW);
  assert.equal(frames[0]!.time, 1.5);
  assert.deepEqual([...frames[0]!.data], [...data]);
  assert.throws(() => decodeCapture(file.subarray(0, file.length - 1)), PcapError);
  assert.throws(() => decodeCapture(new Uint8Array([1, 2, 3, 4, 5])), PcapError);
});
