// typeswan (r1) against Libreswan 4.10's pluto (r2), unpacked beside strongSwan. pluto cannot
// install ESP SAs on this kernel (no CONFIG_INET_ESP: "netlink response for Add SA ...:
// Protocol not supported"), so these tests go as far as pluto gets: main mode both ways, and
// the quick mode messages up to the point where pluto fails to install its SAs.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  ADDR,
  announceSkip,
  interopSkipReason,
  Lab,
  libreswanSkipReason,
  malformedFrames,
  Pluto,
  r1Config,
  run,
  Typeswan,
  until,
  type Capture,
} from './harness.js';

const skip = interopSkipReason({ charon: false, typeswan: true }) ?? libreswanSkipReason();
announceSkip('typeswan <-> Libreswan', skip);

const PSK = 'ls-psk-4Kd9';

const ipsecConf = `config setup
    logfile=@DIR@/pluto.log
    logappend=no
    plutodebug=base
    ikev1-policy=accept
    uniqueids=no

conn tsw
    ikev2=no
    authby=secret
    left=${ADDR.r2Wan}
    leftsubnet=10.2.0.0/24
    leftupdown=/bin/true
    right=${ADDR.r1Wan}
    rightsubnet=10.1.0.0/24
    ike=aes128-sha1;modp2048
    phase2=esp
    phase2alg=aes128-sha1
    pfs=no
    encapsulation=auto
    auto=add
`;
const secrets = `${ADDR.r2Wan} ${ADDR.r1Wan} : PSK "${PSK}"\n`;

describe('interop: typeswan <-> Libreswan 4.10 (pluto)', { skip, timeout: 120_000 }, () => {
  let lab: Lab;
  let pluto: Pluto;
  let typeswan: Typeswan;
  let capture: Capture;

  before(async () => {
    lab = await Lab.create({ tag: 'ls' });
    capture = await lab.startCapture('r1', 'r1-wan', 'libreswan');
    pluto = await Pluto.start(lab, 'r2', ipsecConf, secrets, 'tsw');
    typeswan = await Typeswan.start(lab, 'r1', r1Config(PSK));
  });

  after(async () => {
    await lab?.destroy();
  });

  // Runs last (node:test keeps declaration order).
  const checkCapture = async (): Promise<void> => {
    const pcap = await capture.stop();
    assert.deepEqual(await malformedFrames(pcap), [], 'tshark found malformed frames');
    const isakmp = await run('tshark', ['-r', pcap, '-Y', 'isakmp']);
    assert.match(isakmp.stdout, /Identity Protection \(Main Mode\)/);
    assert.match(isakmp.stdout, /Quick Mode/);
  };

  it('typeswan initiates: main mode completes; pluto answers quick mode as far as it can', async () => {
    await lab.ping('ha', ADDR.hb, 1, 0.2);
    const established = await until(
      () => /IKE SA established|ISAKMP SA established/.test(pluto.log()),
      10_000,
    );
    assert.ok(
      established,
      `pluto did not establish phase 1:\n${pluto.log().slice(-3000)}\ntypeswan:\n${typeswan.log().slice(-2000)}`,
    );
    assert.match(typeswan.log(), /IKE_P1_COMPLETE/);
    // pluto reads our quick mode 1 and fails installing the SA it would answer with.
    const qm = await until(() => /Quick Mode|STATE_QUICK_R0/.test(pluto.log()), 10_000);
    assert.ok(qm, `pluto never processed quick mode:\n${pluto.log().slice(-3000)}`);
    console.log(
      `pluto (responder) quick mode lines:\n${pluto
        .log()
        .split('\n')
        .filter((l) => /HASH\(1\)|data ok|errno|internal error|IKE SA established/.test(l))
        .slice(0, 8)
        .join('\n')}`,
    );
  });

  it('pluto initiates: main mode completes; typeswan answers quick mode 1', async () => {
    await typeswan.cli(['clear', 'crypto', 'isakmp']);
    await pluto.whack(['--deletestate', '1']);
    const result = await pluto.whack(['--initiate', '--name', 'tsw', '--asynchronous']);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    // typeswan as quick mode responder: it sends QM2 and waits for QM3 (IKE_QM_R_QM2).
    const answered = await until(() => /New State = IKE_QM_R_QM2/.test(typeswan.log()), 15_000);
    assert.ok(
      answered,
      `typeswan did not answer pluto's quick mode:\n${typeswan.log().slice(-3000)}\npluto:\n${pluto.log().slice(-3000)}`,
    );
    const failed = await until(
      () => /internal error|Protocol not supported|errno 93/.test(pluto.log()),
      10_000,
    );
    console.log(`pluto failed to install its SAs as the recipe says: ${failed}`);
    console.log(
      `pluto (initiator) lines:\n${pluto
        .log()
        .split('\n')
        .filter((l) => /HASH\(2\)|data ok|errno|internal error|IKE SA established/.test(l))
        .slice(-8)
        .join('\n')}`,
    );
  });

  it('tshark finds no malformed frame on the WAN (main mode and quick mode seen)', checkCapture);
});
