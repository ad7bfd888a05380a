// typeswan (r1, IKEv2 configured as IOS 15 does) against strongSwan 5.9.8 (r2, IKEv2 PSK) in
// network namespaces: IKE_SA_INIT and IKE_AUTH create the CHILD_SA with either side
// initiating, pings cross it (ESP in UDP: strongSwan's userspace ESP fakes a NAT, so IKE
// floats to 4500 after IKE_SA_INIT), a wrong key and a proposal mismatch fail with the reason
// in typeswan's log, and strongSwan's terminate is seen as a DELETE.

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
} from './harness.js';
import { iosIkev2Config } from './iosIkev2.js';
import { triggerFromHa } from './scenario.js';
import { swanctlConf } from './swanctl.js';

const skip = interopSkipReason({ charon: true, typeswan: true });
announceSkip('typeswan IKEv2 <-> strongSwan', skip);

const PSK = 'interop-v2-psk-3Kd9';

interface Scenario {
  readonly initiator: 'typeswan' | 'strongswan';
  readonly swanProposals?: string;
  readonly swanEsp?: string;
  readonly typeswanPsk?: string;
  /** typeswan's `crypto ikev2 proposal` lines and transform set. */
  readonly proposal?: readonly string[];
  readonly transforms?: string;
}

describe('interop: typeswan IKEv2 <-> strongSwan', { skip, timeout: 300_000 }, () => {
  let lab: Lab;
  let charon: Charon;
  let typeswan: Typeswan | undefined;

  before(async () => {
    lab = await Lab.create({ tag: 'v2' });
    charon = await Charon.start(lab, 'r2', 'sw');
  });

  after(async () => {
    await typeswan?.stop();
    await lab?.destroy();
  });

  async function setUp(name: string, s: Scenario): Promise<Typeswan> {
    if (typeswan) await typeswan.stop();
    await charon.swanctl('terminate', ['--ike', 'v2', '--timeout', '3'], 8000);
    await charon.load(
      swanctlConf({
        name: 'v2',
        version: 2,
        localAddress: ADDR.r2Wan,
        remoteAddress: ADDR.r1Wan,
        proposals: s.swanProposals ?? 'aes256-sha256-modp2048',
        psk: PSK,
        children: [
          { name: 'net', localTs: '10.2.0.0/24', remoteTs: '10.1.0.0/24', esp: s.swanEsp ?? 'aes256-sha256' },
        ],
      }),
    );
    typeswan = await Typeswan.start(
      lab,
      'r1',
      iosIkev2Config({
        hostname: 'r1',
        lanAddress: ADDR.r1Lan,
        wanAddress: ADDR.r1Wan,
        peer: ADDR.r2Wan,
        psk: s.typeswanPsk ?? PSK,
        proposal: s.proposal ?? ['encryption aes-cbc-256', 'integrity sha256', 'group 14'],
        transforms: s.transforms ?? 'esp-aes 256 esp-sha256-hmac',
        acl: '10.1.0.0 0.0.0.255 10.2.0.0 0.0.0.255',
      }),
      `typeswan-${name}`,
    );
    return typeswan;
  }

  async function pingsAcross(t: Typeswan, esp = /AES_CBC-256\/HMAC_SHA2_256_128/): Promise<void> {
    const ping = await lab.ping('ha', ADDR.hb, 5, 0.2);
    assert.equal(ping.received, 5, `pings ha -> hb:\n${ping.output}\ntypeswan:\n${t.log().slice(-3000)}`);
    const sas = await charon.listSas();
    assert.match(sas, /IKEv2/, sas);
    assert.match(sas, /ESTABLISHED/, sas);
    assert.match(sas, /INSTALLED, TUNNEL-in-UDP/, sas);
    assert.match(sas, esp, sas);
  }

  it('typeswan initiates on interesting traffic; pings cross the CHILD_SA', async () => {
    const t = await setUp('i', { initiator: 'typeswan' });
    const up = await triggerFromHa(lab);
    assert.ok(
      up,
      `no tunnel after 20 s of traffic.\ntypeswan:\n${t.log().slice(-3000)}\nstrongSwan:\n${charon.log().slice(-3000)}`,
    );
    await pingsAcross(t);
    assert.match(t.log(), /IKEv2 SA \d+: established with 192\.0\.2\.2/);
    const shown = await t.cli(['show', 'crypto', 'ikev2', 'sa']);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(
      shown.stdout,
      /^\d+ +192\.0\.2\.1\/4500 +192\.0\.2\.2\/4500 +none\/none +READY$/m,
      shown.stdout,
    );
    assert.match(
      shown.stdout,
      /Encr: AES-CBC, keysize: 256, PRF: SHA256, Hash: SHA256, DH Grp:14, Auth sign: PSK, Auth verify: PSK/,
    );
  });

  it('strongSwan initiates; pings cross the CHILD_SA', async () => {
    const t = await setUp('r', { initiator: 'strongswan' });
    const result = await charon.initiate('net');
    assert.equal(
      result.code,
      0,
      `swanctl --initiate:\n${result.stdout.slice(-2500)}\ntypeswan:\n${t.log().slice(-3000)}`,
    );
    await pingsAcross(t);
  });

  it("strongSwan's terminate deletes the IKE SA and the CHILD_SA on typeswan", async () => {
    assert.ok(typeswan);
    const t = typeswan;
    await charon.terminate('v2', 5);
    assert.ok(
      await until(() => /IKEv2 SA \d+ with 192\.0\.2\.2: deleted by the peer/.test(t.log()), 5000),
      t.log().slice(-2000),
    );
    const ping = await lab.ping('ha', ADDR.hb, 1, 0.2);
    assert.equal(ping.received, 0, 'no SA, no ping (typeswan renegotiates on the next packet)');
  });

  it('AES-GCM-256 for IKE and ESP with Curve25519 and PRF SHA-384, typeswan initiates; tshark reads every frame', async () => {
    const t = await setUp('gcm', {
      initiator: 'typeswan',
      swanProposals: 'aes256gcm16-prfsha384-x25519',
      swanEsp: 'aes256gcm16',
      proposal: ['encryption aes-gcm-256', 'prf sha384', 'group 31'],
      transforms: 'esp-gcm 256',
    });
    const capture = await lab.startCapture('r1', 'r1-wan', 'v2-gcm');
    try {
      const up = await triggerFromHa(lab);
      assert.ok(
        up,
        `no tunnel.\ntypeswan:\n${t.log().slice(-3000)}\nstrongSwan:\n${charon.log().slice(-3000)}`,
      );
      await pingsAcross(t, /AES_GCM_16-256/);
      assert.match(await charon.listSas(), /AES_GCM_16-256\/PRF_HMAC_SHA2_384\/CURVE_25519/);
    } finally {
      const pcap = await capture.stop();
      assert.deepEqual(await malformedFrames(pcap), [], 'tshark found malformed frames');
    }
  });

  it("a wrong pre-shared key: AUTHENTICATION_FAILED, the reason in typeswan's log", async () => {
    const t = await setUp('psk', { initiator: 'strongswan', typeswanPsk: 'not-the-key' });
    const result = await charon.initiate('net', 10);
    assert.notEqual(result.code, 0);
    assert.ok(
      await until(() => /AUTH from 192\.0\.2\.2 does not verify with the pre-shared key/.test(t.log()), 5000),
      t.log().slice(-2000),
    );
    assert.match(charon.log(), /AUTHENTICATION_FAILED/);
  });

  it("a proposal mismatch: NO_PROPOSAL_CHOSEN, naming the transform in typeswan's log", async () => {
    const t = await setUp('prop', { initiator: 'strongswan', swanProposals: 'aes128gcm16-prfsha256-ecp256' });
    const result = await charon.initiate('net', 10);
    assert.notEqual(result.code, 0);
    assert.ok(
      await until(
        () =>
          /no IKE proposal chosen: proposal 1: ENCR: offered AES_GCM_16_128, ours AES_CBC_256/.test(t.log()),
        5000,
      ),
      t.log().slice(-2000),
    );
    assert.match(charon.log(), /NO_PROPOSAL_CHOSEN/);
  });
});
