// Builds a Gateway with the real engines: the IKEv1 manager and the ESP/AH data plane.
// Refuses, before anything runs, a configuration that uses features the engines cannot run,
// and hands the IKE engine only what it can run (inert ISAKMP policies left out).

import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { IkeManager, type IkeManagerOptions, type Rng } from '../ike/index.js';
import type { EventBus } from '../observe/bus.js';
import type { Scheduler } from '../net/types.js';
import type { RouterConfig } from '../policy/model.js';
import type { IpsecSa } from '../policy/sa.js';
import type { ServerGroupFactories } from '../aaa/index.js';
import { Ikev2Engine, type Ikev2SaKeys } from '../ikev2/engine.js';
import { ikev2Peers } from '../ikev2/fromConfig.js';
import { AddressPools } from './addressPool.js';
import { type Ikev2Log, IkeVersions } from './ikeVersions.js';
import { refuseUnsupported } from './configFile.js';
import { DataPlaneAdapter } from './dataPlaneAdapter.js';
import { DhWorkerPool } from './dhWorkers.js';
import { Gateway, type GatewayAdapters } from './gateway.js';
import type { L2tpClientSettings } from './l2tpService.js';
import type { DataPlane } from './ports.js';
import type { StoredKeyPair } from '../pki/keystore.js';
import type { SpdRule } from '../ipsec/spd.js';

export interface CreateGatewayInput {
  readonly config: RouterConfig;
  readonly adapters: GatewayAdapters;
  readonly scheduler: Scheduler;
  readonly bus: EventBus;
  /** Randomness for cookies, nonces, DH, SPIs and IVs (the lab passes a seeded one). */
  readonly rng?: Rng;
  readonly ike?: Partial<Omit<IkeManagerOptions, 'config' | 'rng' | 'localAddresses'>>;
  readonly holdQueueLimit?: number;
  readonly mtu?: number;
  /** Called with every SA installed in the data plane, keys included (for `--keylog`). */
  readonly onSaInstalled?: (sa: IpsecSa) => void;
  /** Called once per IKE SA when phase 1 completes, with its cookie and Ka (for `--keylog`). */
  readonly onIkeKeys?: (keys: IkeSaKeys) => void;
  /** RADIUS and TACACS+ clients for XAUTH's and PPP's `group` methods. */
  readonly aaa?: ServerGroupFactories;
  /** The router's key pairs for `show crypto key mypubkey rsa`. */
  readonly keyPairs?: () => readonly StoredKeyPair[];
  /** Worker threads for Diffie-Hellman (dhWorkers.ts); 0 or absent: inline, on the packet thread. */
  readonly dhThreads?: number;
  /** Process IKE datagrams established-first from bounded queues (ikeIngress.ts), as `start` does. */
  readonly ikeIngress?: boolean;
  /** Be the L2TP client (LAC + PPP) of this LNS (`typeswan lab l2tp`'s Windows client). */
  readonly l2tpClient?: L2tpClientSettings;
  /** Where the IKEv2 engine's log lines go (crypto map entries with `set ikev2-profile`). */
  readonly ikev2Log?: Ikev2Log;
  /** Called once per IKEv2 SA with its SPIs and SK_e/SK_a keys (for `--keylog`). */
  readonly onIkev2Keys?: (keys: Ikev2SaKeys) => void;
}

/** What a key log needs of an IKE SA: Wireshark's ikev1_decryption_table takes exactly these. */
export interface IkeSaKeys {
  readonly initiatorCookie: Uint8Array;
  readonly encryptionKey: Uint8Array;
}

