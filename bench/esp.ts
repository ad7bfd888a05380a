// ESP data-plane benchmark (issue 4): packets/s and Gbit/s on one core for encapsulate and
// decapsulate through DataPlane (tunnel mode, SPD lookup included) at 64, 512 and 1400-byte
// inner packets, for AES-128-GCM-16, AES-128-CBC + HMAC-SHA1-96 and 3DES + HMAC-MD5-96, and
// a bare createCipheriv loop on the same sizes as the baseline.
// Rates are per CPU second of this process (one core; Node's GC helper threads included).
// Prints one line per measurement, then the JSON object tools read on the last line:
//   {"results":[{"op","alg","size","pps","gbps"}, ...]}

import { createCipheriv, randomBytes } from 'node:crypto';
import { DataPlane } from '../src/ipsec/dataplane.js';
import type { EspBatchCrypto } from '../src/ipsec/espCrypto.js';
import { loadEspCrypto } from '../src/gateway/dataPlaneAdapter.js';
import { Spd } from '../src/ipsec/spd.js';
import type { DataPlaneAction } from '../src/ipsec/actions.js';
import type { IpsecSa } from '../src/policy/sa.js';
import type { TrafficSelector } from '../src/policy/model.js';
import { buildIpv4 } from '../src/packet/ipv4.js';
import { ipv4FromText } from '../src/packet/address.js';

type Alg = 'aes128gcm16' | 'aes128-sha1' | '3des-md5';
type Op =
  | 'encapsulate'
  | 'decapsulate'
  | 'baseline'
  | 'encapsulate-batched'
  | 'decapsulate-batched'
  | 'encapsulate-sas'
  | 'decapsulate-sas';

interface Result {
  readonly op: Op;
  readonly alg: Alg;
  readonly size: number;
  readonly pps: number;
  readonly gbps: number;
  /** The -sas rows: tunnels (SA pairs and SPD rules) installed, packets spread over all. */
  readonly sas?: number;
  /** The -batched rows: packets per data-plane call (1: `outbound`/`inbound` per packet). */
  readonly batch?: number;
  /** Nanoseconds of CPU per packet. */
  readonly ns?: number;
}

const SIZES = [64, 512, 1400] as const;
const ALGS: readonly Alg[] = ['aes128gcm16', 'aes128-sha1', '3des-md5'];
/** Seconds of measurement per cell (27 cells, plus warm-up and setup: about 40 s in all). */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 1);

const TS: TrafficSelector = {
  protocol: 0,
  localStart: '10.1.0.0',
  localEnd: '10.1.0.255',
  localPortStart: 0,
  localPortEnd: 65535,
  remoteStart: '10.2.0.0',
  remoteEnd: '10.2.0.255',
  remotePortStart: 0,
  remotePortEnd: 65535,
};
const TS_REVERSE: TrafficSelector = {
  ...TS,
  localStart: '10.2.0.0',
  localEnd: '10.2.0.255',
  remoteStart: '10.1.0.0',
  remoteEnd: '10.1.0.255',
};

function sa(alg: Alg, direction: 'inbound' | 'outbound', tunnel?: Tunnel): IpsecSa {
  const common = {
    protocol: 'esp' as const,
    direction,
    spi: tunnel?.spi ?? 0xc0ffee01,
    mode: 'tunnel' as const,
    source: direction === 'outbound' ? '192.0.2.1' : (tunnel?.peer ?? '192.0.2.1'),
    destination: direction === 'outbound' ? (tunnel?.peer ?? '192.0.2.2') : '192.0.2.2',
    selector:
      (direction === 'outbound' ? tunnel?.selector : tunnel?.reverse) ??
      (direction === 'outbound' ? TS : TS_REVERSE),
    lifetime: { seconds: 0, kilobytes: 0 },
  };
  switch (alg) {
    case 'aes128gcm16':
      return {
        ...common,
        cipher: 'aes-gcm-16',
        cipherKeyBits: 128,
        encryptionKey: randomBytes(20),
        integrity: 'none',
      };
    case 'aes128-sha1':
      return {
        ...common,
        cipher: 'aes-cbc',
        cipherKeyBits: 128,
        encryptionKey: randomBytes(16),
        integrity: 'hmac-sha1-96',
        integrityKey: randomBytes(20),
      };
    case '3des-md5':
      return {
        ...common,
        cipher: '3des-cbc',
        encryptionKey: randomBytes(24),
        integrity: 'hmac-md5-96',
        integrityKey: randomBytes(16),
      };
  }
}

