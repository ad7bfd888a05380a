// typeswan (r1) against strongSwan 5.9.8 (r2: charon + kernel-libipsec, driven by swanctl), in
// network namespaces. strongSwan's userspace ESP always acts as if behind NAT, so every
// scenario also exercises NAT-T (float to 4500, ESP in UDP). Each scenario is its own test:
// typeswan initiating (interesting traffic from ha) and responding (swanctl --initiate).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  ADDR,
  announceSkip,
  Charon,
  interopSkipReason,
  Lab,
  malformedFrames,
  Typeswan,
  until,
  type Capture,
} from './harness.js';
import { iosConfig } from './ios.js';
import {
  checkEspDecrypts,
  checkIkeDecrypts,
  checkNoMalformed,
  checkPingsAndCounters,
  checkTransfer,
  ipsecCounters,
  isakmpSaCount,
  triggerFromHa,
} from './scenario.js';
import { swanctlConf, type SwanChild } from './swanctl.js';

const skip = interopSkipReason({ charon: true, typeswan: true });
announceSkip('typeswan <-> strongSwan', skip);

const PSK = 'interop-psk-7Hq2';

interface Scenario {
  readonly initiator: 'typeswan' | 'strongswan';
  /** IOS transform set. */
  readonly transforms: string;
  /** strongSwan esp_proposals accepting/offering the same. */
  readonly esp: string;
  readonly pfs?: number;
  readonly aggressive?: boolean;
  /** Key typeswan uses (a wrong one for the failure case). */
  readonly typeswanPsk?: string;
  readonly child?: Partial<SwanChild>;
  readonly lifetimeSeconds?: number;
}

