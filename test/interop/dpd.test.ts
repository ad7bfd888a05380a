// Dead Peer Detection (RFC 3706) between typeswan (r1) and strongSwan 5.9.8 (r2, charon with
// kernel-libipsec, so its ESP dies with the process), in network namespaces:
//  - strongSwan with `dpd_delay` queries typeswan; typeswan answers every R-U-THERE, and
//    strongSwan keeps the SA well past its `dpd_timeout`;
//  - strongSwan's process is killed (the PID we started, nothing else); typeswan's on-demand
//    DPD (`crypto isakmp keepalive 10 2`) sees one-way traffic, queries, and declares the peer
//    dead within SECS + DPD_TRIES x RETRY; after strongSwan is started again, traffic from ha
//    brings a new tunnel up.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { DPD_TRIES } from '../../src/ike/dpd.js';
import { ADDR, announceSkip, Charon, interopSkipReason, Lab, r1Config, Typeswan, until } from './harness.js';
import { isakmpSaCount, triggerFromHa } from './scenario.js';
import { swanctlConf } from './swanctl.js';

const skip = interopSkipReason({ charon: true, typeswan: true });
announceSkip('DPD typeswan <-> strongSwan', skip);

const PSK = 'interop-dpd-psk-Q4'; // test-only pre-shared key, never used outside this lab
const SECS = 10;
const RETRY = 2;

/** strongSwan's side, with DPD on: a query every 2 s of inbound silence, 8 s to answer. */
function swanConf(): string {
  return swanctlConf({
    name: 'ts',
    localAddress: ADDR.r2Wan,
    remoteAddress: ADDR.r1Wan,
    proposals: 'aes128-sha1-modp2048',
    psk: PSK,
    children: [{ name: 'net', localTs: '10.2.0.0/24', remoteTs: '10.1.0.0/24', esp: 'aes128-sha1' }],
  }).replace('dpd_delay = 0s', 'dpd_delay = 2s\n        dpd_timeout = 8s');
}

describe('interop: DPD typeswan <-> strongSwan', { skip, timeout: 300_000 }, () => {
  let lab: Lab;
  let charon: Charon | undefined;
  let typeswan: Typeswan | undefined;

  before(async () => {
    lab = await Lab.create({ tag: 'dpd' });
    charon = await Charon.start(lab, 'r2', 'sw');
    await charon.load(swanConf());
    const config = `${r1Config(PSK)}crypto isakmp keepalive ${SECS} ${RETRY}\n`;
    typeswan = await Typeswan.start(lab, 'r1', config, 'typeswan-dpd');
  });

  after(async () => {
    await typeswan?.stop();
    await charon?.stop();
    await lab?.destroy();
  });

  const logs = (): string =>
    `typeswan:\n${typeswan?.log().slice(-3000) ?? ''}\nstrongSwan:\n${charon?.log().slice(-2000) ?? ''}`;

  it("answers strongSwan's R-U-THEREs: strongSwan keeps the SA past its dpd_timeout", async () => {
    assert.ok(typeswan && charon);
    assert.ok(await triggerFromHa(lab), `no tunnel:\n${logs()}`);
    // Idle for 15 s: strongSwan queries every 2 s; typeswan (on demand) has no reason to.
    await sleep(15_000);
    const t = typeswan.log();
    const queries = (t.match(/DPD R_U_THERE received/g) ?? []).length;
    const answers = (t.match(/DPD R_U_THERE_ACK sent/g) ?? []).length;
    assert.ok(queries >= 3, `strongSwan's R-U-THEREs seen by typeswan: ${queries}\n${logs()}`);
    assert.equal(answers, queries, 'every R-U-THERE answered');
    assert.doesNotMatch(t, /DPD R_U_THERE sent/, 'on demand: an idle tunnel sends no query');
    assert.match(await charon.listSas(), /ESTABLISHED/, `strongSwan dropped the SA:\n${logs()}`);
    assert.doesNotMatch(charon.log(), /DPD check timed out/);
    assert.equal((await lab.ping('ha', ADDR.hb, 3, 0.2)).received, 3, 'the tunnel still carries traffic');
  });

  it('declares a killed strongSwan dead within SECS + tries x RETRY, and traffic brings a new tunnel after its restart', async (t) => {
    assert.ok(typeswan && charon);
    const old = charon;
    charon = undefined;
    await old.daemon.stop('SIGKILL');
    const deadLine = /is dead \(no R-U-THERE-ACK after \d+ tries\): clearing its SAs/;
    const firstPacket = Date.now();
    // One-way traffic from ha: nothing comes back now.
    const dead = await until(async () => {
      if (deadLine.test(typeswan?.log() ?? '')) return true;
      await lab.ping('ha', ADDR.hb, 1, 0.2);
      return deadLine.test(typeswan?.log() ?? '');
    }, 40_000);
    const elapsed = (Date.now() - firstPacket) / 1000;
    assert.ok(dead, `typeswan never declared the peer dead:\n${logs()}`);
    const bound = SECS + DPD_TRIES * RETRY;
    t.diagnostic(
      `peer declared dead ${elapsed.toFixed(1)} s after the first unanswered packet (bound ${bound} s)`,
    );
    assert.ok(elapsed <= bound + 3, `declared dead after ${elapsed.toFixed(1)} s (bound ${bound} s)`);
    assert.ok(elapsed >= SECS, `declared dead after only ${elapsed.toFixed(1)} s`);
    const queries = (typeswan.log().match(/DPD R_U_THERE sent/g) ?? []).length;
    assert.equal(queries, DPD_TRIES, `R-U-THEREs sent: ${queries}`);
    assert.match(typeswan.log(), /IPSEC\(delete_sa\): deleting SAs with 192\.0\.2\.2, .*\(DPD: peer dead/);
    assert.match(typeswan.log(), /deleting SA reason "DPD: peer dead \(no R-U-THERE-ACK after 5 tries\)"/);

    charon = await Charon.start(lab, 'r2', 'sw-restarted');
    await charon.load(swanConf());
    assert.ok(await triggerFromHa(lab, 60_000), `no new tunnel after the restart:\n${logs()}`);
    assert.match(await charon.listSas(), /ESTABLISHED/);
    assert.ok((await isakmpSaCount(typeswan)) >= 1);
  });
});