/** An ICMP-like IPv4 packet of exactly `size` bytes, 10.1.0.10 -> 10.2.0.10 by default. */
function innerPacket(size: number, destination = '10.2.0.10'): Uint8Array {
  return buildIpv4(
    { protocol: 1, source: ipv4FromText('10.1.0.10'), destination: ipv4FromText(destination) },
    randomBytes(size - 20),
  );
}

/** Tunnel i of the -sas rows: its own peer (198.18.0.0/15, RFC 2544), remote /24 in
 * 100.64.0.0/10, SPI and SPD rule. */
interface Tunnel {
  readonly spi: number;
  readonly peer: string;
  readonly selector: TrafficSelector;
  readonly reverse: TrafficSelector;
  readonly host: string;
}

function dotted(n: number): string {
  return [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff].join('.');
}

function tunnels(n: number): Tunnel[] {
  const out: Tunnel[] = [];
  for (let i = 0; i < n; i++) {
    const net = (100 << 24) + (64 << 16) + i * 256;
    const selector: TrafficSelector = { ...TS, remoteStart: dotted(net), remoteEnd: dotted(net + 255) };
    out.push({
      spi: 0x10000 + i,
      peer: dotted((198 << 24) + (18 << 16) + i),
      selector,
      reverse: {
        ...selector,
        localStart: selector.remoteStart,
        localEnd: selector.remoteEnd,
        remoteStart: TS.localStart,
        remoteEnd: TS.localEnd,
      },
      host: dotted(net + 10),
    });
  }
  return out;
}

/** CPU seconds `fn` takes. */
function cpuSeconds(fn: () => void): number {
  const cpu0 = process.cpuUsage();
  fn();
  const cpu = process.cpuUsage(cpu0);
  return (cpu.user + cpu.system) / 1e6;
}

/**
 * Encapsulate with `n` tunnels installed (n SPD rules, n outbound SAs, each toward its own
 * peer), packets round robin over all of them; SPD lookups included. Native crypto when the
 * addon is built (the gateway's path), one packet per call.
 */
function encapsulateSas(alg: Alg, size: number, n: number): number {
  const ts = tunnels(n);
  const dp = new DataPlane({
    ...(espCrypto !== undefined ? { espCrypto } : {}),
    spd: Spd.fromRules(ts.map((t) => ({ action: 'protect' as const, selector: t.selector, peer: t.peer }))),
  });
  for (const t of ts) dp.installSa(sa(alg, 'outbound', t), 0);
  // at least 1 000 distinct packet buffers, so one tunnel does not run from a hot cache line
  const packets = Array.from({ length: Math.max(n, 1000) }, (_, i) => innerPacket(size, ts[i % n]!.host));
  for (const p of packets) firstPacket(dp.outbound(p, 0), 'send');
  let next = 0;
  return measure(() => {
    for (let i = 0; i < 256; i++) {
      dp.outbound(packets[next]!, 0);
      next = next + 1 === packets.length ? 0 : next + 1;
    }
    return 256;
  });
}

/** Decapsulate with `n` inbound SAs installed, packets round robin over all of them. */
function decapsulateSas(alg: Alg, size: number, n: number): number {
  const ts = tunnels(n);
  const sender = new DataPlane({
    spd: Spd.fromRules(ts.map((t) => ({ action: 'protect' as const, selector: t.selector, peer: t.peer }))),
  });
  const inbound: IpsecSa[] = [];
  for (const t of ts) {
    const out = sa(alg, 'outbound', t);
    sender.installSa(out, 0);
    inbound.push({
      ...sa(alg, 'inbound', t),
      encryptionKey: out.encryptionKey,
      integrityKey: out.integrityKey,
    });
  }
  const packets = ts.map((t) => innerPacket(size, t.host));
  const per = Math.max(1, Math.ceil(8192 / n));
  const wire: Uint8Array[] = [];
  for (let k = 0; k < per; k++)
    for (const p of packets) wire.push(firstPacket(sender.outbound(p, 0), 'send'));
  const dp = new DataPlane(espCrypto !== undefined ? { espCrypto } : {});
  let seconds = 0;
  let count = 0;
  const end = performance.now() + 150 + SECONDS * 1000;
  // each pass uses every packet once (the replay windows refuse repeats); the SAs are
  // re-installed between passes, outside the measured time
  for (let pass = 0; performance.now() < end || pass < 2; pass++) {
    for (const s of inbound) dp.installSa(s, 0);
    const took = cpuSeconds(() => {
      for (const w of wire) dp.inbound(w, 0);
    });
    if (pass > 0) {
      seconds += took;
      count += wire.length;
    }
  }
  return count / seconds;
}