describe('interop: typeswan <-> strongSwan', { skip, timeout: 600_000 }, () => {
  let lab: Lab;
  let charon: Charon;
  let typeswan: Typeswan | undefined;
  let capture: Capture | undefined;
  const pcaps: { name: string; pcap: string; keylog: string }[] = [];

  before(async () => {
    lab = await Lab.create({ tag: 'ts' });
    charon = await Charon.start(lab, 'r2', 'sw');
  });

  after(async () => {
    await lab?.destroy();
  });

  /** Loads strongSwan, starts typeswan and a capture; leaves the tunnel down. */
  async function setUp(name: string, s: Scenario): Promise<Typeswan> {
    await tearDown();
    const ike = 'aes128-sha1-modp2048';
    await charon.load(
      swanctlConf({
        name: 'ts',
        localAddress: ADDR.r2Wan,
        remoteAddress: ADDR.r1Wan,
        aggressive: s.aggressive ?? false,
        proposals: ike,
        psk: PSK,
        ...(s.aggressive ? { localId: 'r2.lab.example', remoteId: 'r1.lab.example' } : {}),
        children: [{ name: 'net', localTs: '10.2.0.0/24', remoteTs: '10.1.0.0/24', esp: s.esp, ...s.child }],
      }),
    );
    capture = await lab.startCapture('r1', 'r1-wan', name);
    typeswan = await Typeswan.start(
      lab,
      'r1',
      iosConfig({
        hostname: 'r1',
        lanAddress: ADDR.r1Lan,
        wanAddress: ADDR.r1Wan,
        peer: ADDR.r2Wan,
        psk: s.typeswanPsk ?? PSK,
        isakmp: { encr: 'aes', hash: 'sha', group: 14 },
        transforms: s.transforms,
        acl: '10.1.0.0 0.0.0.255 10.2.0.0 0.0.0.255',
        ...(s.pfs !== undefined ? { pfs: s.pfs } : {}),
        ...(s.lifetimeSeconds !== undefined ? { lifetimeSeconds: s.lifetimeSeconds } : {}),
        ...(s.aggressive ? { identityHostname: true, peerHostname: 'r2.lab.example' } : {}),
      }),
      `typeswan-${name}`,
      s.aggressive ? ['--aggressive'] : [],
    );
    return typeswan;
  }

  async function bringUp(s: Scenario, t: Typeswan): Promise<void> {
    if (s.initiator === 'typeswan') {
      const up = await triggerFromHa(lab);
      assert.ok(
        up,
        `no tunnel after 20 s of interesting traffic.\ntypeswan:\n${t.log().slice(-3000)}\nstrongSwan:\n${charon.log().slice(-2000)}`,
      );
    } else {
      const result = await charon.initiate('net');
      assert.equal(
        result.code,
        0,
        `swanctl --initiate failed:\n${result.stdout.slice(-2500)}\ntypeswan:\n${t.log().slice(-3000)}`,
      );
    }
  }

  /** Stops typeswan (deletes sent, exit 0) and strongSwan's SAs; keeps the capture. */
  async function tearDown(): Promise<{ pcap?: string; exit?: number }> {
    const out: { pcap?: string; exit?: number } = {};
    if (typeswan) {
      out.exit = await typeswan.stop();
      typeswan = undefined;
    }
    if (capture) {
      out.pcap = await capture.stop();
      capture = undefined;
    }
    await charon.swanctl('terminate', ['--ike', 'ts', '--timeout', '3'], 8000);
    return out;
  }

  /** tshark finds nothing malformed in a scenario's capture (failures included). */
  async function checkCaptureClean(torn: { pcap?: string }): Promise<void> {
    assert.ok(torn.pcap, 'no capture');
    assert.deepEqual(await malformedFrames(torn.pcap), [], 'tshark found malformed frames');
  }

  /** The full check of one working scenario. */
  async function working(name: string, s: Scenario): Promise<void> {
    const t = await setUp(name, s);
    await bringUp(s, t);
    await checkPingsAndCounters(lab, t);
    await checkTransfer(lab);
    const sas = await charon.listSas();
    assert.match(sas, /INSTALLED, TUNNEL-in-UDP/, `strongSwan's CHILD_SA:\n${sas}`);
    const keylog = t.keyLog();
    const { pcap, exit } = await tearDown();
    assert.equal(exit, 0, 'typeswan did not exit 0 on SIGTERM');
    assert.ok(pcap);
    pcaps.push({ name, pcap, keylog });
    await checkNoMalformed(pcap, keylog);
    await checkEspDecrypts(pcap, keylog);
  }

  const aesSha: Scenario = { initiator: 'typeswan', transforms: 'esp-aes esp-sha-hmac', esp: 'aes128-sha1' };

  it('main mode PSK, esp-aes esp-sha-hmac, typeswan initiates', () => working('mm-aes-i', aesSha));
  it('main mode PSK, esp-aes esp-sha-hmac, strongSwan initiates', () =>
    working('mm-aes-r', { ...aesSha, initiator: 'strongswan' }));

  it('tshark decrypts the main mode ID payload with typeswan --keylog', async () => {
    const first = pcaps.find((p) => p.name === 'mm-aes-i');
    assert.ok(first, 'the first scenario left no capture');
    await checkIkeDecrypts(first.pcap, first.keylog, /ID_IPV4_ADDR[\s\S]{0,200}192\.0\.2\.1/);
  });

  const sets: [string, string, string][] = [
    ['3des-md5', 'esp-3des esp-md5-hmac', '3des-md5'],
    ['aes256-sha256', 'esp-aes 256 esp-sha256-hmac', 'aes256-sha256'],
    ['gcm', 'esp-gcm', 'aes128gcm16'],
  ];
  for (const [tag, transforms, esp] of sets) {
    it(`transform set ${transforms}, typeswan initiates`, () =>
      working(`${tag}-i`, { initiator: 'typeswan', transforms, esp }));
    it(`transform set ${transforms}, strongSwan initiates`, () =>
      working(`${tag}-r`, { initiator: 'strongswan', transforms, esp }));
  }

  it('quick mode with PFS (group 14), typeswan initiates', () =>
    working('pfs-i', { ...aesSha, pfs: 14, esp: 'aes128-sha1-modp2048' }));
  it('quick mode with PFS (group 14), strongSwan initiates', () =>
    working('pfs-r', { ...aesSha, initiator: 'strongswan', pfs: 14, esp: 'aes128-sha1-modp2048' }));

  it('aggressive mode PSK with FQDN identities, typeswan initiates', () =>
    working('am-i', { ...aesSha, aggressive: true }));
  it('aggressive mode PSK with FQDN identities, strongSwan initiates', () =>
    working('am-r', { ...aesSha, aggressive: true, initiator: 'strongswan' }));

  let rekeyCounters: { before: number; after: number; pings: number } | undefined;

  it('rekey during traffic (strongSwan rekeys the CHILD_SA after 12 s): no ping lost', async () => {
    const s: Scenario = { ...aesSha, initiator: 'strongswan', child: { rekeyTime: '12s', lifeTime: '30s' } };
    let torn: { pcap?: string } = {};
    const t = await setUp('rekey', s);
    try {
      await bringUp(s, t);
      const before = await ipsecCounters(t);
      // 100 pings over 20 s span the rekey at 12 s (and strongSwan's jitter).
      const ping = await lab.ping('ha', ADDR.hb, 100, 0.2);
      assert.equal(ping.received, 100, `pings lost across the rekey:\n${ping.output.slice(-600)}`);
      assert.match(
        charon.log(),
        /rekeying|CHILD_SA .* rekeyed|creating rekey job/i,
        'strongSwan did not rekey',
      );
      const after = await ipsecCounters(t);
      rekeyCounters = { before: before.encaps, after: after.encaps, pings: 100 };
    } finally {
      torn = await tearDown();
    }
    await checkCaptureClean(torn);
  });

  it('show crypto ipsec sa counters keep counting across the rekey (per flow, as IOS)', () => {
    assert.ok(rekeyCounters, 'the rekey scenario did not run');
    const { before, after, pings } = rekeyCounters;
    assert.ok(
      after - before >= pings,
      `encaps before ${before}, after ${after}: fewer than the ${pings} pings sent`,
    );
  });

  it('clear crypto sa on typeswan deletes the SAs on strongSwan', async () => {
    let torn: { pcap?: string } = {};
    const t = await setUp('del-t', aesSha);
    try {
      await bringUp(aesSha, t);
      assert.match(await charon.listSas(), /INSTALLED/);
      const cleared = await t.cli(['clear', 'crypto', 'sa']);
      assert.equal(cleared.code, 0, cleared.stderr);
      const gone = await until(async () => !/INSTALLED/.test(await charon.listSas()), 5000);
      assert.ok(gone, `strongSwan still has the CHILD_SA:\n${await charon.listSas()}`);
      assert.match(charon.log(), /received DELETE for ESP CHILD_SA/);
    } finally {
      torn = await tearDown();
    }
    await checkCaptureClean(torn);
  });

  it('swanctl --terminate on strongSwan deletes the SAs on typeswan', async () => {
    const s: Scenario = { ...aesSha, initiator: 'strongswan' };
    let torn: { pcap?: string } = {};
    const t = await setUp('del-s', s);
    try {
      await bringUp(s, t);
      assert.ok((await ipsecCounters(t)).outboundSpis > 0, 'typeswan has no outbound SA');
      const terminated = await charon.terminate('ts');
      assert.equal(terminated.code, 0, terminated.stdout);
      const gone = await until(
        async () => (await ipsecCounters(t)).outboundSpis === 0 && (await isakmpSaCount(t)) === 0,
        5000,
      );
      assert.ok(
        gone,
        `typeswan still has SAs:\n${(await t.cli(['show', 'crypto', 'ipsec', 'sa'])).stdout.slice(0, 1500)}`,
      );
    } finally {
      torn = await tearDown();
    }
    await checkCaptureClean(torn);
  });

  it('a wrong pre-shared key fails cleanly, and typeswan says so', async () => {
    const s: Scenario = { ...aesSha, initiator: 'strongswan', typeswanPsk: 'not-the-key' };
    let torn: { pcap?: string } = {};
    const t = await setUp('wrong-psk', s);
    try {
      const result = await charon.initiate('net', 12);
      assert.notEqual(result.code, 0, 'strongSwan established with a wrong key');
      assert.ok(t.daemon.running, 'typeswan died on a wrong key');
      assert.match(
        t.log(),
        /pre-?shared key|AUTHENTICATION_FAILED|hash (mismatch|does not match)|authFailed/i,
        t.log().slice(-2500),
      );
      assert.equal((await lab.ping('ha', ADDR.hb, 2, 0.2)).received, 0);
    } finally {
      torn = await tearDown();
    }
    await checkCaptureClean(torn);
  });

  it('a proposal mismatch fails cleanly, and typeswan names what mismatched', async () => {
    const s: Scenario = { initiator: 'typeswan', transforms: 'esp-3des esp-md5-hmac', esp: 'aes128gcm16' };
    let torn: { pcap?: string } = {};
    const t = await setUp('mismatch-i', s);
    try {
      assert.equal(await triggerFromHa(lab, 6000), false, 'a tunnel came up despite the mismatch');
      assert.ok(t.daemon.running);
      assert.match(t.log(), /NO_PROPOSAL_CHOSEN/, t.log().slice(-2500));
      assert.match(charon.log(), /no acceptable proposal found|NO_PROPOSAL_CHOSEN/);
    } finally {
      torn = await tearDown();
    }
    await checkCaptureClean(torn);
    const r: Scenario = { initiator: 'strongswan', transforms: 'esp-3des esp-md5-hmac', esp: 'aes128gcm16' };
    const t2 = await setUp('mismatch-r', r);
    try {
      const result = await charon.initiate('net', 10);
      assert.notEqual(result.code, 0);
      // The refusal names the offer and what our policy wanted.
      assert.match(t2.log(), /esp-3des|ESP_3DES|3des/i, t2.log().slice(-2500));
      assert.match(t2.log(), /gcm|GCM/, t2.log().slice(-2500));
    } finally {
      torn = await tearDown();
    }
    await checkCaptureClean(torn);
  });
});
