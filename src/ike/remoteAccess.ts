// Phase 1.5 (the chapter's Figure 13-35): XAUTH and Mode Config between phase 1 and quick
// mode, as a gateway (server) and as a client, after strongSwan's ikev1/tasks/xauth.c and
// mode_config.c. Each REQUEST/REPLY or SET/ACK is a transaction (transaction.ts); this file
// holds what one IKE SA is waiting for and starts the next transaction.
//
// Server (draft-ietf-ipsec-isakmp-xauth-06 §4, as IOS runs it): REQUEST(XAUTH-TYPE generic,
// USER-NAME, USER-PASSWORD) -> REPLY; the gateway verifies the credentials outside the engine
// (the `xauthVerify` action, answered by IkeManager.xauthResult); a rejected try is asked
// again, three tries in all; then SET(XAUTH-STATUS OK|FAIL) -> ACK. A FAIL, or no answer in
// time, deletes the IKE SA. Mode Config (draft-dukes-ike-mode-cfg-02 §3.2) follows: `initiate`
// pushes SET(INTERNAL_IP4_ADDRESS and the client group's settings) -> ACK, `respond` answers
// the client's REQUEST with a REPLY (modeConfigAttributes.ts). Quick mode waits until these
// are done.

import { cfgAttrName, CfgAttr, CfgType, XauthStatus, XauthType } from '../wire/constants/modeConfig.js';
import {
  IdType,
  tlv,
  tv,
  unitySplitNetworks,
  type Attribute,
  type AttributePayload,
  type UnityNetwork,
} from '../wire/index.js';
import { ipv4NumberToText, ipv4TextToNumber, ipv4ToText } from '../packet/address.js';
import type { RouterConfig, TrafficSelector } from '../policy/model.js';
import { selectorContains } from '../policy/selector.js';
import { remoteAccessPlan, type RemoteAccessPlan } from '../policy/remoteAccess.js';
import type { IkeEvent, IsakmpState, ModeConfigReceived } from './events.js';
import type { IkeSa } from './ikeSa.js';
import { modeConfigPush, modeConfigReply } from './modeConfigAttributes.js';
import { pskByGroup } from './psk.js';
import { attributePayload, TransactionRequest, type TransactionAnswer } from './transaction.js';
import type { RemoteAccessClient, XauthOutcome } from './types.js';

/** IOS gives a user three tries (`crypto isakmp xauth` has no knob for it in 12.x). */
export const XAUTH_TRIES = 3;

export interface RemoteAccessHost {
  readonly now: number;
  readonly config: RouterConfig;
  emit(e: IkeEvent): void;
  /** Starts a transaction of ours on the SA under a new message ID. */
  start(sa: IkeSa, make: (messageId: number) => TransactionRequest): void;
  /** Ends the IKE SA, telling the peer with a DELETE. */
  deleteSa(sa: IkeSa, reason: string): void;
  /** Asks the gateway to check the credentials (answered by IkeManager.xauthResult). */
  verify(sa: IkeSa, request: number, list: string, username: string, password: string): void;
  /** A Mode Config address for the client from pool `pool`. */
  lease(pool: string, sa: IkeSa): { readonly address: string } | { readonly error: string };
  /** Phase 1.5 is over: quick mode may start. */
  ready(sa: IkeSa): void;
}

type XauthState = 'request' | 'verify' | 'set' | 'done';

interface ServerSession {
  readonly role: 'server';
  readonly plan: RemoteAccessPlan;
  xauth?: {
    state: XauthState;
    tries: number;
    request: number;
    username?: string;
    ok?: boolean;
    reason?: string;
  };
  /** Mode Config: waiting for the client's REQUEST, our SET out, or over. */
  config?: 'await' | 'set' | 'done';
  address?: string;
  deadline: number;
  done: boolean;
}

interface ClientSession {
  readonly role: 'client';
  readonly options: RemoteAccessClient;
  xauth: 'await' | 'status' | 'done';
  config?: 'request' | 'await' | 'done';
  address?: string;
  received?: ModeConfigReceived;
  deadline: number;
  done: boolean;
}

type Session = ServerSession | ClientSession;

/** With both `initiate` and `respond`, a client that pulls asks at once; else we push after this. */
const PULL_GRACE = 2;

