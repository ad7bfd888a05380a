// The load generator (run by main.ts inside the initiator namespace, with an IPC channel):
// N initiators, each typeswan's own IKE engine with its own address (10.128.0.0/16 is a local
// route there, so any of it can be bound) and its own UDP 500 and 4500 sockets, started at the
// job's rate, all driven from one event loop. Each sets up one main mode + quick mode to the
// responder; the result counts what came up, when, and what it cost the generator itself.

import { createSocket, type Socket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { parseConfigText } from '../../src/gateway/configFile.js';
import { IkeManager, type IkeAction, type Rng } from '../../src/ike/index.js';
import { dhPrivateLength } from '../../src/ike/keys.js';
import type { RouterConfig } from '../../src/policy/model.js';
import {
  RESPONDER,
  initiatorAddress,
  initiatorConfig,
  percentile,
  protectedSelector,
  type LoadJob,
  type LoadResult,
} from './common.js';

const NON_ESP_MARKER = new Uint8Array(4);
const TICK_MS = 20;

/**
 * Randomness for one initiator. With `cheapDh` a request of exactly the DH private length
 * gets the value 2 (public value g^2, RFC 2409 §5 still satisfied: 1 < 4 < p-1), so the
 * initiator's own exponentiations cost almost nothing while the responder's are real; a
 * nonce of the same length then also reads 0...02, which no responder may check.
 */
function initiatorRng(dhLength: number | undefined): Rng {
  return {
    randomBytes: (n) => {
      if (n === dhLength) {
        const x = new Uint8Array(n);
        x[n - 1] = 2;
        return x;
      }
      return new Uint8Array(randomBytes(n));
    },
  };
}

class Initiator {
  readonly engine: IkeManager;
  private readonly sockets = new Map<number, Socket>();
  deadline: number | undefined;
  startedAt = 0;
  establishedAt: number | undefined;
  failure: string | undefined;

  constructor(
    readonly index: number,
    readonly address: string,
    config: RouterConfig,
    rng: Rng,
    private readonly gen: Generator,
  ) {
    this.engine = new IkeManager({ config, rng, localAddresses: [address] });
  }

  async bind(): Promise<void> {
    for (const port of [500, 4500]) {
      const socket = createSocket({ type: 'udp4' });
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind({ address: this.address, port, exclusive: true }, () => {
          socket.off('error', reject);
          resolve();
        });
      });
      socket.on('error', () => this.gen.sendErrors++);
      socket.on('message', (data, remote) => {
        // RFC 3948 §2.2: on 4500 IKE follows four zero bytes; anything else there is ESP.
        if (port === 4500) {
          if (data.length < 4 || data.readUInt32BE(0) !== 0) return;
          data = data.subarray(4);
        }
        this.perform(
          this.engine.receive(
            {
              srcAddress: remote.address,
              srcPort: remote.port,
              dstAddress: this.address,
              dstPort: port,
              data,
            },
            this.gen.now(),
          ),
        );
      });
      this.sockets.set(port, socket);
    }
  }

  start(): void {
    this.startedAt = this.gen.now();
    const selector = protectedSelector(this.index);
    this.perform(
      this.engine.acquire({ peer: RESPONDER, selector, localAddress: this.address }, this.startedAt),
    );
  }

  tick(now: number): void {
    if (this.deadline !== undefined && this.deadline <= now) this.perform(this.engine.tick(now));
  }

  perform(actions: readonly IkeAction[]): void {
    for (const a of actions) {
      if (a.kind === 'send') {
        const socket = this.sockets.get(a.srcPort);
        if (socket === undefined) continue;
        const data = a.dstPort === 4500 && a.natKeepalive !== true ? [NON_ESP_MARKER, a.data] : [a.data];
        socket.send(data, a.dstPort, a.dstAddress);
        this.gen.packets++;
      } else if (a.kind === 'install') {
        if (this.establishedAt === undefined) {
          this.establishedAt = this.gen.now();
          this.gen.done(this);
        }
      } else if (a.kind === 'event') {
        const e = a.event;
        if (e.type === 'retransmit') this.gen.retransmissions++;
        else if (
          this.establishedAt === undefined &&
          this.failure === undefined &&
          (e.type === 'giveUp' ||
            e.type === 'authFailed' ||
            e.type === 'acquireFailed' ||
            e.type === 'peerRefused')
        ) {
          this.failure = e.type;
          this.gen.done(this);
        }
      }
    }
    this.deadline = this.engine.nextDeadline();
  }

  close(): void {
    for (const s of this.sockets.values()) s.close();
  }
}