/**
 * Runs `batch` for SECONDS of wall time and returns operations per CPU second of this
 * process: the machine is shared, so wall time would measure the neighbours too.
 */
function measure(batch: () => number): number {
  const warmEnd = performance.now() + 150;
  while (performance.now() < warmEnd) batch();
  let ops = 0;
  const cpu0 = process.cpuUsage();
  const end = performance.now() + SECONDS * 1000;
  while (performance.now() < end) ops += batch();
  const cpu = process.cpuUsage(cpu0);
  return ops / ((cpu.user + cpu.system) / 1e6);
}

function firstPacket(actions: DataPlaneAction[], kind: 'send' | 'deliver'): Uint8Array {
  const a = actions[0];
  if (a === undefined || a.kind !== kind)
    throw new Error(`expected ${kind}, got ${JSON.stringify(actions.map((x) => x.kind))}`);
  return a.packet;
}

const loaded = loadEspCrypto();
const espCrypto = typeof loaded === 'string' ? undefined : loaded;

/** `count` ESP packets of one SA with distinct sequence numbers (the replay window refuses
 * repeats), and the receiver's SA, which carries the sender's keys. */
function wirePackets(alg: Alg, size: number, count: number): { keyed: IpsecSa; wire: Uint8Array[] } {
  const outboundSa = sa(alg, 'outbound');
  const keyed: IpsecSa = {
    ...sa(alg, 'inbound'),
    encryptionKey: outboundSa.encryptionKey,
    integrityKey: outboundSa.integrityKey,
  };
  const sender = new DataPlane({ spd: Spd.fromRules([{ action: 'protect', selector: TS }]) });
  sender.installSa(outboundSa, 0);
  const pkt = innerPacket(size);
  const wire: Uint8Array[] = [];
  for (let i = 0; i < count; i++) wire.push(firstPacket(sender.outbound(pkt, 0), 'send'));
  return { keyed, wire };
}

/** Through DataPlane with the native batched crypto: `batch` packets per call. */
function encapsulateBatched(crypto: EspBatchCrypto, alg: Alg, size: number, batch: number): number {
  const dp = new DataPlane({ espCrypto: crypto, spd: Spd.fromRules([{ action: 'protect', selector: TS }]) });
  dp.installSa(sa(alg, 'outbound'), 0);
  const packets = Array.from({ length: batch }, () => innerPacket(size));
  firstPacket(dp.outboundBatch(packets, 0), 'send');
  const rounds = Math.ceil(256 / batch);
  return measure(() => {
    if (batch === 1) for (let i = 0; i < 256; i++) dp.outbound(packets[0]!, 0);
    else for (let i = 0; i < rounds; i++) dp.outboundBatch(packets, 0);
    return batch === 1 ? 256 : rounds * batch;
  });
}

/** The receiving side of encapsulateBatched: batches are views into one receive buffer,
 * as the host reader hands them over. */
function decapsulateBatched(crypto: EspBatchCrypto, alg: Alg, size: number, batch: number): number {
  const count = 4096;
  const { keyed, wire } = wirePackets(alg, size, count);
  const arena = Buffer.concat(wire);
  let offset = 0;
  const views = wire.map((w) => arena.subarray(offset, (offset += w.length)));
  const batches: Uint8Array[][] = [];
  for (let i = 0; i + batch <= count; i += batch) batches.push(views.slice(i, i + batch));
  const dp = new DataPlane({ espCrypto: crypto });
  dp.installSa(keyed, 0);
  let at = 0;
  const per = Math.max(1, Math.floor(256 / batch));
  return measure(() => {
    if (at + per > batches.length) {
      dp.installSa(keyed, 0);
      at = 0;
    }
    for (let i = 0; i < per; i++) {
      const b = batches[at++]!;
      if (batch === 1) dp.inbound(b[0]!, 0);
      else dp.inboundBatch(b, 0);
    }
    return per * batch;
  });
}

function encapsulate(alg: Alg, size: number): number {
  const dp = new DataPlane({ spd: Spd.fromRules([{ action: 'protect', selector: TS }]) });
  dp.installSa(sa(alg, 'outbound'), 0);
  const pkt = innerPacket(size);
  firstPacket(dp.outbound(pkt, 0), 'send');
  return measure(() => {
    for (let i = 0; i < 256; i++) dp.outbound(pkt, 0);
    return 256;
  });
}