function text(value: number | Uint8Array | undefined): string | undefined {
  return value instanceof Uint8Array ? Buffer.from(value).toString('utf8') : undefined;
}

function attr(request: AttributePayload, type: number): Attribute | undefined {
  return request.attributes.find((a) => a.type === type);
}

function names(attributes: readonly Attribute[]): string[] {
  return attributes.map((a) => cfgAttrName(a.type));
}

/** An INTERNAL_IP4_ADDRESS value; 0.0.0.0 or an empty value is none. */
function ipv4Of(value: number | Uint8Array | undefined): string | undefined {
  if (!(value instanceof Uint8Array) || value.length !== 4 || value.every((b) => b === 0)) return undefined;
  return ipv4ToText(value);
}

/** What a client takes from the gateway's REPLY or SET besides its address. */
function receivedOf(attributes: readonly Attribute[]): ModeConfigReceived {
  const ipv4s = (type: number): string[] =>
    attributes.filter((a) => a.type === type).flatMap((a) => ipv4Of(a.value) ?? []);
  const domain = text(attributes.find((a) => a.type === CfgAttr.UNITY_DEF_DOMAIN)?.value);
  const [netmask] = ipv4s(CfgAttr.INTERNAL_IP4_NETMASK);
  const networks = (type: number): UnityNetwork[] =>
    attributes.flatMap((a) =>
      a.type === type && a.value instanceof Uint8Array ? (unitySplitNetworks(a.value) ?? []) : [],
    );
  return {
    ...(netmask !== undefined ? { netmask } : {}),
    dns: ipv4s(CfgAttr.INTERNAL_IP4_DNS),
    wins: ipv4s(CfgAttr.INTERNAL_IP4_NBNS),
    ...(domain !== undefined && domain !== '' ? { domain } : {}),
    splitInclude: networks(CfgAttr.UNITY_SPLIT_INCLUDE),
    localLan: networks(CfgAttr.UNITY_LOCAL_LAN),
  };
}

/**
 * What a client asks for (the Cisco VPN Client's list): address, mask, servers, domain, the
 * split-include and the local LAN.
 */
const CLIENT_REQUEST = [
  CfgAttr.INTERNAL_IP4_ADDRESS,
  CfgAttr.INTERNAL_IP4_NETMASK,
  CfgAttr.INTERNAL_IP4_DNS,
  CfgAttr.INTERNAL_IP4_NBNS,
  CfgAttr.UNITY_DEF_DOMAIN,
  CfgAttr.UNITY_SPLIT_INCLUDE,
  CfgAttr.UNITY_LOCAL_LAN,
] as const;

/** The event `transact` announces a transaction with; it adds the SA, message ID and attributes. */
type Announce =
  | Omit<Extract<IkeEvent, { type: 'xauth' }>, 'connId' | 'peer' | 'messageId' | 'attributes'>
  | Omit<Extract<IkeEvent, { type: 'modeConfig' }>, 'connId' | 'peer' | 'messageId' | 'attributes'>;

export class RemoteAccess {
  private readonly sessions = new Map<number, Session>();
  private nextRequest = 1;

  constructor(private timeout: number) {}

  configure(timeout: number): void {
    this.timeout = timeout;
  }

  /**
   * Phase 1 is up: is there XAUTH or Mode Config to run with this peer? As the responder the
   * configuration says (remoteAccessPlan); as the initiator, whether we have credentials for it.
   */
  open(sa: IkeSa, config: RouterConfig, client: RemoteAccessClient | undefined, now: number): boolean {
    if (sa.role === 'responder') {
      const plan = remoteAccessPlan(config, sa.localAddress, sa.peerAddress, groupOf(sa, config));
      if (!plan) return false;
      this.sessions.set(sa.connId, { role: 'server', plan, deadline: now + this.timeout, done: false });
      return true;
    }
    if (!client?.credentials(sa.peerAddress)) return false;
    this.sessions.set(sa.connId, {
      role: 'client',
      options: client,
      xauth: 'await',
      deadline: now + this.timeout,
      done: false,
    });
    return true;
  }

