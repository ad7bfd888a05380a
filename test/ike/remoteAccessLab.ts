// One gateway engine and many client engines on an in-memory link (injected clock, seeded
// randomness), for XAUTH and Mode Config: the gateway's `xauthVerify` actions are checked by
// src/aaa (the login list of its configuration), asynchronously as the gateway does, and its
// Mode Config addresses come from src/gateway's address pools.

import {
  IkeManager,
  type IkeAction,
  type IkeEvent,
  type RemoteAccessClient,
  type XauthOutcome,
} from '../../src/ike/index.js';
import { parseConfig } from '../../src/config/index.js';
import { loginMethods, runMethodList, type ServerGroupFactories } from '../../src/aaa/index.js';
import { AddressPools } from '../../src/gateway/addressPool.js';
import type { RouterConfig, TrafficSelector } from '../../src/policy/model.js';
import type { IpsecSaPair } from '../../src/policy/sa.js';
import { seededRng } from './harness.js';

export const GATEWAY = '150.1.1.1';
export const PROTECTED = { start: '11.10.1.0', end: '11.10.1.255' };
export const PSK = 'cisco123';

export interface ConcentratorOptions {
  readonly modes?: readonly ('initiate' | 'respond')[];
  readonly pool?: readonly [string, string];
  readonly wan?: string;
  readonly lan?: string;
  /** The ISAKMP policy's lines (default Example 13-19's: MD5, pre-shared keys). */
  readonly policy?: readonly string[];
  readonly transforms?: string;
  /** More lines: users, keys. */
  readonly extra?: string;
  /** The methods of `aaa authentication login xauth` (default `local`). */
  readonly login?: string;
}

/** Example 13-19 (the Concentrator) as IOS text, with `modes` for its two `client configuration` lines. */
export function concentratorText(o: ConcentratorOptions = {}): string {
  const [first, last] = o.pool ?? ['10.1.10.1', '10.1.10.254'];
  const modes = o.modes ?? ['initiate', 'respond'];
  return `hostname Concentrator
aaa new-model
aaa authentication login xauth ${o.login ?? 'local'}
username ciscouser password 0 cisco1234
crypto isakmp policy 10
${(o.policy ?? ['hash md5', 'authentication pre-share']).map((l) => ` ${l}`).join('\n')}
crypto isakmp key ${PSK} address 0.0.0.0
crypto isakmp client configuration address-pool local mypool
crypto map REMOTEACCESS client authentication list xauth
crypto ipsec transform-set RTP-TRANSFORM ${o.transforms ?? 'esp-des esp-md5-hmac'}
crypto dynamic-map vpn 1
 set transform-set RTP-TRANSFORM
${modes.map((m) => `crypto map REMOTEACCESS client configuration address ${m}`).join('\n')}
crypto map REMOTEACCESS 1 ipsec-isakmp dynamic vpn
interface Ethernet0/0
 ip address ${o.wan ?? GATEWAY} 255.255.255.0
 crypto map REMOTEACCESS
interface Ethernet0/1
 ip address ${o.lan ?? '11.10.1.1'} 255.255.255.0
ip local pool mypool ${first} ${last}
${o.extra ?? ''}
`;
}

export function concentratorConfig(o: ConcentratorOptions = {}): RouterConfig {
  return parseConfig(concentratorText(o), 'concentrator.cfg');
}

/** Example 13-20's client as a router configuration: DES/MD5, the group key, the gateway. */
export function clientConfig(address: string, gateway = GATEWAY, key = PSK): RouterConfig {
  return parseConfig(
    `hostname client
crypto isakmp policy 1
 hash md5
 authentication pre-share
crypto isakmp key ${key} address ${gateway}
crypto ipsec transform-set t esp-des esp-md5-hmac
access-list 101 permit ip any 11.10.1.0 0.0.0.255
crypto map c 10 ipsec-isakmp
 set peer ${gateway}
 set transform-set t
 match address 101
interface Ethernet0
 ip address ${address} 255.255.255.0
 crypto map c
`,
    `client-${address}.cfg`,
  );
}

/** The client's traffic to the protected network, from its Mode Config address. */
export function clientSelector(address: string, protectedNet = PROTECTED): TrafficSelector {
  return {
    protocol: 0,
    localStart: address,
    localEnd: address,
    localPortStart: 0,
    localPortEnd: 65535,
    remoteStart: protectedNet.start,
    remoteEnd: protectedNet.end,
    remotePortStart: 0,
    remotePortEnd: 65535,
  };
}

export class RaNode {
  readonly events: IkeEvent[] = [];
  installed: { pairs: readonly IpsecSaPair[]; connId: number }[] = [];
  constructor(
    readonly address: string,
    readonly engine: IkeManager,
  ) {}

  of<T extends IkeEvent['type']>(type: T): Extract<IkeEvent, { type: T }>[] {
    return this.events.filter((e): e is Extract<IkeEvent, { type: T }> => e.type === type);
  }

  /** The address Mode Config gave this client. */
  get address4(): string | undefined {
    return this.of('modeConfig').find((e) => e.step === 'assigned')?.address;
  }
}

interface Flight {
  readonly at: number;
  readonly to: string;
  readonly d: { srcAddress: string; srcPort: number; dstAddress: string; dstPort: number; data: Uint8Array };
}

