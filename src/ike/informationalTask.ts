// The informational exchange's processing side (RFC 2408 §4.8, RFC 2409 §5.7), as a task
// beside main_mode/quick_mode (DPD's notifies go to dpd.ts): deletes and notifies that arrive
// protected by HASH(1) act on state; clear ones are reported and never tear down
// authenticated state (RFC 2408 §5.15). The manager decrypts and verifies, this decides.

import { payloadsOfType, type DeletePayload, type NotificationPayload, type Payload } from '../wire/index.js';
import { notifyName, NotifyType, PayloadType, ProtocolId } from './constants.js';
import type { IkeEvent } from './events.js';
import type { IkeSa } from './ikeSa.js';
import { invalidSpiOf } from './invalidSpi.js';
import { spiNumber } from './ipsecTransforms.js';
import type { ExchangeInput, ExchangeTask } from './exchange.js';
import { CONNECTED, type QmStep, type QuickMode, type QuickModeContext } from './quickMode.js';
import type { TaskResult } from './task.js';

/** What the informational task may do to the manager's tables. */
export interface InformationalHost {
  readonly now: number;
  emit(e: IkeEvent): void;
  drop(connId: number, peer: string, reason: string): void;
  deleteIkeSa(sa: IkeSa, reason: string): void;
  ikeSaByCookie(ckyI: Uint8Array): IkeSa | undefined;
  ikeSasWithPeer(peer: string): readonly IkeSa[];
  /** Removes installed IPsec SA pairs with the peer whose outbound SPI is listed (no DELETE back). */
  removeIpsecByOutbound(
    peer: string,
    protocol: 'esp' | 'ah',
    spis: ReadonlySet<number>,
    reason: string,
  ): void;
  /** R-U-THERE or R-U-THERE-ACK: DPD's (dpd.ts). */
  dpdNotify(sa: IkeSa, notifyType: number, data: Uint8Array): void;
  quickModesOf(sa: IkeSa): readonly QuickMode[];
  /** CONNECTED arrived: the quick mode may install now (commit bit). */
  connected(sa: IkeSa, node: QuickMode): void;
  abortQuickMode(sa: IkeSa, node: QuickMode, reason: string): void;
  /** The peer says it has no SA for our outbound SPI (INVALID-SPI): remove it, renegotiate. */
  peerInvalidSpi(sa: IkeSa, protocol: 'esp' | 'ah', spi: number): void;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

export class Informational {
  constructor(private readonly host: InformationalHost) {}

  /** A clear informational: report its notifies; only a half-open negotiation may end on one. */
  processClear(sa: IkeSa | undefined, payloads: readonly Payload[], source: string): void {
    const h = this.host;
    let reported = 0;
    const ignored = payloads.filter((p) => p.type !== PayloadType.N).length;
    if (ignored > 0)
      h.drop(sa?.connId ?? 0, source, `unauthenticated informational: ${ignored} payload(s) ignored`);
    for (const n of payloadsOfType(payloads, PayloadType.N)) {
      reported++;
      const name = notifyName(n.notifyType);
      h.emit({
        type: 'notifyReceived',
        connId: sa?.connId ?? 0,
        notify: name,
        authenticated: false,
        protocol: n.protocolId,
      });
      if (sa && !sa.authenticated && n.notifyType < 8192 && source === sa.peerAddress) {
        this.phase1Refused(sa, name, false);
        return;
      }
    }
    if (reported === 0 && ignored === 0)
      h.drop(sa?.connId ?? 0, source, 'unauthenticated informational without a valid notify');
  }

  /** The peer did answer: it refused (IOS: "IKMP_MODE_FAILURE"), it is not unreachable. */
  private phase1Refused(sa: IkeSa, name: string, authenticated: boolean): void {
    this.host.emit({
      type: 'peerRefused',
      connId: sa.connId,
      peer: sa.peerAddress,
      messageId: 0,
      notify: name,
      authenticated,
    });
    this.host.deleteIkeSa(sa, `peer sent ${name}`);
  }

  /** A verified informational before phase 1 completed: an error notify or a DELETE ends it. */
  processDuringPhase1(sa: IkeSa, payloads: readonly Payload[]): void {
    for (const p of payloads) {
      if (p.type === PayloadType.D) this.processDelete(sa, p);
      else if (p.type === PayloadType.N) {
        const name = notifyName(p.notifyType);
        this.host.emit({
          type: 'notifyReceived',
          connId: sa.connId,
          notify: name,
          authenticated: true,
          protocol: p.protocolId,
        });
        if (p.notifyType < 8192) this.phase1Refused(sa, name, true);
      }
      if (sa.deleted) return;
    }
  }

  /** Payloads of a verified informational (HASH(1) already checked). */
  processProtected(sa: IkeSa, payloads: readonly Payload[]): void {
    for (const p of payloads) {
      if (p.type === PayloadType.D) this.processDelete(sa, p);
      else if (p.type === PayloadType.N) this.processNotify(sa, p);
      if (sa.deleted) return;
    }
  }