  /** Starts what `open` found: the gateway asks for credentials (or pushes), the client waits. */
  begin(sa: IkeSa, host: RemoteAccessHost): void {
    const s = this.sessions.get(sa.connId);
    if (!s) return;
    if (s.role === 'client') {
      setState(sa, 'CONF_XAUTH');
      return;
    }
    const full = this.groupFull(s.plan);
    if (full !== undefined) {
      this.fail(sa, host, 'modeConfig', full);
      return;
    }
    if (s.plan.xauthList !== undefined) {
      s.xauth = { state: 'request', tries: 0, request: 0 };
      host.emit({ type: 'xauth', connId: sa.connId, peer: sa.peerAddress, step: 'need' });
      this.askCredentials(sa, s, host);
    } else this.startConfig(sa, s, host);
  }

  /** Why a client of the plan's group is one too many (`max-users N`), or undefined. */
  private groupFull(plan: RemoteAccessPlan): string | undefined {
    const g = plan.group;
    if (g?.maxUsers === undefined) return undefined;
    let users = 0;
    for (const other of this.sessions.values())
      if (other.role === 'server' && other.plan.group?.name === g.name) users++;
    return users > g.maxUsers ? `group ${g.name} has its max-users ${g.maxUsers} clients already` : undefined;
  }

  /** Quick mode waits for phase 1.5 (the chapter: "Quick mode is started at this point"). */
  allowsQuickMode(sa: IkeSa): boolean {
    const s = this.sessions.get(sa.connId);
    return s === undefined || s.done;
  }

  /** The Mode Config address of this IKE SA's client (ours as a client). */
  address(sa: IkeSa): string | undefined {
    return this.sessions.get(sa.connId)?.address;
  }

  /**
   * As a client of the gateway `sas` lead to: the proxy ID to propose for `selector` (the ACL
   * line, `any` toward a protected network). Our side is the Mode Config address alone, as the
   * Cisco VPN Client proposes it and the gateway binds it; a selector whose local side does
   * not hold that address is not ours to narrow and goes as it is.
   */
  clientProxyId(sas: readonly IkeSa[], selector: TrafficSelector): TrafficSelector {
    // The newest SA's address: an IKE rekey may have brought a new one.
    for (const sa of [...sas].reverse()) {
      const s = this.sessions.get(sa.connId);
      if (s?.role !== 'client' || s.address === undefined || sa.deleted) continue;
      const narrowed = { ...selector, localStart: s.address, localEnd: s.address };
      if (selectorContains(selector, narrowed)) return narrowed;
    }
    return selector;
  }

  /**
   * As a client: the address ranges of the gateway's split-include, the only networks to
   * propose (as remote proxy IDs) and to route into the tunnel; empty when it sent none.
   */
  splitRanges(sa: IkeSa): { readonly start: string; readonly end: string }[] {
    const s = this.sessions.get(sa.connId);
    if (s?.role !== 'client') return [];
    return (s.received?.splitInclude ?? []).flatMap((n) => {
      const address = ipv4TextToNumber(n.address);
      const mask = ipv4TextToNumber(n.mask);
      if (address === undefined || mask === undefined) return [];
      const start = (address & mask) >>> 0;
      return [{ start: ipv4NumberToText(start), end: ipv4NumberToText((start | ~mask) >>> 0) }];
    });
  }

  /** As a client: the address and what else Mode Config gave us (`show crypto ipsec client ezvpn`). */
  clientView(sa: IkeSa): { modeConfig?: { readonly address: string } & ModeConfigReceived } {
    const s = this.sessions.get(sa.connId);
    if (s?.role !== 'client' || s.address === undefined || s.received === undefined) return {};
    return { modeConfig: { address: s.address, ...s.received } };
  }

  forget(sa: IkeSa): void {
    this.sessions.delete(sa.connId);
  }

  nextDeadline(): number {
    let t = Number.POSITIVE_INFINITY;
    for (const s of this.sessions.values()) if (!s.done) t = Math.min(t, s.deadline);
    return t;
  }

