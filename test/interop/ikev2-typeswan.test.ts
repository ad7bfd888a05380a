// typeswan against itself with IKEv2 on a real kernel: without NAT the CHILD_SA is plain ESP
// over raw IP (protocol 50); through an nftables masquerade that translates addresses and
// ports, NAT detection moves IKE to 4500 and ESP into UDP. Pings cross both ways; tshark
// reads every frame.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  ADDR,
  announceSkip,
  interopSkipReason,
  Lab,
  malformedFrames,
  run,
  tsharkKeyOptions,
  Typeswan,
} from './harness.js';
import { iosIkev2Config, type IosIkev2Router } from './iosIkev2.js';
import { checkEspDecrypts, triggerFromHa } from './scenario.js';

const skip = interopSkipReason({ charon: false, typeswan: true });
announceSkip('typeswan IKEv2 <-> typeswan', skip);

const PSK = 'tt-v2-psk-Qm27';

function configs(
  lab: Lab,
  extra: { r1?: Partial<IosIkev2Router>; r2?: Partial<IosIkev2Router> } = {},
): [string, string] {
  const common = {
    psk: PSK,
    proposal: ['encryption aes-cbc-128', 'integrity sha256', 'group 19'],
    transforms: 'esp-aes esp-sha256-hmac',
  };
  return [
    iosIkev2Config({
      hostname: 'r1',
      lanAddress: ADDR.r1Lan,
      wanAddress: lab.r1Wan,
      peer: ADDR.r2Wan,
      acl: '10.1.0.0 0.0.0.255 10.2.0.0 0.0.0.255',
      ...common,
      ...extra.r1,
    }),
    iosIkev2Config({
      hostname: 'r2',
      lanAddress: ADDR.r2Lan,
      wanAddress: ADDR.r2Wan,
      peer: lab.r1Public,
      acl: '10.2.0.0 0.0.0.255 10.1.0.0 0.0.0.255',
      ...common,
      ...extra.r2,
    }),
  ];
}

async function tsharkCount(pcap: string, filter: string): Promise<number> {
  const result = await run('tshark', ['-r', pcap, '-Y', filter], { timeoutMs: 60_000 });
  return result.stdout.split('\n').filter((l) => l.trim() !== '').length;
}

for (const nat of [false, true]) {
  describe(
    `interop: typeswan IKEv2 <-> typeswan${nat ? ', through a NAT' : ''}`,
    { skip, timeout: 180_000 },
    () => {
      let lab: Lab;
      before(async () => {
        lab = await Lab.create({ tag: nat ? 'v2n' : 'v2t', nat });
      });
      after(async () => {
        await lab?.destroy();
      });

      it(`r1 initiates on traffic, pings cross${nat ? ' as ESP in UDP 4500' : ' as raw ESP'}`, async () => {
        const [c1, c2] = configs(
          lab,
          nat
            ? { r1: { localIdentity: 'fqdn r1.lab.example' }, r2: { remoteIdentity: 'fqdn r1.lab.example' } }
            : {},
        );
        const capture = await lab.startCapture('r2', 'r2-wan', nat ? 'v2-nat' : 'v2-raw');
        const r2 = await Typeswan.start(lab, 'r2', c2, 'v2-r2');
        const r1 = await Typeswan.start(lab, 'r1', c1, 'v2-r1');
        let keylog = '';
        try {
          const up = await triggerFromHa(lab);
          assert.ok(up, `no tunnel.\nr1:\n${r1.log().slice(-3000)}\nr2:\n${r2.log().slice(-3000)}`);
          const ping = await lab.ping('ha', ADDR.hb, 5, 0.2);
          assert.equal(ping.received, 5, ping.output);
          const back = await lab.ping('hb', ADDR.ha, 5, 0.2);
          assert.equal(back.received, 5, back.output);
          assert.match(r2.log(), /IKEv2 SA \d+: established with/);
          keylog = r1.keyLog();
          assert.match(keylog, /^uat:ikev2_decryption_table:/m);
        } finally {
          assert.equal(await r1.stop(), 0);
          assert.equal(await r2.stop(), 0);
          const pcap = await capture.stop();
          assert.deepEqual(await malformedFrames(pcap), [], 'tshark found malformed frames');
          // typeswan --keylog opens IKE_AUTH for tshark: both AUTH payloads show.
          const auth = await run(
            'tshark',
            [
              '-r',
              pcap,
              ...tsharkKeyOptions(keylog),
              '-T',
              'fields',
              '-e',
              'isakmp.auth.data',
              '-Y',
              'isakmp.auth.data',
            ],
            { timeoutMs: 60_000 },
          );
          const lines = auth.stdout.split('\n').filter((l) => l.trim() !== '');
          assert.equal(lines.length, 2, `tshark with the key log:\n${auth.stdout}${auth.stderr}`);
          if (!nat) await checkEspDecrypts(pcap, keylog);
          if (nat) {
            assert.ok((await tsharkCount(pcap, 'udp.port == 4500 && esp')) >= 10, 'ESP in UDP 4500');
            assert.ok(
              (await tsharkCount(pcap, 'isakmp.exchangetype == 35 && udp.port == 4500')) >= 2,
              'IKE_AUTH on 4500',
            );
          } else {
            assert.ok((await tsharkCount(pcap, 'ip.proto == 50')) >= 10, 'raw ESP');
            assert.equal(await tsharkCount(pcap, 'udp.port == 4500'), 0, 'nothing on 4500 without a NAT');
          }
        }
      });
    },
  );
}
