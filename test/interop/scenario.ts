// Steps shared by the interop scenarios: bring a tunnel up (typeswan initiating through
// interesting traffic, or the peer initiating), check pings, the 10 MB transfer and the
// `show crypto ipsec sa` counters, and check a capture with tshark.

import assert from 'node:assert/strict';
import {
  ADDR,
  malformedFrames,
  retransmittedFrames,
  tsharkKeyOptions,
  tsharkVerbose,
  until,
  type Lab,
  type Typeswan,
} from './harness.js';
import { iosConfig } from './ios.js';

/** r1's or r2's IOS configuration in the lab topology: 10.1.0.0/24 <-> 10.2.0.0/24 over WAN. */
export function labRouterConfig(lab: Lab, router: 'r1' | 'r2', transforms: string, psk: string): string {
  const r1 = router === 'r1';
  return iosConfig({
    hostname: router,
    lanAddress: r1 ? ADDR.r1Lan : ADDR.r2Lan,
    wanAddress: r1 ? lab.r1Wan : ADDR.r2Wan,
    peer: r1 ? ADDR.r2Wan : lab.r1Public,
    psk,
    acl: r1 ? '10.1.0.0 0.0.0.255 10.2.0.0 0.0.0.255' : '10.2.0.0 0.0.0.255 10.1.0.0 0.0.0.255',
    transforms,
  });
}

export interface FlowCounters {
  readonly encaps: number;
  readonly decaps: number;
  readonly sendErrors: number;
  readonly recvErrors: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Sums the counters of every flow in `show crypto ipsec sa --json`. */
export async function ipsecCounters(
  typeswan: Typeswan,
): Promise<FlowCounters & { flows: number; outboundSpis: number }> {
  const result = await typeswan.cli(['show', 'crypto', 'ipsec', 'sa', '--json']);
  assert.equal(result.code, 0, `show crypto ipsec sa --json failed: ${result.stderr}`);
  const parsed: unknown = JSON.parse(result.stdout);
  assert.ok(Array.isArray(parsed), 'show crypto ipsec sa --json is not a list');
  let encaps = 0;
  let decaps = 0;
  let sendErrors = 0;
  let recvErrors = 0;
  let outboundSpis = 0;
  for (const flow of parsed as unknown[]) {
    if (!isRecord(flow) || !isRecord(flow['counters'])) continue;
    const c = flow['counters'];
    encaps += Number(c['encaps'] ?? 0);
    decaps += Number(c['decaps'] ?? 0);
    sendErrors += Number(c['sendErrors'] ?? 0);
    recvErrors += Number(c['recvErrors'] ?? 0);
    const out = flow['outboundEsp'];
    const outAh = flow['outboundAh'];
    outboundSpis += (Array.isArray(out) ? out.length : 0) + (Array.isArray(outAh) ? outAh.length : 0);
  }
  return { encaps, decaps, sendErrors, recvErrors, flows: (parsed as unknown[]).length, outboundSpis };
}

/** Number of ISAKMP SAs typeswan reports (any state). */
export async function isakmpSaCount(typeswan: Typeswan): Promise<number> {
  const result = await typeswan.cli(['show', 'crypto', 'isakmp', 'sa', '--json']);
  if (result.code !== 0) return -1;
  const parsed: unknown = JSON.parse(result.stdout);
  return Array.isArray(parsed) ? parsed.length : -1;
}

/**
 * Interesting traffic from ha brings the tunnel up (IOS drops the packet that triggers IKE):
 * one ping a second until one is answered, for at most `timeoutMs`.
 */
export async function triggerFromHa(lab: Lab, timeoutMs = 20_000, to: string = ADDR.hb): Promise<boolean> {
  return until(async () => (await lab.ping('ha', to, 1, 0.2)).received === 1, timeoutMs);
}

/** Five pings ha -> hb, all answered, and typeswan's counters moved by exactly five each way. */
export async function checkPingsAndCounters(lab: Lab, typeswan: Typeswan, count = 5): Promise<void> {
  const before = await ipsecCounters(typeswan);
  const ping = await lab.ping('ha', ADDR.hb, count, 0.2);
  assert.equal(ping.received, count, `pings ha -> hb through the tunnel:\n${ping.output}`);
  const after = await ipsecCounters(typeswan);
  assert.equal(
    after.encaps - before.encaps,
    count,
    `encaps moved ${after.encaps - before.encaps}, expected ${count}`,
  );
  assert.equal(
    after.decaps - before.decaps,
    count,
    `decaps moved ${after.decaps - before.decaps}, expected ${count}`,
  );
  assert.equal(after.recvErrors - before.recvErrors, 0, 'recv errors during the pings');
}

/** 10 MB ha -> hb over TCP, the same SHA-256 on both ends. */
export async function checkTransfer(lab: Lab, bytes = 10 * 1024 * 1024): Promise<void> {
  const transfer = await lab.tcpTransfer('ha', 'hb', ADDR.hb, bytes);
  assert.ok(transfer.ok, `10 MB TCP transfer: ${transfer.detail.slice(0, 2000)}`);
}

/**
 * No frame of the capture is malformed, decoded plainly and with typeswan's key log. With keys,
 * a byte-identical retransmission is exempt (see `retransmittedFrames`: Wireshark decrypts it
 * with an IV chained past the original); the original itself must decrypt cleanly.
 */
export async function checkNoMalformed(pcap: string, keylog: string): Promise<void> {
  assert.deepEqual(await malformedFrames(pcap), [], 'tshark found malformed frames');
  const copies = await retransmittedFrames(pcap);
  const frameOf = (line: string): number => Number(line.trim().split(/\s+/)[0]);
  assert.deepEqual(
    (await malformedFrames(pcap, tsharkKeyOptions(keylog))).filter((l) => !copies.has(frameOf(l))),
    [],
    'tshark (with keys) found malformed frames',
  );
}

/** tshark, given only typeswan's --keylog, decrypts the ESP packets down to the inner ICMP. */
export async function checkEspDecrypts(pcap: string, keylog: string): Promise<void> {
  assert.match(keylog, /^uat:esp_sa:/m, 'no esp_sa line in the key log');
  const decoded = await tsharkVerbose(pcap, tsharkKeyOptions(keylog), 'esp && icmp');
  assert.match(
    decoded,
    /Src: 10\.1\.0\.10, Dst: 10\.2\.0\.10/,
    'tshark did not decrypt an inner packet ha -> hb',
  );
  assert.match(decoded, /Echo \(ping\) request/);
}

/** tshark, given only typeswan's --keylog, decrypts main mode 5/6 (the ID payload). */
export async function checkIkeDecrypts(pcap: string, keylog: string, id: RegExp): Promise<void> {
  assert.match(keylog, /^uat:ikev1_decryption_table:/m, 'no ikev1_decryption_table line in the key log');
  const decoded = await tsharkVerbose(pcap, tsharkKeyOptions(keylog), 'isakmp');
  assert.match(decoded, id, 'tshark did not decrypt the ID payload');
}