  /** Deletes the IKE SAs whose client (or gateway) did not answer in time. */
  run(sas: Iterable<IkeSa>, host: RemoteAccessHost): void {
    for (const sa of [...sas]) {
      const s = this.sessions.get(sa.connId);
      if (!s || s.done || host.now < s.deadline) continue;
      if (s.role === 'server' && s.config === 'await' && s.plan.modeConfig?.initiate === true) {
        // `initiate` and `respond`: the client did not ask, so we push.
        this.pushAddress(sa, s, host);
        continue;
      }
      const what = s.role === 'server' ? this.waitingFor(s) : this.clientWaitingFor(s);
      const reason = `${what}: no answer in ${this.timeout} s`;
      this.fail(
        sa,
        host,
        s.role === 'server' && s.xauth && s.xauth.state !== 'done' ? 'xauth' : 'modeConfig',
        reason,
      );
    }
  }

  /** Phase 1.5 failed: the IKE SA goes, with a DELETE, and the log says why. */
  private fail(sa: IkeSa, host: RemoteAccessHost, type: 'xauth' | 'modeConfig', reason: string): void {
    this.sessions.delete(sa.connId);
    host.emit({ type, connId: sa.connId, peer: sa.peerAddress, step: 'failed', reason });
    host.deleteSa(sa, reason);
  }

  private waitingFor(s: ServerSession): string {
    switch (s.xauth?.state) {
      case 'request':
        return 'XAUTH timeout waiting for the username and password';
      case 'verify':
        return `XAUTH timeout waiting for login list ${s.plan.xauthList ?? ''}`;
      case 'set':
        return 'XAUTH timeout waiting for the ACK of the status';
      default:
        return 'Mode Config timeout waiting for the client';
    }
  }

  private clientWaitingFor(s: ClientSession): string {
    if (s.xauth !== 'done') return 'XAUTH timeout waiting for the gateway';
    return 'Mode Config timeout waiting for an address';
  }

  /** Starts a REQUEST or SET of ours under a new message ID, announced by `announce`. */
  private transact(
    sa: IkeSa,
    host: RemoteAccessHost,
    cfgType: number,
    attributes: readonly Attribute[],
    announce: Announce,
    onAnswer: (answer: AttributePayload) => void,
  ): void {
    host.start(sa, (mid) => {
      const at = { connId: sa.connId, peer: sa.peerAddress, messageId: mid, attributes: names(attributes) };
      host.emit(announce.type === 'xauth' ? { ...announce, ...at } : { ...announce, ...at });
      return new TransactionRequest(sa, mid, attributePayload(cfgType, mid & 0xffff, attributes), onAnswer);
    });
  }

  // ------------------------------------------------------------------ server: XAUTH

  private askCredentials(sa: IkeSa, s: ServerSession, host: RemoteAccessHost): void {
    const x = s.xauth;
    if (!x) return;
    x.tries++;
    x.state = 'request';
    s.deadline = host.now + this.timeout;
    setState(sa, 'CONF_XAUTH');
    // Zero-length values ask for the attribute (draft-ietf-ipsec-isakmp-xauth-06 §3.2).
    const attributes = [
      tv(CfgAttr.XAUTH_TYPE, XauthType.GENERIC),
      tlv(CfgAttr.XAUTH_USER_NAME, new Uint8Array(0)),
      tlv(CfgAttr.XAUTH_USER_PASSWORD, new Uint8Array(0)),
    ];
    this.transact(
      sa,
      host,
      CfgType.ISAKMP_CFG_REQUEST,
      attributes,
      { type: 'xauth', step: 'request', tries: x.tries },
      (reply) => this.credentials(sa, s, reply, host),
    );
  }

  private credentials(sa: IkeSa, s: ServerSession, reply: AttributePayload, host: RemoteAccessHost): void {
    const x = s.xauth;
    if (!x || x.state !== 'request' || this.sessions.get(sa.connId) !== s) return;
    host.emit({
      type: 'xauth',
      connId: sa.connId,
      peer: sa.peerAddress,
      step: 'reply',
      attributes: names(reply.attributes),
    });
    const status = attr(reply, CfgAttr.XAUTH_STATUS)?.value;
    const username = text(attr(reply, CfgAttr.XAUTH_USER_NAME)?.value);
    const secret = attr(reply, CfgAttr.XAUTH_USER_PASSWORD)?.value;
    if (status === XauthStatus.FAIL || username === undefined || !(secret instanceof Uint8Array)) {
      // The client cannot answer (xauth-06 §4.1): no point in asking again.
      x.reason = 'the client sent no username and password';
      x.tries = XAUTH_TRIES;
      this.sendStatus(sa, s, false, host);
      return;
    }
    const password = Buffer.from(secret).toString('utf8');
    secret.fill(0);
    x.username = username;
    x.state = 'verify';
    x.request = this.nextRequest++;
    s.deadline = host.now + this.timeout;
    host.emit({
      type: 'xauth',
      connId: sa.connId,
      peer: sa.peerAddress,
      step: 'verify',
      username,
      list: s.plan.xauthList ?? '',
    });
    host.verify(sa, x.request, s.plan.xauthList ?? '', username, password);
  }

