// IPComp on a real kernel, in network namespaces.
//
// typeswan <-> typeswan: `comp-lzs` and `comp-deflate` negotiated, large pings compressed and
// small ones not, a 10 MB transfer intact, and tshark (with typeswan's key log only) finds
// the IPComp header with the peer's CPI inside the decrypted ESP.
//
// typeswan <-> strongSwan 5.9.8: strongSwan's data plane here is kernel-libipsec, which has
// no IPComp. With `ipcomp = yes` it cannot get a CPI ("unable to allocate a CPI from kernel,
// IPComp disabled"): as responder it refuses our IPCOMP offer with NO-PROPOSAL-CHOSEN, as
// initiator it offers none. With `ipcomp = no` it answers our offer with ESP alone, and
// typeswan's debug says it runs without IPComp.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  ADDR,
  announceSkip,
  Charon,
  DATA_PORTS,
  interopSkipReason,
  Lab,
  run,
  tsharkKeyOptions,
  Typeswan,
  until,
  type Capture,
} from './harness.js';
import {
  checkNoMalformed,
  checkPingsAndCounters,
  checkTransfer,
  labRouterConfig,
  triggerFromHa,
} from './scenario.js';
import { swanctlConf } from './swanctl.js';

const PSK = 'ipcomp-psk-4Rw9';

interface PcpView {
  readonly spi: number;
  readonly transform: string;
}
interface FlowJson {
  readonly counters: Record<string, number>;
  readonly inboundPcp?: readonly PcpView[];
  readonly outboundPcp?: readonly PcpView[];
}

