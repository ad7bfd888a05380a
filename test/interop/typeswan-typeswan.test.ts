// typeswan against itself on a real kernel: ESP over raw IP sockets (protocol 50), AH (51),
// AH+ESP, transport mode between the routers' own addresses, and NAT-T through an nftables
// masquerade box that translates addresses and ports.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  ADDR,
  announceSkip,
  DATA_PORTS,
  interopSkipReason,
  Lab,
  run,
  Typeswan,
  type Capture,
} from './harness.js';
import { iosConfig, type IosRouter } from './ios.js';
import {
  checkEspDecrypts,
  checkNoMalformed,
  checkPingsAndCounters,
  checkTransfer,
  triggerFromHa,
} from './scenario.js';

const skip = interopSkipReason({ charon: false, typeswan: true });
announceSkip('typeswan <-> typeswan', skip);

const PSK = 'tt-psk-Zr81';

async function tsharkCount(pcap: string, filter: string, keyArgs: readonly string[] = []): Promise<number> {
  const result = await run('tshark', ['-r', pcap, ...DATA_PORTS, ...keyArgs, '-Y', filter], {
    timeoutMs: 60_000,
  });
  return result.stdout.split('\n').filter((l) => l.trim() !== '').length;
}

function pair(lab: Lab, common: Partial<IosRouter> & { transforms: string }): [string, string] {
  const r1 = iosConfig({
    hostname: 'r1',
    lanAddress: ADDR.r1Lan,
    wanAddress: lab.r1Wan,
    peer: ADDR.r2Wan,
    psk: PSK,
    acl: '10.1.0.0 0.0.0.255 10.2.0.0 0.0.0.255',
    ...common,
  });
  const r2 = iosConfig({
    hostname: 'r2',
    lanAddress: ADDR.r2Lan,
    wanAddress: ADDR.r2Wan,
    peer: lab.r1Public,
    psk: PSK,
    acl: '10.2.0.0 0.0.0.255 10.1.0.0 0.0.0.255',
    ...common,
  });
  return [r1, r2];
}

describe('interop: typeswan <-> typeswan, no NAT', { skip, timeout: 300_000 }, () => {
  let lab: Lab;
  let daemons: Typeswan[] = [];
  let capture: Capture | undefined;

  before(async () => {
    lab = await Lab.create({ tag: 'tt' });
  });
  after(async () => {
    await lab?.destroy();
  });

  async function up(name: string, configs: [string, string]): Promise<[Typeswan, Typeswan]> {
    capture = await lab.startCapture('r1', 'r1-wan', name);
    const r2 = await Typeswan.start(lab, 'r2', configs[1], `${name}-r2`);
    const r1 = await Typeswan.start(lab, 'r1', configs[0], `${name}-r1`);
    daemons = [r1, r2];
    return [r1, r2];
  }

  async function down(): Promise<{ pcap: string; exits: number[] }> {
    const exits: number[] = [];
    for (const d of daemons) exits.push(await d.stop());
    daemons = [];
    const pcap = capture ? await capture.stop() : '';
    capture = undefined;
    return { pcap, exits };
  }

  async function tunnel(
    name: string,
    transforms: string,
    expect: { esp: boolean; ah: boolean },
  ): Promise<void> {
    const [r1] = await up(name, pair(lab, { transforms }));
    try {
      assert.ok(await triggerFromHa(lab), `no tunnel:\n${r1.log().slice(-3000)}`);
      await checkTransfer(lab);
      await checkPingsAndCounters(lab, r1);
    } finally {
      const keylog = r1.keyLog();
      const { pcap, exits } = await down();
      assert.deepEqual(exits, [0, 0], 'typeswan did not exit 0 on SIGTERM');
      await checkNoMalformed(pcap, keylog);
      // Straight on IP, not in UDP: the raw-socket path.
      // ESP straight on IP, or (AH+ESP) right inside AH.
      const espFilter = expect.ah ? 'ah && esp' : 'ip.proto == 50';
      if (expect.esp)
        assert.ok((await tsharkCount(pcap, espFilter)) > 10, `no ESP (${espFilter}) on the wire`);
      if (expect.ah)
        assert.ok((await tsharkCount(pcap, 'ip.proto == 51')) > 10, 'no AH (IP protocol 51) on the wire');
      assert.equal(await tsharkCount(pcap, 'udp.port == 4500'), 0, 'UDP 4500 used without NAT');
      if (expect.esp) await checkEspDecrypts(pcap, keylog);
      if (expect.ah && !expect.esp) {
        assert.ok(
          (await tsharkCount(pcap, 'ah && icmp.type == 8 && ip.src == 10.1.0.10')) > 0,
          'no ICMP inside AH',
        );
      }
    }
  }

  it('ESP tunnel over raw IP sockets (esp-aes esp-sha-hmac)', () =>
    tunnel('esp', 'esp-aes esp-sha-hmac', { esp: true, ah: false }));
  it('AH tunnel (ah-sha-hmac)', () => tunnel('ah', 'ah-sha-hmac', { esp: false, ah: true }));
  it('AH+ESP tunnel (ah-sha-hmac esp-aes esp-sha-hmac)', () =>
    tunnel('ahesp', 'ah-sha-hmac esp-aes esp-sha-hmac', { esp: true, ah: true }));

  it('transport mode between the routers’ own addresses', async () => {
    const acl1 = `host ${ADDR.r1Wan} host ${ADDR.r2Wan}`;
    const acl2 = `host ${ADDR.r2Wan} host ${ADDR.r1Wan}`;
    const [c1, c2] = pair(lab, { transforms: 'esp-aes esp-sha-hmac', mode: 'transport' });
    const [r1] = await up('transport', [
      c1.replace(/access-list 101 permit ip .*/, `access-list 101 permit ip ${acl1}`),
      c2.replace(/access-list 101 permit ip .*/, `access-list 101 permit ip ${acl2}`),
    ]);
    try {
      // The first ping triggers IKE; then all must pass.
      for (let i = 0; i < 20 && (await lab.ping('r1', ADDR.r2Wan, 1, 0.2, ADDR.r1Wan)).received === 0; i++);
      const ping = await lab.ping('r1', ADDR.r2Wan, 5, 0.2, ADDR.r1Wan);
      assert.equal(ping.received, 5, `${ping.output}\n${r1.log().slice(-3000)}`);
    } finally {
      const keylog = r1.keyLog();
      const { pcap, exits } = await down();
      assert.deepEqual(exits, [0, 0]);
      await checkNoMalformed(pcap, keylog);
      const decoded = await run('tshark', [
        '-r',
        pcap,
        ...DATA_PORTS,
        '-o',
        'esp.enable_encryption_decode:TRUE',
        ...keylog
          .split('\n')
          .filter((l) => l.startsWith('uat:'))
          .flatMap((l) => ['-o', l]),
        '-Y',
        'esp && icmp',
        '-V',
      ]);
      // Transport mode: no inner IP header, the ICMP follows ESP directly with the outer addresses.
      assert.match(decoded.stdout, /Src: 192\.0\.2\.1, Dst: 192\.0\.2\.2/);
      assert.doesNotMatch(decoded.stdout, /Src: 10\./);
      assert.match(decoded.stdout, /Echo \(ping\) request/);
    }
  });
});