class Generator {
  sendErrors = 0;
  packets = 0;
  retransmissions = 0;
  private finished = 0;
  private readonly epoch = performance.now();
  private resolveAll: (() => void) | undefined;
  lastDoneAt = 0;

  constructor(private readonly initiators: Initiator[] = []) {}

  now(): number {
    return (performance.now() - this.epoch) / 1000;
  }

  add(i: Initiator): void {
    this.initiators.push(i);
  }

  done(i: Initiator): void {
    this.finished++;
    if (i.establishedAt !== undefined) this.lastDoneAt = i.establishedAt;
    if (this.finished === this.initiators.length) this.resolveAll?.();
  }

  async run(job: LoadJob): Promise<LoadResult> {
    const all = new Promise<void>((resolve) => (this.resolveAll = resolve));
    const cpu0 = process.cpuUsage();
    const firstAt = this.now();
    let next = 0;
    const timer = setInterval(() => {
      const now = this.now();
      const due =
        job.rate > 0
          ? Math.min(this.initiators.length, Math.ceil((now - firstAt) * job.rate))
          : this.initiators.length;
      while (next < due) this.initiators[next++]?.start();
      for (const i of this.initiators) i.tick(now);
    }, TICK_MS);
    const startNow = job.rate > 0 ? 1 : this.initiators.length;
    while (next < startNow) this.initiators[next++]?.start();
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, job.timeoutSeconds * 1000).unref());
    await Promise.race([all, timeout]);
    clearInterval(timer);
    const cpu = process.cpuUsage(cpu0);
    const up = this.initiators.filter((i) => i.establishedAt !== undefined);
    const latencies = up.map((i) => ((i.establishedAt ?? 0) - i.startedAt) * 1000).sort((a, b) => a - b);
    const failures: Record<string, number> = {};
    for (const i of this.initiators) {
      if (i.establishedAt !== undefined) continue;
      const why = i.failure ?? (i.startedAt > 0 || i === this.initiators[0] ? 'timeout' : 'not started');
      failures[why] = (failures[why] ?? 0) + 1;
    }
    return {
      kind: 'result',
      started: next,
      established: up.length,
      failed: this.initiators.length - up.length,
      retransmissions: this.retransmissions,
      seconds: (up.length > 0 ? this.lastDoneAt : this.now()) - firstAt,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      failures,
    };
  }

  close(): void {
    for (const i of this.initiators) i.close();
  }
}

async function runJob(job: LoadJob): Promise<LoadResult> {
  const config = parseConfigText(initiatorConfig(job.algorithms), 'loadgen.cfg');
  const dhLength = job.cheapDh ? dhPrivateLength(job.algorithms.group) : undefined;
  const gen = new Generator();
  const initiators: Initiator[] = [];
  for (let i = 0; i < job.tunnels; i++) {
    const initiator = new Initiator(i, initiatorAddress(i), config, initiatorRng(dhLength), gen);
    initiators.push(initiator);
    gen.add(initiator);
  }
  for (let i = 0; i < initiators.length; i += 256) {
    await Promise.all(initiators.slice(i, i + 256).map((x) => x.bind()));
  }
  try {
    return await gen.run(job);
  } finally {
    gen.close();
  }
}

process.on('message', (message: LoadJob) => {
  if (message.kind !== 'run') return;
  runJob(message).then(
    (result) => process.send?.(result, () => process.exit(0)),
    (error: unknown) => {
      process.stderr.write(`load generator: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
});
process.send?.({ kind: 'ready' });
