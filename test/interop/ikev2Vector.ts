// Makes a strongSwan 5.9.8 IKEv2 known-answer vector: two charons in fresh namespaces (r1
// initiates, r2 responds, PSK), a capture on r1's WAN, three pings across the CHILD_SA, a
// terminate (INFORMATIONAL delete), both key logs (ike = 4, chd = 4) and `--list-sas`.
// Run as root: `npx tsx test/interop/ikev2Vector.ts NAME IKE_PROPOSAL ESP_PROPOSAL PSK`.
// The files land in test/fixtures/strongswan-ikev2/NAME/.

import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixture } from '../util/fixtures.js';
import { ADDR, Charon, Lab } from './harness.js';
import { swanctlConf } from './swanctl.js';

async function main(): Promise<void> {
  const [name, ike, esp, psk] = process.argv.slice(2);
  if (!name || !ike || !esp || !psk) throw new Error('usage: ikev2Vector NAME IKE_PROPOSAL ESP_PROPOSAL PSK');
  const dest = fixture(join('strongswan-ikev2', name));
  mkdirSync(dest, { recursive: true });
  const lab = await Lab.create({ tag: 'v2vec' });
  try {
    const r1 = await Charon.start(lab, 'r1', 'r1');
    const r2 = await Charon.start(lab, 'r2', 'r2');
    const conf = (
      local: string,
      remote: string,
      localId: string,
      remoteId: string,
      lts: string,
      rts: string,
    ) =>
      swanctlConf({
        name: 'v2',
        version: 2,
        localAddress: local,
        remoteAddress: remote,
        localId,
        remoteId,
        proposals: ike,
        psk,
        children: [{ name: 'net', localTs: lts, remoteTs: rts, esp }],
      });
    const r1Conf = conf(
      ADDR.r1Wan,
      ADDR.r2Wan,
      'r1.lab.example',
      'r2.lab.example',
      '10.1.0.0/24',
      '10.2.0.0/24',
    );
    const r2Conf = conf(
      ADDR.r2Wan,
      ADDR.r1Wan,
      'r2.lab.example',
      'r1.lab.example',
      '10.2.0.0/24',
      '10.1.0.0/24',
    );
    await r2.load(r2Conf);
    await r1.load(r1Conf);
    const capture = await lab.startCapture('r1', 'r1-wan', 'vector');
    const initiated = await r1.initiate('net', 20);
    console.log(
      initiated.stdout
        .split('\n')
        .filter((l) => /selected|established|failed/.test(l))
        .join('\n'),
    );
    const ping = await lab.ping('ha', ADDR.hb, 3, 0.3);
    console.log(`ping: ${ping.transmitted} sent, ${ping.received} received`);
    const sas = `### r1 (initiator): swanctl --list-sas\n${await r1.listSas()}\n### r2 (responder): swanctl --list-sas\n${await r2.listSas()}`;
    await r1.terminate('v2', 5);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const pcap = await capture.stop();
    copyFileSync(pcap, join(dest, 'capture.pcapng'));
    writeFileSync(join(dest, 'initiator.log'), r1.keyLog());
    writeFileSync(join(dest, 'responder.log'), r2.keyLog());
    writeFileSync(join(dest, 'r1.swanctl.conf'), r1Conf);
    writeFileSync(join(dest, 'r2.swanctl.conf'), r2Conf);
    writeFileSync(join(dest, 'sas.txt'), sas);
  } finally {
    await lab.destroy();
  }
}

await main();