  /** The gateway's verdict on the credentials of `request`. */
  xauthResult(sa: IkeSa, request: number, outcome: XauthOutcome, host: RemoteAccessHost): boolean {
    const s = this.sessions.get(sa.connId);
    const x = s?.role === 'server' ? s.xauth : undefined;
    if (!s || s.role !== 'server' || !x || x.state !== 'verify' || x.request !== request) return false;
    const base = {
      type: 'xauth',
      connId: sa.connId,
      peer: sa.peerAddress,
      username: x.username ?? '',
    } as const;
    if (outcome.kind === 'accept') {
      host.emit({ ...base, step: 'accepted', ...(outcome.method ? { method: outcome.method } : {}) });
      this.sendStatus(sa, s, true, host);
      return true;
    }
    x.reason = outcome.reason;
    host.emit({
      ...base,
      step: 'rejected',
      reason: outcome.reason,
      tries: x.tries,
      ...(outcome.method ? { method: outcome.method } : {}),
    });
    if (x.tries < XAUTH_TRIES) this.askCredentials(sa, s, host);
    else this.sendStatus(sa, s, false, host);
    return true;
  }

  private sendStatus(sa: IkeSa, s: ServerSession, ok: boolean, host: RemoteAccessHost): void {
    const x = s.xauth;
    if (!x) return;
    x.state = 'set';
    x.ok = ok;
    s.deadline = host.now + this.timeout;
    const attributes = [tv(CfgAttr.XAUTH_STATUS, ok ? XauthStatus.OK : XauthStatus.FAIL)];
    this.transact(
      sa,
      host,
      CfgType.ISAKMP_CFG_SET,
      attributes,
      { type: 'xauth', step: 'set', status: ok ? 'OK' : 'FAIL' },
      () => this.statusAcked(sa, s, host),
    );
  }

  private statusAcked(sa: IkeSa, s: ServerSession, host: RemoteAccessHost): void {
    const x = s.xauth;
    if (!x || x.state !== 'set' || this.sessions.get(sa.connId) !== s) return;
    host.emit({ type: 'xauth', connId: sa.connId, peer: sa.peerAddress, step: 'ack' });
    if (!x.ok) {
      const reason = `XAUTH failed for user ${x.username ?? '(none)'} after ${x.tries} ${x.tries === 1 ? 'try' : 'tries'}: ${x.reason ?? 'refused'}`;
      this.fail(sa, host, 'xauth', reason);
      return;
    }
    x.state = 'done';
    this.startConfig(sa, s, host);
  }

  // ------------------------------------------------------------------ server: Mode Config

  private startConfig(sa: IkeSa, s: ServerSession, host: RemoteAccessHost): void {
    const mc = s.plan.modeConfig;
    if (!mc || (!mc.initiate && !mc.respond)) {
      this.finish(sa, s, host);
      return;
    }
    if (mc.initiate && !mc.respond) {
      this.pushAddress(sa, s, host);
      return;
    }
    s.config = 'await';
    setState(sa, 'CONF_ADDR');
    s.deadline = host.now + (mc.initiate ? PULL_GRACE : this.timeout);
    if (!mc.initiate) {
      // `respond` alone: IOS answers a request whenever it comes and does not hold quick mode.
      this.finish(sa, s, host);
    }
  }

  private lease(sa: IkeSa, s: ServerSession, host: RemoteAccessHost): string | undefined {
    if (s.address !== undefined) return s.address;
    const pool = s.plan.modeConfig?.pool;
    const got =
      pool === undefined
        ? { error: 'no `crypto isakmp client configuration address-pool local P` is configured' }
        : host.lease(pool, sa);
    if ('address' in got) {
      s.address = got.address;
      return got.address;
    }
    const reason = `Mode Config for ${sa.peerAddress}: ${got.error}`;
    this.fail(sa, host, 'modeConfig', reason);
    return undefined;
  }