export type Verifier = (
  list: string,
  username: string,
  password: string,
) => Promise<XauthOutcome> | undefined;

export interface ClientSpec {
  readonly address: string;
  readonly username: string;
  readonly password: string;
  readonly modeConfig?: 'pull' | 'push';
  /** Group authentication: aggressive mode identified as ID_KEY_ID group. */
  readonly group?: string;
}

export class RaLab {
  now = 0;
  readonly gatewayAddress: string;
  readonly gateway: RaNode;
  readonly clients: RaNode[] = [];
  readonly pools: AddressPools;
  /** Every password the gateway was asked to check, to prove none reaches an event. */
  readonly passwordsSeen: string[] = [];
  private queue: Flight[] = [];
  private pending: Promise<void>[] = [];
  private readonly verify: Verifier;

  constructor(
    readonly config: RouterConfig,
    specs: readonly ClientSpec[],
    o: {
      verify?: Verifier;
      xauthTimeout?: number;
      aaa?: ServerGroupFactories;
      /** The gateway's address and group key (Example 13-21's PIX differs from 13-19). */
      gateway?: string;
      key?: string;
    } = {},
  ) {
    this.gatewayAddress = o.gateway ?? GATEWAY;
    this.pools = new AddressPools(config.localPools, () => this.now);
    this.verify =
      o.verify ??
      (async (list, u, p) => {
        const r = await runMethodList(loginMethods(config, list, o.aaa), u, p);
        return { ...r.outcome, method: r.method };
      });
    this.gateway = new RaNode(
      this.gatewayAddress,
      new IkeManager({
        config,
        rng: seededRng('gateway'),
        localAddresses: [this.gatewayAddress],
        addressLeases: this.pools,
        ...(o.xauthTimeout !== undefined ? { xauthTimeout: o.xauthTimeout } : {}),
      }),
    );
    for (const spec of specs) {
      const client: RemoteAccessClient = {
        credentials: () => ({ username: spec.username, password: spec.password }),
        ...(spec.modeConfig ? { modeConfig: spec.modeConfig } : {}),
        ...(spec.group !== undefined ? { group: spec.group } : {}),
      };
      this.clients.push(
        new RaNode(
          spec.address,
          new IkeManager({
            config: clientConfig(spec.address, this.gatewayAddress, o.key),
            rng: seededRng(`client ${spec.address}`),
            localAddresses: [spec.address],
            remoteAccessClient: client,
            ...(o.xauthTimeout !== undefined ? { xauthTimeout: o.xauthTimeout } : {}),
          }),
        ),
      );
    }
  }

  private node(address: string): RaNode | undefined {
    return address === this.gatewayAddress ? this.gateway : this.clients.find((c) => c.address === address);
  }

  apply(from: RaNode, actions: readonly IkeAction[]): void {
    for (const a of actions) {
      if (a.kind === 'event') from.events.push(a.event);
      else if (a.kind === 'install') from.installed.push({ pairs: a.pairs, connId: a.connId });
      else if (a.kind === 'remove') {
        const gone = new Set(a.pairs.map((p) => p.inboundSpi));
        from.installed = from.installed.filter((i) => !i.pairs.some((p) => gone.has(p.inbound.spi)));
      } else if (a.kind === 'send') {
        if (a.natKeepalive) continue;
        this.queue.push({ at: this.now + 0.005, to: a.dstAddress, d: a });
      } else if (a.kind === 'xauthVerify') {
        this.passwordsSeen.push(a.password);
        const verdict = this.verify(a.list, a.username, a.password);
        if (verdict)
          this.pending.push(
            verdict.then((outcome) =>
              this.apply(from, from.engine.xauthResult(a.connId, a.request, outcome, this.now)),
            ),
          );
      }
    }
  }

  /** Phase 1 from `client` toward the gateway (its first acquire, before it has an address). */
  connect(client: RaNode): void {
    this.apply(
      client,
      client.engine.acquire(
        { peer: this.gatewayAddress, selector: clientSelector(client.address) },
        this.now,
      ),
    );
  }

  /** Runs until nothing is scheduled before `until`; AAA answers are awaited as they come. */
  async run(until: number, maxSteps = 200_000): Promise<void> {
    const nodes = [this.gateway, ...this.clients];
    for (let step = 0; step < maxSteps; step++) {
      if (this.pending.length > 0) {
        const pending = this.pending;
        this.pending = [];
        await Promise.all(pending);
        continue;
      }
      let t = this.queue.reduce((m, q) => Math.min(m, q.at), Number.POSITIVE_INFINITY);
      for (const n of nodes) t = Math.min(t, n.engine.nextDeadline() ?? Number.POSITIVE_INFINITY);
      if (!Number.isFinite(t) || t > until) {
        this.now = Math.max(this.now, until);
        return;
      }
      this.now = Math.max(this.now, t);
      const due = this.queue.filter((q) => q.at <= this.now);
      this.queue = this.queue.filter((q) => q.at > this.now);
      for (const q of due) {
        const n = this.node(q.to);
        if (n) this.apply(n, n.engine.receive(q.d, this.now));
      }
      for (const n of nodes) {
        const dl = n.engine.nextDeadline();
        if (dl !== undefined && dl <= this.now) this.apply(n, n.engine.tick(this.now));
      }
    }
    throw new Error('remote-access lab did not settle');
  }
}