async function flows(t: Typeswan): Promise<FlowJson[]> {
  const r = await t.cli(['show', 'crypto', 'ipsec', 'sa', '--json']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as FlowJson[];
}

function router(lab: Lab, router: 'r1' | 'r2', transforms: string): string {
  return labRouterConfig(lab, router, transforms, PSK);
}

async function tsharkLines(pcap: string, filter: string, keys: readonly string[], fields: string[] = []) {
  const out = await run(
    'tshark',
    [
      '-r',
      pcap,
      ...DATA_PORTS,
      ...keys,
      '-Y',
      filter,
      ...(fields.length > 0 ? ['-T', 'fields', ...fields.flatMap((f) => ['-e', f])] : []),
    ],
    { timeoutMs: 60_000 },
  );
  return out.stdout.split('\n').filter((l) => l.trim() !== '');
}

const skipTt = interopSkipReason({ charon: false, typeswan: true });
announceSkip('IPComp typeswan <-> typeswan', skipTt);

describe('interop: IPComp typeswan <-> typeswan', { skip: skipTt, timeout: 300_000 }, () => {
  let lab: Lab;
  before(async () => {
    lab = await Lab.create({ tag: 'ipc' });
  });
  after(async () => {
    await lab?.destroy();
  });

  for (const keyword of ['comp-lzs', 'comp-deflate']) {
    it(`${keyword}: compressed inside ESP, as tshark decrypts it`, async () => {
      const transforms = `esp-aes esp-sha-hmac ${keyword}`;
      const capture: Capture = await lab.startCapture('r1', 'r1-wan', keyword);
      const r2 = await Typeswan.start(lab, 'r2', router(lab, 'r2', transforms), `${keyword}-r2`);
      const r1 = await Typeswan.start(lab, 'r1', router(lab, 'r1', transforms), `${keyword}-r1`);
      let pcap = '';
      let exits: number[] = [];
      let outboundCpi = 0;
      try {
        assert.ok(await triggerFromHa(lab), `no tunnel:\n${r1.log().slice(-3000)}`);
        // 84-byte echoes: below the threshold, sent as they were
        await checkPingsAndCounters(lab, r1);
        // 1028-byte echoes of ping's repeating pattern: compressed both ways
        const big = await lab.exec('ha', ['ping', '-c', '5', '-i', '0.2', '-W', '1', '-s', '1000', ADDR.hb], {
          timeoutMs: 10_000,
        });
        assert.match(big.stdout, /5 received/, big.stdout + big.stderr);
        await checkTransfer(lab);
        const [f1] = await flows(r1);
        const [f2] = await flows(r2);
        assert.ok(f1 && f2);
        const c = f1.counters;
        assert.ok((c['compressed'] ?? 0) >= 5, `compressed ${c['compressed']}`);
        assert.ok((c['decompressed'] ?? 0) >= 5, `decompressed ${c['decompressed']}`);
        assert.ok((c['notCompressed'] ?? 0) >= 5, `not compressed ${c['notCompressed']}`);
        assert.equal(c['decompressFailed'], 0);
        assert.equal(c['recvErrors'], 0);
        assert.equal(f1.outboundPcp?.[0]?.transform, keyword);
        outboundCpi = f1.outboundPcp?.[0]?.spi ?? 0;
        assert.equal(outboundCpi, f2.inboundPcp?.[0]?.spi, "r1's outbound CPI is r2's inbound one");
      } finally {
        const keylog = r1.keyLog();
        exits = [await r1.stop(), await r2.stop()];
        pcap = await capture.stop();
        assert.deepEqual(exits, [0, 0]);
        await checkNoMalformed(pcap, keylog);
        const keys = tsharkKeyOptions(keylog);
        const cpis = await tsharkLines(pcap, 'esp && ipcomp && ip.src == 192.0.2.1', keys, ['ipcomp.cpi']);
        assert.ok(cpis.length >= 5, `tshark found ${cpis.length} IPComp packets from r1 inside ESP`);
        assert.deepEqual(
          [...new Set(cpis)],
          [`0x${outboundCpi.toString(16).padStart(4, '0')}`],
          'every IPComp header from r1 carries r2’s CPI',
        );
        // Wireshark reads our quick mode: an IPCOMP proposal (protocol 4) with a 2-byte CPI,
        // in QM1 and in the reply
        const qm = await tsharkLines(pcap, 'isakmp.prop.protoid == 4', keys, [
          'isakmp.prop.protoid',
          'isakmp.spisize',
        ]);
        assert.ok(qm.length >= 2, `IPCOMP proposals seen: ${qm.join(' | ')}`);
        for (const line of qm) assert.ok(line.split('\t')[1]?.split(',').includes('2'), line);
        // and the small echoes went without IPComp, straight IP-in-ESP
        assert.ok(
          (await tsharkLines(pcap, 'esp && !ipcomp && icmp && ip.src == 10.1.0.10', keys)).length >= 5,
        );
      }
    });
  }
});

const skipSw = interopSkipReason({ charon: true, typeswan: true });
announceSkip('IPComp typeswan <-> strongSwan', skipSw);

describe(
  'interop: IPComp typeswan <-> strongSwan (kernel-libipsec)',
  { skip: skipSw, timeout: 300_000 },
  () => {
    let lab: Lab;
    let charon: Charon;
    before(async () => {
      lab = await Lab.create({ tag: 'ipcs' });
      charon = await Charon.start(lab, 'r2', 'ipcsw');
    });
    after(async () => {
      await lab?.destroy();
    });

    async function setUp(name: string, ipcomp: boolean): Promise<{ t: Typeswan; before: number }> {
      await charon.load(
        swanctlConf({
          name: 'ipc',
          localAddress: ADDR.r2Wan,
          remoteAddress: ADDR.r1Wan,
          proposals: 'aes128-sha1-modp2048',
          psk: PSK,
          children: [
            { name: 'net', localTs: '10.2.0.0/24', remoteTs: '10.1.0.0/24', esp: 'aes128-sha1', ipcomp },
          ],
        }),
      );
      const before = charon.log().length;
      const t = await Typeswan.start(lab, 'r1', router(lab, 'r1', 'esp-aes esp-sha-hmac comp-deflate'), name);
      const debug = await t.cli(['debug', 'crypto', 'isakmp', '--log']);
      assert.equal(debug.code, 0, debug.stderr);
      return { t, before };
    }

    async function tearDown(t: Typeswan): Promise<void> {
      assert.equal(await t.stop(), 0);
      await charon.swanctl('terminate', ['--ike', 'ipc', '--timeout', '3'], 8000);
    }

    /** The tunnel runs, uncompressed: no IPComp SA, no compression counted, none in strongSwan's listing. */
    async function checkEspAlone(t: Typeswan): Promise<void> {
      await checkPingsAndCounters(lab, t);
      const [f] = await flows(t);
      assert.equal(f?.inboundPcp, undefined, 'no IPComp SA');
      assert.equal((f?.counters['compressed'] ?? 0) + (f?.counters['notCompressed'] ?? 0), 0);
      const listing = await charon.swanctl('list-sas', []);
      assert.match(listing.stdout, /ESP:AES_CBC-128\/HMAC_SHA1_96/, listing.stdout);
      assert.doesNotMatch(listing.stdout, /cpi/i, listing.stdout);
    }

    it('strongSwan with ipcomp = yes refuses our IPCOMP offer: no CPI from kernel-libipsec', async () => {
      const { t, before } = await setUp('ipcsw-refused', true);
      try {
        assert.equal(
          await triggerFromHa(lab, 8000),
          false,
          'a tunnel came up although strongSwan cannot compress',
        );
        const log = charon.log().slice(before);
        assert.match(log, /unable to allocate a CPI from kernel, IPComp disabled/);
        assert.match(log, /generating INFORMATIONAL_V1 request \d+ \[ HASH N\(NO_PROP\) \]/);
        assert.match(t.log(), /peer 192\.0\.2\.2 refused quick mode \d+: NO_PROPOSAL_CHOSEN/);
      } finally {
        await tearDown(t);
      }
    });

    it('strongSwan with ipcomp = no takes our ESP-alone proposal; typeswan says it runs without IPComp', async () => {
      const { t, before } = await setUp('ipcsw-esp', false);
      try {
        assert.ok(
          await triggerFromHa(lab),
          `no tunnel:\n${t.log().slice(-1500)}\nstrongSwan:\n${charon.log().slice(before).slice(-4000)}`,
        );
        await checkEspAlone(t);
        assert.ok(
          await until(
            () => /IPComp not used for node \d+: the peer chose proposal 2, ESP without IPCOMP/.test(t.log()),
            3000,
          ),
          t.log().slice(-3000),
        );
      } finally {
        await tearDown(t);
      }
    });

    it('strongSwan initiating with ipcomp = yes offers no IPCOMP: no CPI from kernel-libipsec', async () => {
      const { t, before } = await setUp('ipcsw-initiator', true);
      try {
        const r = await charon.initiate('net');
        assert.equal(r.code, 0, `${r.stdout.slice(-2000)}\n${t.log().slice(-3000)}`);
        assert.match(charon.log().slice(before), /unable to allocate a CPI from kernel, IPComp disabled/);
        await checkEspAlone(t);
        assert.doesNotMatch(t.log(), /IPPCP|IPComp/, 'strongSwan offered no IPCOMP');
      } finally {
        await tearDown(t);
      }
    });
  },
);