function decapsulate(alg: Alg, size: number): number {
  // the receiving SA is re-installed (a fresh window) each time the packets are used up
  const { keyed, wire } = wirePackets(alg, size, 4096);
  const dp = new DataPlane();
  dp.installSa(keyed, 0);
  if (firstPacket(dp.inbound(wire[0]!, 0), 'deliver').length !== size) throw new Error('decapsulated size');
  let at = 1;
  return measure(() => {
    if (at + 256 > wire.length) {
      dp.installSa(keyed, 0);
      at = 0;
    }
    for (let i = 0; i < 256; i++) dp.inbound(wire[at++]!, 0);
    return 256;
  });
}

/** The bare cipher work Node's API forces per packet: one createCipheriv, update, final. */
function baseline(alg: Alg, size: number): number {
  const block = alg === 'aes128gcm16' ? 1 : alg === 'aes128-sha1' ? 16 : 8;
  const data = randomBytes(Math.ceil(size / block) * block);
  if (alg === 'aes128gcm16') {
    const key = randomBytes(16);
    const iv = randomBytes(12);
    const aad = randomBytes(8);
    return measure(() => {
      for (let i = 0; i < 256; i++) {
        const c = createCipheriv('aes-128-gcm', key, iv);
        c.setAAD(aad);
        c.update(data);
        c.final();
        c.getAuthTag();
      }
      return 256;
    });
  }
  const name = alg === 'aes128-sha1' ? 'aes-128-cbc' : 'des-ede3-cbc';
  const key = randomBytes(alg === 'aes128-sha1' ? 16 : 24);
  const iv = randomBytes(block);
  return measure(() => {
    for (let i = 0; i < 256; i++) {
      const c = createCipheriv(name, key, iv);
      c.setAutoPadding(false);
      c.update(data);
      c.final();
    }
    return 256;
  });
}

const results: Result[] = [];
const started = performance.now();
const only = process.env.BENCH_ONLY;

function report(
  op: Op,
  alg: Alg,
  size: number,
  pps: number,
  extra: { sas?: number; batch?: number } = {},
): void {
  const r: Result = {
    op,
    alg,
    size,
    pps: Math.round(pps),
    gbps: Number(((pps * size * 8) / 1e9).toFixed(4)),
    ...extra,
    ns: Math.round(1e9 / pps),
  };
  results.push(r);
  const tag =
    extra.sas !== undefined
      ? ` ${String(extra.sas).padStart(6)} SAs`
      : extra.batch !== undefined
        ? ` batch ${String(extra.batch).padStart(2)}`
        : '';
  console.log(
    `${op.padEnd(16)} ${alg.padEnd(12)} ${String(size).padStart(5)} B${tag}  ${String(r.pps).padStart(9)} pps  ${r.gbps.toFixed(3)} Gbit/s  ${r.ns} ns/pkt`,
  );
}

for (const alg of only === undefined || only === 'esp' ? ALGS : []) {
  for (const size of SIZES) {
    for (const op of ['baseline', 'encapsulate', 'decapsulate'] as const) {
      const pps =
        op === 'baseline'
          ? baseline(alg, size)
          : op === 'encapsulate'
            ? encapsulate(alg, size)
            : decapsulate(alg, size);
      report(op, alg, size, pps);
    }
  }
}
// issue 12: native batched crypto through DataPlane, batch sizes at 1400 bytes, batch 64 at
// the other sizes
if (espCrypto === undefined) console.log('# no native addon: the -batched rows are left out');
for (const alg of espCrypto !== undefined && (only === undefined || only === 'batched') ? ALGS : []) {
  const cells: [number, number][] = [
    [64, 64],
    [512, 64],
    [1400, 1],
    [1400, 8],
    [1400, 32],
    [1400, 64],
  ];
  for (const [size, batch] of cells) {
    report('encapsulate-batched', alg, size, encapsulateBatched(espCrypto!, alg, size, batch), { batch });
    report('decapsulate-batched', alg, size, decapsulateBatched(espCrypto!, alg, size, batch), { batch });
  }
}
// issue 12: the per-packet cost with 1, 1 000 and 10 000 tunnels installed
for (const n of only === undefined || only === 'sas' ? [1, 1000, 10000] : []) {
  report('encapsulate-sas', 'aes128gcm16', 1400, encapsulateSas('aes128gcm16', 1400, n), { sas: n });
  report('decapsulate-sas', 'aes128gcm16', 1400, decapsulateSas('aes128gcm16', 1400, n), { sas: n });
}
console.log(
  `# ${((performance.now() - started) / 1000).toFixed(1)} s, node ${process.version}, rates per CPU second`,
);
console.log(JSON.stringify({ results }));