export function createGateway(input: CreateGatewayInput): Gateway {
  const runnable = refuseUnsupported(input.config);
  const localAddresses = [...new Set(input.adapters.udp.map((u) => u.localAddress))];
  const pools = new AddressPools(runnable.localPools, () => input.scheduler.clock.now());
  const dh = (input.dhThreads ?? 0) > 0 ? new DhWorkerPool(input.dhThreads ?? 0) : undefined;
  const ike = new IkeManager({
    addressLeases: pools,
    ...input.ike,
    ...(dh !== undefined ? { dhOffload: true } : {}),
    config: runnable,
    ...(input.rng !== undefined ? { rng: input.rng } : { rng: cryptoRng }),
    localAddresses,
  });
  // Only a configuration with IKEv2 entries runs the IKEv2 engine beside the IKEv1 one.
  const v2Peers = ikev2Peers(runnable);
  const engine =
    v2Peers.length === 0
      ? ike
      : new IkeVersions(ike, new Ikev2Engine({ peers: v2Peers, rng: input.rng ?? cryptoRng }), {
          ...(input.ikev2Log ? { log: input.ikev2Log } : {}),
          ...(input.onIkev2Keys ? { onKeys: input.onIkev2Keys } : {}),
        });
  const adapter = new DataPlaneAdapter({
    ...(input.rng !== undefined ? { rng: input.rng } : {}),
    ...(input.mtu !== undefined ? { mtu: input.mtu } : {}),
  });
  const dataPlane =
    input.onSaInstalled === undefined ? adapter : observeInstalls(adapter, input.onSaInstalled);
  const onIkeKeys = input.onIkeKeys;
  if (onIkeKeys !== undefined) {
    input.bus.subscribe((e) => {
      if (e.source !== 'ike' || e.event.type !== 'ikeSaCreated') return;
      const keys = ike.exportIkeKeys(e.event.connId);
      if (keys === undefined) return;
      onIkeKeys({
        initiatorCookie: Buffer.from(keys.initiatorCookie, 'hex'),
        encryptionKey: Buffer.from(keys.encryptionKey, 'hex'),
      });
    });
  }
  return new Gateway({
    config: input.config,
    adapters: input.adapters,
    scheduler: input.scheduler,
    bus: input.bus,
    ike: engine,
    dataPlane,
    pools,
    ...(dh !== undefined ? { dh } : {}),
    ...(input.ikeIngress === true ? { ikeDefer: (f: () => void) => void setImmediate(f) } : {}),
    ...(input.aaa !== undefined ? { aaa: input.aaa } : {}),
    ...(input.keyPairs !== undefined ? { keyPairs: input.keyPairs } : {}),
    randomBytes: (n) => (input.rng ?? cryptoRng).randomBytes(n),
    ...(input.l2tpClient !== undefined ? { l2tpClient: input.l2tpClient } : {}),
    ...(input.holdQueueLimit !== undefined ? { holdQueueLimit: input.holdQueueLimit } : {}),
    ...(input.mtu !== undefined ? { mtu: input.mtu } : {}),
  });
}

/** `typeswan start`'s DH threads: one per core, two to four. */
export function defaultDhThreads(): number {
  return Math.min(4, Math.max(2, availableParallelism()));
}

/**
 * Node's CSPRNG, drawn 4 kB at a time: a tunnel takes a dozen small values (cookies, SPIs,
 * nonces, IVs, DH exponents) and each call into OpenSSL costs more than the bytes. What is
 * handed out is a copy, and its place in the pool is zeroed.
 */
const RNG_POOL_BYTES = 4096;
let rngPool = Buffer.alloc(0);
let rngOffset = 0;
const cryptoRng: Rng = {
  randomBytes: (n) => {
    if (n > RNG_POOL_BYTES / 16) return new Uint8Array(randomBytes(n));
    if (rngOffset + n > rngPool.length) {
      rngPool = randomBytes(RNG_POOL_BYTES);
      rngOffset = 0;
    }
    const out = new Uint8Array(rngPool.subarray(rngOffset, rngOffset + n));
    rngPool.fill(0, rngOffset, rngOffset + n);
    rngOffset += n;
    return out;
  },
};

/** The same data plane, telling `onSaInstalled` about each SA it installs. */
export function observeInstalls(inner: DataPlane, onSaInstalled: (sa: IpsecSa) => void): DataPlane {
  return {
    setPolicy: (rules) => inner.setPolicy(rules),
    ...(inner.appendPolicy ? { appendPolicy: (rule: SpdRule) => inner.appendPolicy?.(rule) } : {}),
    installSa: (sa, now) => {
      inner.installSa(sa, now);
      onSaInstalled(sa);
    },
    removeSa: (protocol, spi, destination) => inner.removeSa(protocol, spi, destination),
    outbound: (packet, now) => inner.outbound(packet, now),
    inbound: (packet, now) => inner.inbound(packet, now),
    inboundUdp: (datagram, now) => inner.inboundUdp(datagram, now),
    tick: (now) => inner.tick(now),
    nextDeadline: () => inner.nextDeadline(),
    counters: (spi, direction) => inner.counters(spi, direction),
  };
}
