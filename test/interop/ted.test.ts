// Tunnel Endpoint Discovery between two typeswan gateways on a real kernel (Examples 13-24 and
// 13-25 readdressed): neither names its peer. The probe leaves r1 from ha's address toward
// hb's, r2's `ip rule` hands it to its TUN, r2 answers from hb's address, r1's rule hands the
// answer to its TUN, and main mode runs r1 -> r2 with the wildcard key.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ADDR, announceSkip, interopSkipReason, Lab, run, Typeswan, type Capture } from './harness.js';
import { triggerFromHa } from './scenario.js';
import { EXAMPLE_13_24_TED_INITIATOR, EXAMPLE_13_25_TED_RESPONDER } from '../../src/lab/scenarios/ted.js';

const skip = interopSkipReason({ charon: false, typeswan: true });
announceSkip('typeswan <-> typeswan TED', skip);

/** The chapter's example with the lab's addresses (LANs 10.1.0.0/24 and 10.2.0.0/24, WAN 192.0.2.0/24). */
function readdressed(text: string): string {
  return text
    .replaceAll('13.13.13.13', ADDR.r1Lan)
    .replaceAll('12.12.12.12', ADDR.r2Lan)
    .replaceAll('13.13.13.0', '10.1.0.0')
    .replaceAll('12.12.12.0', '10.2.0.0')
    .replaceAll('11.11.11.', '192.0.2.');
}

describe('interop: typeswan <-> typeswan, Tunnel Endpoint Discovery', { skip, timeout: 180_000 }, () => {
  let lab: Lab;
  let capture: Capture | undefined;
  const daemons: Typeswan[] = [];

  before(async () => {
    lab = await Lab.create({ tag: 'td' });
    // Example 13-24's `ip route`: each side reaches the other's LAN in the clear (the probe's path).
    for (const [role, net, via] of [
      ['r1', '10.2.0.0/24', ADDR.r2Wan],
      ['r2', '10.1.0.0/24', ADDR.r1Wan],
    ] as const) {
      const r = await run('ip', ['-n', lab.ns(role), 'route', 'add', net, 'via', via]);
      assert.equal(r.code, 0, r.stderr);
    }
  });
  after(async () => {
    for (const d of daemons) await d.stop();
    await capture?.stop();
    await lab?.destroy();
  });

  it('the probe finds r2, main mode runs to it, and ha pings hb through ESP', async () => {
    capture = await lab.startCapture('r1', 'r1-wan', 'ted');
    const r2 = await Typeswan.start(lab, 'r2', readdressed(EXAMPLE_13_25_TED_RESPONDER), 'ted-r2');
    daemons.push(r2);
    const r1 = await Typeswan.start(lab, 'r1', readdressed(EXAMPLE_13_24_TED_INITIATOR), 'ted-r1');
    daemons.push(r1);
    const up = await triggerFromHa(lab, 40_000);
    assert.ok(up, `no tunnel:\nr1:\n${r1.log().slice(-3000)}\nr2:\n${r2.log().slice(-3000)}`);
    const ping = await lab.ping('ha', ADDR.hb, 5, 0.2);
    assert.equal(ping.received, 5, ping.output);
    const sas = await r1.cli(['show', 'crypto', 'ipsec', 'sa']);
    assert.match(sas.stdout, /current_peer: 192\.0\.2\.2/);
    assert.match(sas.stdout, /Crypto map tag: tedtag/);
    const pcap = await capture.stop();
    capture = undefined;
    // tshark sees the probe from ha's address to hb's and the answer back on UDP 500, then ESP.
    const udp = await run('tshark', [
      '-r',
      pcap,
      '-Y',
      'udp.port == 500',
      '-T',
      'fields',
      '-e',
      'ip.src',
      '-e',
      'ip.dst',
      '-e',
      'isakmp.exchangetype',
    ]);
    const lines = udp.stdout.trim().split('\n');
    assert.deepEqual(
      lines.slice(0, 2),
      [`${ADDR.ha}\t${ADDR.hb}\t243`, `${ADDR.hb}\t${ADDR.ha}\t243`],
      `${udp.stdout}${udp.stderr} (exit ${udp.code})`,
    );
    assert.ok(
      lines.some((l) => l === `${ADDR.r1Wan}\t${ADDR.r2Wan}\t2`),
      'no main mode r1 -> r2',
    );
    const esp = await run('tshark', ['-r', pcap, '-Y', 'esp']);
    assert.ok(esp.stdout.trim().split('\n').length >= 10, 'no ESP on the wire');
  });
});