  private pushAddress(sa: IkeSa, s: ServerSession, host: RemoteAccessHost): void {
    const address = this.lease(sa, s, host);
    if (address === undefined) return;
    s.config = 'set';
    s.deadline = host.now + this.timeout;
    setState(sa, 'CONF_ADDR');
    const offer = s.plan.modeConfig?.offer;
    if (!offer) return;
    const push = modeConfigPush(address, offer);
    this.transact(
      sa,
      host,
      CfgType.ISAKMP_CFG_SET,
      push.attributes,
      {
        type: 'modeConfig',
        step: 'set',
        address,
        given: push.given,
        ...(offer.splitAcl !== undefined ? { splitAcl: offer.splitAcl } : {}),
      },
      (ack) => {
        if (this.sessions.get(sa.connId) !== s || s.config !== 'set') return;
        const accepted = ack.attributes.some((a) => a.type === CfgAttr.INTERNAL_IP4_ADDRESS);
        host.emit({
          type: 'modeConfig',
          connId: sa.connId,
          peer: sa.peerAddress,
          step: 'ack',
          address,
          accepted,
        });
        this.finish(sa, s, host);
      },
    );
  }

  /** The client's REQUEST (pull): the address and what else we have of what it asks. */
  private answerRequest(
    sa: IkeSa,
    s: ServerSession,
    request: AttributePayload,
    host: RemoteAccessHost,
    messageId: number,
  ): TransactionAnswer | undefined {
    const mc = s.plan.modeConfig;
    if (!mc?.respond || request.cfgType !== CfgType.ISAKMP_CFG_REQUEST) return undefined;
    // Not before XAUTH is over: the client is not authenticated yet.
    if (s.xauth && s.xauth.state !== 'done') return undefined;
    host.emit({
      type: 'modeConfig',
      connId: sa.connId,
      peer: sa.peerAddress,
      step: 'request',
      attributes: names(request.attributes),
    });
    const address = this.lease(sa, s, host);
    if (address === undefined) return undefined;
    const reply = modeConfigReply(request.attributes, address, mc.offer);
    host.emit({
      type: 'modeConfig',
      connId: sa.connId,
      peer: sa.peerAddress,
      step: 'reply',
      messageId,
      address,
      attributes: names(reply.attributes),
      given: reply.given,
      ...(mc.offer.splitAcl !== undefined ? { splitAcl: mc.offer.splitAcl } : {}),
    });
    s.config = 'done';
    return { attributes: reply.attributes, after: () => this.finish(sa, s, host) };
  }

  private finish(sa: IkeSa, s: Session, host: RemoteAccessHost): void {
    if (s.done) return;
    s.done = true;
    if (s.role === 'server' && s.config !== 'await') s.config = 'done';
    setState(sa, 'QM_IDLE');
    host.ready(sa);
  }

  // ------------------------------------------------------------------ both: the peer's transactions

  /** The peer started a transaction (REQUEST or SET): our answer, or undefined to drop it. */
  respond(
    sa: IkeSa,
    request: AttributePayload,
    host: RemoteAccessHost,
    messageId: number,
  ): TransactionAnswer | undefined {
    const s = this.sessions.get(sa.connId);
    if (!s) return undefined;
    if (s.role === 'server') return this.answerRequest(sa, s, request, host, messageId);
    return this.clientRespond(sa, s, request, host);
  }

  // ------------------------------------------------------------------ client

