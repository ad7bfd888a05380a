// Two IKEv2 engines over an in-memory link (seeded randomness, a clock the test moves), for
// the negotiation tests: what each sent, installed and removed, and a knob to lose datagrams.

import {
  Encr,
  Esn,
  Integ,
  type Ikev2Proposal,
  Prf,
  ProtocolId,
  transform,
  TransformType,
} from '../../src/wire/ikev2/index.js';
import { type Ikev2Action, Ikev2Engine } from '../../src/ikev2/engine.js';
import type { Ikev2Peer } from '../../src/ikev2/config.js';
import { addressIdentity } from '../../src/ikev2/identity.js';
import type { IpsecSaPair } from '../../src/policy/sa.js';
import { seededRng } from '../ike/harness.js';

export const R1 = '192.0.2.1';
export const R2 = '192.0.2.2';

export function ikeProposal(number: number, group: number, gcm = false): Ikev2Proposal {
  const transforms = gcm
    ? [transform(TransformType.ENCR, Encr.AES_GCM_16, 256), transform(TransformType.PRF, Prf.HMAC_SHA2_384)]
    : [
        transform(TransformType.ENCR, Encr.AES_CBC, 128),
        transform(TransformType.PRF, Prf.HMAC_SHA2_256),
        transform(TransformType.INTEG, Integ.HMAC_SHA2_256_128),
      ];
  return {
    number,
    protocolId: ProtocolId.IKE,
    spi: new Uint8Array(0),
    transforms: [...transforms, transform(TransformType.DH, group)],
  };
}

export function espProposal(number: number, cipher: 'cbc' | 'gcm' = 'cbc'): Ikev2Proposal {
  const transforms =
    cipher === 'gcm'
      ? [transform(TransformType.ENCR, Encr.AES_GCM_16, 128)]
      : [
          transform(TransformType.ENCR, Encr.AES_CBC, 256),
          transform(TransformType.INTEG, Integ.HMAC_SHA2_256_128),
        ];
  return {
    number,
    protocolId: ProtocolId.ESP,
    spi: new Uint8Array(0),
    transforms: [...transforms, transform(TransformType.ESN, Esn.NO)],
  };
}

export function peer(local: string, remote: string, overrides: Partial<Ikev2Peer> = {}): Ikev2Peer {
  const key = new TextEncoder().encode('pair-psk');
  const [localLan, remoteLan] = local === R1 ? ['10.1.0', '10.2.0'] : ['10.2.0', '10.1.0'];
  return {
    name: `to-${remote}`,
    localAddress: local,
    remoteAddress: remote,
    localId: addressIdentity(local),
    remoteId: addressIdentity(remote),
    localKey: key,
    remoteKey: key,
    ikeProposals: [ikeProposal(1, 14)],
    childProposals: [espProposal(1)],
    selector: {
      protocol: 0,
      localStart: `${localLan}.0`,
      localEnd: `${localLan}.255`,
      localPortStart: 0,
      localPortEnd: 65535,
      remoteStart: `${remoteLan}.0`,
      remoteEnd: `${remoteLan}.255`,
      remotePortStart: 0,
      remotePortEnd: 65535,
    },
    mode: 'tunnel',
    childLifetime: { seconds: 3600, kilobytes: 4608000 },
    ikeLifetimeSeconds: 86400,
    ...overrides,
  };
}

export interface Side {
  readonly engine: Ikev2Engine;
  readonly installed: IpsecSaPair[];
  readonly removed: number[];
  readonly log: string[];
  sent: number;
}

export class Pair {
  readonly r1: Side;
  readonly r2: Side;
  now = 0;
  /** Drops the next datagram from this side when it returns true. */
  lose: (from: 'r1' | 'r2', data: Uint8Array) => boolean = () => false;

  constructor(r1: Ikev2Peer, r2: Ikev2Peer) {
    const side = (p: Ikev2Peer, seed: string): Side => ({
      engine: new Ikev2Engine({ peers: [p], rng: seededRng(seed) }),
      installed: [],
      removed: [],
      log: [],
      sent: 0,
    });
    this.r1 = side(r1, 'r1');
    this.r2 = side(r2, 'r2');
  }

  /** Delivers actions until nothing is left to send (bounded). */
  run(from: 'r1' | 'r2', actions: Ikev2Action[]): void {
    const queue: { from: 'r1' | 'r2'; action: Ikev2Action }[] = actions.map((action) => ({ from, action }));
    for (let steps = 0; queue.length > 0; steps++) {
      if (steps > 1000) throw new Error('the engines did not settle');
      const next = queue.shift();
      if (!next) break;
      const me = next.from === 'r1' ? this.r1 : this.r2;
      const other: 'r1' | 'r2' = next.from === 'r1' ? 'r2' : 'r1';
      const a = next.action;
      if (a.kind === 'log') me.log.push(a.message);
      else if (a.kind === 'install') me.installed.push(...a.pairs);
      else if (a.kind === 'remove') me.removed.push(...a.pairs.map((p) => p.inboundSpi));
      else if (a.kind === 'send') {
        me.sent++;
        if (this.lose(next.from, a.data)) continue;
        const them = other === 'r1' ? this.r1 : this.r2;
        const replies = them.engine.receive(
          {
            srcAddress: a.srcAddress,
            srcPort: a.srcPort,
            dstAddress: a.dstAddress,
            dstPort: a.dstPort,
            data: a.data,
          },
          this.now,
        );
        queue.push(...replies.map((action) => ({ from: other, action })));
      }
    }
  }

  /** Moves the clock and lets both engines retransmit. */
  advance(seconds: number): void {
    this.now += seconds;
    this.run('r1', this.r1.engine.tick(this.now));
    this.run('r2', this.r2.engine.tick(this.now));
  }
}