  private processDelete(sa: IkeSa, del: DeletePayload): void {
    const h = this.host;
    h.emit({ type: 'processing', connId: sa.connId, payload: 'DELETE', messageId: 0 });
    if (del.protocolId === ProtocolId.ISAKMP) {
      h.emit({ type: 'deleteReceived', connId: sa.connId, protocol: 'isakmp', spis: del.spis.map(hex) });
      for (const spi of del.spis) {
        const target = h.ikeSaByCookie(spi.subarray(0, 8));
        if (target && target.peerAddress === sa.peerAddress) h.deleteIkeSa(target, 'peer deleted the IKE SA');
      }
      return;
    }
    if (del.protocolId !== ProtocolId.AH && del.protocolId !== ProtocolId.ESP) {
      // RFC 2408 §5.15 (2): a Protocol-Id we do not support; nothing of ours to delete.
      h.drop(sa.connId, sa.peerAddress, `DELETE for protocol ${del.protocolId}`);
      return;
    }
    const proto = del.protocolId === ProtocolId.AH ? 'ah' : 'esp';
    h.emit({ type: 'deleteReceived', connId: sa.connId, protocol: proto, spis: del.spis.map(hex) });
    // The peer names its inbound SPIs: our outbound ones. The pair goes in both directions.
    h.removeIpsecByOutbound(sa.peerAddress, proto, new Set(del.spis.map(spiNumber)), 'peer sent DELETE');
  }

  private processNotify(sa: IkeSa, n: NotificationPayload): void {
    const h = this.host;
    const name = notifyName(n.notifyType);
    h.emit({
      type: 'notifyReceived',
      connId: sa.connId,
      notify: name,
      authenticated: true,
      protocol: n.protocolId,
    });
    switch (n.notifyType) {
      case NotifyType.R_U_THERE:
      case NotifyType.R_U_THERE_ACK:
        h.dpdNotify(sa, n.notifyType, n.data);
        return;
      case NotifyType.INITIAL_CONTACT:
        for (const other of h.ikeSasWithPeer(sa.peerAddress))
          if (other !== sa) h.deleteIkeSa(other, 'INITIAL-CONTACT');
        return;
      case CONNECTED:
        for (const node of h.quickModesOf(sa)) h.connected(sa, node);
        return;
      case NotifyType.INVALID_SPI:
        if (this.invalidSpi(sa, n)) return;
        this.phase2Error(sa, n.spi, name);
        return;
      default:
        if (n.notifyType < 8192) this.phase2Error(sa, n.spi, name);
    }
  }

  /** INVALID-SPI naming one of our installed outbound SPIs; false if it names none. */
  private invalidSpi(sa: IkeSa, n: NotificationPayload): boolean {
    if (n.protocolId !== ProtocolId.ESP && n.protocolId !== ProtocolId.AH) return false;
    const spi = invalidSpiOf(n.spi, n.data);
    if (spi === undefined) return false;
    const pending = this.host
      .quickModesOf(sa)
      .some((q) => q.role === 'initiator' && q.state === 'IKE_QM_I_QM1' && q.ourSpis.includes(spi));
    if (pending) return false;
    this.host.peerInvalidSpi(sa, n.protocolId === ProtocolId.AH ? 'ah' : 'esp', spi);
    return true;
  }

  /**
   * An authenticated error about one of our quick modes ends it now, instead of retransmitting
   * into a refusal. The notify's SPI (RFC 2408 §3.14) names the quick mode when it is one of
   * ours; strongSwan sends SPI 0 (size 4) when it refused before choosing a proposal, and as
   * we cannot tell which was refused, every quick mode waiting on this IKE SA ends (traffic
   * asks again for the others).
   */
  private phase2Error(sa: IkeSa, spiField: Uint8Array, name: string): void {
    const h = this.host;
    const spi = spiField.length === 4 ? spiNumber(spiField) : 0;
    for (const node of h.quickModesOf(sa)) {
      if (node.role !== 'initiator' || node.state !== 'IKE_QM_I_QM1') continue;
      if (spi !== 0 && !node.ourSpis.includes(spi)) continue;
      h.emit({
        type: 'peerRefused',
        connId: sa.connId,
        peer: sa.peerAddress,
        messageId: node.messageId,
        notify: name,
        authenticated: true,
      });
      h.abortQuickMode(sa, node, `peer sent ${name}`);
    }
  }
}

/**
 * One protected informational as a task of the generic receive path: a one-message exchange,
 * never answered (RFC 2408 §5), whose payloads act on state once HASH(1) is verified.
 */
export class InformationalExchange implements ExchangeTask {
  readonly role = 'responder';
  readonly finished = false;

  constructor(
    private readonly sa: IkeSa,
    readonly messageId: number,
    private readonly informational: Informational,
  ) {}

  receive(_ctx: QuickModeContext, input: ExchangeInput): TaskResult<QmStep> {
    this.informational.processProtected(this.sa, input.payloads ?? []);
    return { status: 'success', step: {} };
  }
}