  private clientRespond(
    sa: IkeSa,
    s: ClientSession,
    request: AttributePayload,
    host: RemoteAccessHost,
  ): TransactionAnswer | undefined {
    const base = { connId: sa.connId, peer: sa.peerAddress } as const;
    if (request.cfgType === CfgType.ISAKMP_CFG_REQUEST && attr(request, CfgAttr.XAUTH_USER_NAME)) {
      if (s.xauth === 'done') return undefined;
      const creds = s.options.credentials(sa.peerAddress);
      host.emit({ type: 'xauth', ...base, step: 'asked', attributes: names(request.attributes) });
      s.xauth = 'status';
      s.deadline = host.now + this.timeout;
      if (!creds) return { attributes: [tv(CfgAttr.XAUTH_STATUS, XauthStatus.FAIL)] };
      const type = attr(request, CfgAttr.XAUTH_TYPE)?.value ?? XauthType.GENERIC;
      return {
        attributes: [
          ...(attr(request, CfgAttr.XAUTH_TYPE)
            ? [tv(CfgAttr.XAUTH_TYPE, typeof type === 'number' ? type : 0)]
            : []),
          tlv(CfgAttr.XAUTH_USER_NAME, new TextEncoder().encode(creds.username)),
          tlv(CfgAttr.XAUTH_USER_PASSWORD, new TextEncoder().encode(creds.password)),
        ],
      };
    }
    const status = attr(request, CfgAttr.XAUTH_STATUS);
    if (request.cfgType === CfgType.ISAKMP_CFG_SET && status) {
      if (s.xauth === 'done') return undefined;
      const ok = status.value === XauthStatus.OK;
      host.emit({ type: 'xauth', ...base, step: 'status', status: ok ? 'OK' : 'FAIL' });
      return {
        attributes: [tv(CfgAttr.XAUTH_STATUS, ok ? XauthStatus.OK : XauthStatus.FAIL)],
        after: () => {
          if (this.sessions.get(sa.connId) !== s) return;
          if (!ok) {
            this.fail(sa, host, 'xauth', 'XAUTH refused by the gateway');
            return;
          }
          s.xauth = 'done';
          this.clientConfig(sa, s, host);
        },
      };
    }
    const pushed = attr(request, CfgAttr.INTERNAL_IP4_ADDRESS);
    if (request.cfgType === CfgType.ISAKMP_CFG_SET && pushed && s.xauth === 'done' && s.config !== 'done') {
      const address = ipv4Of(pushed.value);
      if (address === undefined) return undefined;
      s.address = address;
      s.received = receivedOf(request.attributes);
      s.config = 'done';
      host.emit({ type: 'modeConfig', ...base, step: 'assigned', address, received: s.received });
      return {
        attributes: [tlv(CfgAttr.INTERNAL_IP4_ADDRESS, new Uint8Array(0))],
        after: () => this.finish(sa, s, host),
      };
    }
    return undefined;
  }

  private clientConfig(sa: IkeSa, s: ClientSession, host: RemoteAccessHost): void {
    const mode = s.options.modeConfig;
    if (mode === undefined) {
      this.finish(sa, s, host);
      return;
    }
    setState(sa, 'CONF_ADDR');
    s.deadline = host.now + this.timeout;
    if (mode === 'push') {
      s.config = 'await';
      return;
    }
    s.config = 'request';
    const attributes = CLIENT_REQUEST.map((type) => tlv(type, new Uint8Array(0)));
    this.transact(
      sa,
      host,
      CfgType.ISAKMP_CFG_REQUEST,
      attributes,
      { type: 'modeConfig', step: 'asking' },
      (reply) => {
        // A gateway that pushed its SET meanwhile (strongSwan with `pull = no`) has answered.
        if (this.sessions.get(sa.connId) !== s || s.config === 'done') return;
        const address = ipv4Of(attr(reply, CfgAttr.INTERNAL_IP4_ADDRESS)?.value);
        if (address === undefined) {
          this.fail(sa, host, 'modeConfig', 'Mode Config: the gateway gave no address');
          return;
        }
        s.address = address;
        s.received = receivedOf(reply.attributes);
        s.config = 'done';
        host.emit({
          type: 'modeConfig',
          connId: sa.connId,
          peer: sa.peerAddress,
          step: 'assigned',
          address,
          received: s.received,
        });
        this.finish(sa, s, host);
      },
    );
  }
}

/**
 * The client group the peer authenticated into: the ID_KEY_ID of aggressive mode, when that
 * group has a key (so phase 1 was authenticated with it; see phase1.ts authenticatorFor).
 */
function groupOf(sa: IkeSa, config: RouterConfig): string | undefined {
  const id = sa.peerIdentity;
  if (id === undefined || id.idType !== IdType.KEY_ID) return undefined;
  const name = Buffer.from(id.data).toString('utf8');
  return pskByGroup(config, name) !== undefined ? name : undefined;
}

function setState(sa: IkeSa, state: IsakmpState): void {
  sa.isakmp = state;
}
