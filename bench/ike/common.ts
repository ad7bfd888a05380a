// What the IKE setup-rate benchmark's three processes share: the addresses of its two network
// namespaces, the algorithms of a run, the configurations each side runs, and the messages
// the orchestrator (main.ts) exchanges with the load generator (load.ts) and with typeswan's
// responder (responder.ts) over Node's IPC channel.

import { readFileSync } from 'node:fs';
import { ipv4NumberToText, ipv4TextToNumber } from '../../src/packet/address.js';
import type { PacketTunnel, RawIpEndpoint } from '../../src/net/types.js';
import type { TrafficSelector } from '../../src/policy/model.js';

/** The responder's WAN address and the initiator namespace's own (the next hop to the initiators). */
export const RESPONDER = '192.0.2.2';
export const INITIATOR_GATEWAY = '192.0.2.1';
/** Initiator i sends from INITIATOR_BASE + i: the whole /16 is a local route (AnyIP) in its namespace. */
export const INITIATOR_NET = '10.128.0.0/16';
const INITIATOR_BASE = ipv4TextToNumber('10.128.0.1') ?? 0;
/** Initiator i protects host PROTECTED_BASE + i against the responder's RESPONDER_LAN. */
const PROTECTED_BASE = ipv4TextToNumber('10.200.0.1') ?? 0;
export const PROTECTED_NET = '10.200.0.0/16';
export const RESPONDER_LAN = '10.2.0.0/24';
export const MAX_TUNNELS = 65_000;
export const PSK = 'bench-ike-psk-7Qm2';

/** The responder's raw IP and TUN: the benchmarks carry no traffic. */
export const noRaw: RawIpEndpoint = {
  localAddress: RESPONDER,
  sendPacket: () => undefined,
  onPacket: () => undefined,
  close: () => undefined,
};
export const noTunnel: PacketTunnel = {
  name: 'none',
  writePacket: () => undefined,
  onPacket: () => undefined,
  close: () => undefined,
};

export function initiatorAddress(i: number): string {
  return ipv4NumberToText(INITIATOR_BASE + i);
}

const ALL_PORTS = {
  localPortStart: 0,
  localPortEnd: 65535,
  remotePortStart: 0,
  remotePortEnd: 65535,
} as const;

/** What initiator i asks to protect: its own host against the responder's LAN, any protocol. */
export function protectedSelector(i: number): TrafficSelector {
  const host = ipv4NumberToText(PROTECTED_BASE + i);
  return {
    ...ALL_PORTS,
    protocol: 0,
    localStart: host,
    localEnd: host,
    remoteStart: '10.2.0.0',
    remoteEnd: '10.2.0.255',
  };
}

/** The algorithms of one run, in IOS words (`encr aes 256`, `group 14`, `esp-aes esp-sha-hmac`). */
export interface Algorithms {
  readonly encr: 'aes' | 'aes 256' | '3des';
  readonly hash: 'sha' | 'sha256';
  readonly group: number;
  readonly esp: 'esp-aes esp-sha-hmac' | 'esp-aes 256 esp-sha256-hmac' | 'esp-gcm';
  /** Quick mode PFS group, or 0 for none. */
  readonly pfs: number;
}

const GROUP_NAMES: ReadonlyMap<number, string> = new Map([
  [2, 'modp1024'],
  [5, 'modp1536'],
  [14, 'modp2048'],
  [15, 'modp3072'],
  [19, 'ecp256'],
  [20, 'ecp384'],
  [31, 'curve25519'],
]);

export function groupName(group: number): string {
  const name = GROUP_NAMES.get(group);
  if (name === undefined)
    throw new Error(`DH group ${group}: not one of ${[...GROUP_NAMES.keys()].join(', ')}`);
  return name;
}

/** The same algorithms as strongSwan proposals: `[ike, esp]`. */
export function swanctlProposals(a: Algorithms): [string, string] {
  const encr = a.encr === 'aes' ? 'aes128' : a.encr === 'aes 256' ? 'aes256' : '3des';
  const hash = a.hash === 'sha' ? 'sha1' : 'sha256';
  const esp =
    a.esp === 'esp-aes esp-sha-hmac' ? 'aes128-sha1' : a.esp === 'esp-gcm' ? 'aes128gcm16' : 'aes256-sha256';
  return [`${encr}-${hash}-${groupName(a.group)}`, a.pfs > 0 ? `${esp}-${groupName(a.pfs)}` : esp];
}

