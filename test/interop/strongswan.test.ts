// Proves the harness itself: strongSwan <-> strongSwan in the lab topology (main mode PSK,
// AES-128-CBC/HMAC-SHA1), pings and a 10 MB TCP transfer host to host, and tshark decrypting
// the capture with the keys charon logged. If this fails, the typeswan scenarios cannot be
// trusted either.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import {
  ADDR,
  announceSkip,
  Charon,
  charonTsharkOptions,
  interopSkipReason,
  Lab,
  malformedFrames,
  tsharkVerbose,
} from './harness.js';
import { swanctlConf } from './swanctl.js';

const skip = interopSkipReason({ charon: true });
announceSkip('strongswan-strongswan (harness check)', skip);
const tsharkMissing = !existsSync('/usr/bin/tshark');
if (!skip && tsharkMissing)
  console.log('\n*** tshark missing: the decryption check of the harness test is skipped ***\n');

describe('interop harness: strongSwan <-> strongSwan', { skip, timeout: 120_000 }, () => {
  let lab: Lab;
  let r1: Charon;
  let r2: Charon;

  before(async () => {
    lab = await Lab.create({ tag: 'ss' });
    r1 = await Charon.start(lab, 'r1', 'r1');
    r2 = await Charon.start(lab, 'r2', 'r2');
  });

  after(async () => {
    await lab?.destroy();
  });

  it('main mode PSK + quick mode: pings, 10 MB TCP with equal SHA-256, tshark decrypts', async () => {
    const psk = 'lab-psk-not-secret';
    await r2.load(
      swanctlConf({
        name: 'mm',
        localAddress: ADDR.r2Wan,
        remoteAddress: ADDR.r1Wan,
        proposals: 'aes128-sha1-modp2048',
        psk,
        children: [{ name: 'net', localTs: '10.2.0.0/24', remoteTs: '10.1.0.0/24', esp: 'aes128-sha1' }],
      }),
    );
    await r1.load(
      swanctlConf({
        name: 'mm',
        localAddress: ADDR.r1Wan,
        remoteAddress: ADDR.r2Wan,
        proposals: 'aes128-sha1-modp2048',
        psk,
        children: [{ name: 'net', localTs: '10.1.0.0/24', remoteTs: '10.2.0.0/24', esp: 'aes128-sha1' }],
      }),
    );
    const capture = await lab.startCapture('r1', 'r1-wan', 'ss-mm');
    const initiated = await r1.initiate('net');
    assert.equal(initiated.code, 0, `initiate failed:\n${initiated.stdout}\n${r1.log().slice(-3000)}`);
    assert.match(initiated.stdout, /selected proposal: ESP:AES_CBC_128\/HMAC_SHA1_96/);
    const ping = await lab.ping('ha', ADDR.hb, 5);
    assert.equal(ping.received, 5, ping.output);
    const transfer = await lab.tcpTransfer('ha', 'hb', ADDR.hb);
    assert.ok(transfer.ok, transfer.detail);
    const sas = await r1.listSas();
    assert.match(sas, /ESTABLISHED, IKEv1/);
    assert.match(sas, /INSTALLED, TUNNEL-in-UDP/);
    const pcap = await capture.stop();

    assert.deepEqual(await malformedFrames(pcap), []);
    if (!tsharkMissing) {
      const keys = charonTsharkOptions(r1.keyLog(), sas);
      assert.ok(
        keys.some((k) => k.startsWith('uat:ikev1_decryption_table:')),
        'no IKE key found in charon key log',
      );
      const decoded = await tsharkVerbose(pcap, keys, 'isakmp || esp');
      // Decrypted main mode 5: the initiator's ID payload (ID_IPV4_ADDR 192.0.2.1).
      assert.match(decoded, /Identification Data:192\.0\.2\.1|ID_IPV4_ADDR.*\n.*192\.0\.2\.1/);
      // Decrypted ESP: the inner ICMP echo request from ha to hb.
      assert.match(decoded, /Internet Control Message Protocol[\s\S]*Type: 8 \(Echo \(ping\) request\)/);
      assert.match(decoded, /Src: 10\.1\.0\.10, Dst: 10\.2\.0\.10/);
    }
    const terminated = await r1.terminate('mm');
    assert.equal(terminated.code, 0, terminated.stdout);
  });
});