describe('interop: typeswan <-> typeswan through an nftables NAT box', { skip, timeout: 120_000 }, () => {
  let lab: Lab;

  before(async () => {
    lab = await Lab.create({ tag: 'nat', nat: true });
  });
  after(async () => {
    await lab?.destroy();
  });

  it('NAT-T: detection, float to 4500, ESP in UDP with the translated port', async () => {
    const inside = await lab.startCapture('r1', 'r1-wan', 'nat-inside');
    const outside = await lab.startCapture('r2', 'r2-wan', 'nat-outside');
    const [c1, c2] = pair(lab, { transforms: 'esp-aes esp-sha-hmac' });
    const r2 = await Typeswan.start(lab, 'r2', c2, 'nat-r2');
    const r1 = await Typeswan.start(lab, 'r1', c1, 'nat-r1');
    let exits: number[] = [];
    try {
      assert.ok(
        await triggerFromHa(lab),
        `no tunnel through NAT:\nr1:\n${r1.log().slice(-2500)}\nr2:\n${r2.log().slice(-2500)}`,
      );
      await checkPingsAndCounters(lab, r1);
      await checkTransfer(lab);
    } finally {
      exits = [await r1.stop(), await r2.stop()];
    }
    assert.deepEqual(exits, [0, 0]);
    const keylog = r1.keyLog();
    const pcapIn = await inside.stop();
    const pcapOut = await outside.stop();
    await checkNoMalformed(pcapIn, keylog);
    assert.deepEqual(await tsharkCount(pcapOut, '_ws.malformed'), 0);
    // Inside: from r1's private address; outside: from the NAT's address and a mapped port.
    assert.ok(
      (await tsharkCount(pcapIn, 'udp.srcport == 4500 && esp && ip.src == 198.51.100.1')) > 10,
      'no ESP-in-UDP from r1',
    );
    assert.ok(
      (await tsharkCount(
        pcapOut,
        'esp && ip.src == 192.0.2.254 && udp.srcport >= 40000 && udp.srcport <= 40999',
      )) > 10,
      'no ESP-in-UDP from the NAT box with a translated port',
    );
    assert.equal(await tsharkCount(pcapOut, 'ip.proto == 50'), 0, 'plain ESP crossed the NAT');
    await checkEspDecrypts(pcapIn, keylog);
  });
});