function isakmpPolicy(a: Algorithms): string {
  return `crypto isakmp policy 10
 encr ${a.encr}
 hash ${a.hash}
 authentication pre-share
 group ${a.group}
!`;
}

/** Every initiator runs this one configuration (parsed once); its local address is its own. */
export function initiatorConfig(a: Algorithms): string {
  return `hostname loadgen
${isakmpPolicy(a)}
crypto isakmp key ${PSK} address ${RESPONDER}
crypto ipsec transform-set ts ${a.esp}
!
crypto map vpn 10 ipsec-isakmp
 set peer ${RESPONDER}
 set transform-set ts
${a.pfs > 0 ? ` set pfs group${a.pfs}\n` : ''} match address 101
!
interface Ethernet1/0
 ip address ${initiatorAddress(0)} 255.255.0.0
 crypto map vpn
!
access-list 101 permit ip 10.200.0.0 0.0.255.255 10.2.0.0 0.0.0.255
`;
}

/** typeswan as a concentrator: one dynamic map, a wildcard key, any peer. */
export function responderConfig(a: Algorithms): string {
  return `hostname concentrator
${isakmpPolicy(a)}
crypto isakmp key ${PSK} address 0.0.0.0 0.0.0.0
crypto ipsec transform-set ts ${a.esp}
!
crypto dynamic-map D 10
 set transform-set ts
${a.pfs > 0 ? ` set pfs group${a.pfs}\n` : ''}!
crypto map X 1 ipsec-isakmp dynamic D
!
interface Ethernet1/0
 ip address ${RESPONDER} 255.255.255.0
 crypto map X
`;
}

/** strongSwan as the same concentrator (swanctl.conf): any peer in the initiator range. */
export function swanctlConfig(a: Algorithms): string {
  const [ike, esp] = swanctlProposals(a);
  return `connections {
    bench {
        version = 1
        local_addrs = ${RESPONDER}
        remote_addrs = ${INITIATOR_NET}
        proposals = ${ike}
        dpd_delay = 0s
        local {
            auth = psk
        }
        remote {
            auth = psk
        }
        children {
            c {
                local_ts = ${RESPONDER_LAN}
                remote_ts = ${PROTECTED_NET}
                esp_proposals = ${esp}
            }
        }
    }
}
secrets {
    ike-bench {
        secret = ${PSK}
    }
}
`;
}

// ------------------------------------------------------------------ IPC messages

export interface LoadJob {
  readonly kind: 'run';
  readonly tunnels: number;
  /** New initiators started per second; 0 starts them all at once. */
  readonly rate: number;
  readonly algorithms: Algorithms;
  /** Give up on the run this many seconds after the first MM1. */
  readonly timeoutSeconds: number;
  /** The initiators' own DH costs nothing (private value 2): only the responder does real work. */
  readonly cheapDh: boolean;
}

export interface LoadResult {
  readonly kind: 'result';
  readonly started: number;
  readonly established: number;
  readonly failed: number;
  readonly retransmissions: number;
  /** First MM1 sent to the last QM3 sent, seconds. */
  readonly seconds: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** The generator's own CPU seconds over `seconds`: near 1 would mean it is the bottleneck. */
  readonly cpuSeconds: number;
  readonly failures: Readonly<Record<string, number>>;
}

export interface ResponderStats {
  readonly kind: 'stats';
  /** V8 heap used + external (ArrayBuffers included), after a full GC. */
  readonly heapBytes: number;
  readonly rssBytes: number;
  readonly ipsecSas: number;
  readonly ikeSas: number;
  readonly cpuSeconds: number;
  /** The main (packet) thread's CPU seconds; cpuSeconds counts the DH threads too. */
  readonly loopBusySeconds: number;
  /** IKE datagrams the gateway's ingress queues dropped (full). */
  readonly ingressDropped: number;
}

export type ResponderRequest = { readonly kind: 'stats' } | { readonly kind: 'stop' };

/** utime + stime of a /proc/PID/stat or /proc/PID/task/TID/stat file, in seconds. */
export function statCpuSeconds(path: string): number {
  const fields = readFileSync(path, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) / 100;
}

/** Percentile of sorted values (nearest rank). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? 0;
}
