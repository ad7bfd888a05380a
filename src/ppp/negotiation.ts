// The option negotiation automaton LCP and IPCP share (RFC 1661 §4), reduced to the states a
// link opened by both ends at once passes through: Req-Sent, Ack-Rcvd, Ack-Sent, Opened,
// Closing, Stopped. The restart timer is a deadline the session advances (sans-I/O).

import { CpCode, type CpOption, type CpPacket, decodeOptions, encodeOptions } from './cp.js';

export type NegotiationState =
  'initial' | 'req-sent' | 'ack-rcvd' | 'ack-sent' | 'opened' | 'closing' | 'stopped';

export type PeerVerdict =
  { readonly verdict: 'ack' } | { readonly verdict: 'nak' | 'reject'; readonly options: readonly CpOption[] };

/** What a protocol says about options (the only part LCP and IPCP do not share). */
export interface OptionPolicy {
  /** Our Configure-Request as it stands. */
  request(): CpOption[];
  /** The peer's Configure-Request: acknowledge it, or the options to Nak or Reject. */
  peerRequest(options: readonly CpOption[]): PeerVerdict;
  /** The peer Nak'ed (suggested values) or rejected options of ours; false: give up. */
  nak(options: readonly CpOption[]): boolean;
  reject(options: readonly CpOption[]): boolean;
}

/** RFC 1661 §4.6 defaults. */
export const RESTART_SECONDS = 3;
const MAX_CONFIGURE = 10;
const MAX_TERMINATE = 2;
const MAX_FAILURE = 5;

export interface NegotiationOutput {
  send(packet: CpPacket): void;
  up(): void;
  down(reason: string): void;
}

export class Negotiation {
  private stateNow: NegotiationState = 'initial';
  private identifier = 0;
  private lastRequestId = -1;
  private retries = 0;
  private naks = 0;
  private deadline: number | undefined;

  constructor(
    private readonly policy: OptionPolicy,
    private readonly out: NegotiationOutput,
  ) {}

  get state(): NegotiationState {
    return this.stateNow;
  }

  get nextDeadline(): number | undefined {
    return this.deadline;
  }

  open(now: number): void {
    this.retries = MAX_CONFIGURE;
    this.sendRequest(now);
    this.stateNow = 'req-sent';
  }

  close(now: number, reason: string): void {
    if (this.stateNow === 'closing' || this.stateNow === 'stopped' || this.stateNow === 'initial') return;
    const wasOpen = this.stateNow === 'opened';
    this.stateNow = 'closing';
    this.retries = MAX_TERMINATE;
    this.out.send({ code: CpCode.TerminateRequest, identifier: this.nextId(), data: Buffer.from(reason) });
    this.deadline = now + RESTART_SECONDS;
    if (wasOpen) this.out.down(reason);
  }

  tick(now: number): void {
    if (this.deadline === undefined || now < this.deadline) return;
    if (this.retries <= 0) {
      this.deadline = undefined;
      const was = this.stateNow;
      this.stateNow = 'stopped';
      if (was !== 'closing') this.out.down('no answer to Configure-Request');
      return;
    }
    if (this.stateNow === 'closing') {
      this.retries--;
      this.out.send({ code: CpCode.TerminateRequest, identifier: this.nextId(), data: new Uint8Array(0) });
      this.deadline = now + RESTART_SECONDS;
      return;
    }
    if (this.stateNow === 'opened' || this.stateNow === 'stopped') {
      this.deadline = undefined;
      return;
    }
    if (this.stateNow === 'ack-rcvd') this.stateNow = 'req-sent';
    this.sendRequest(now);
  }

  /** A packet of this protocol; false when the code is not one the automaton handles. */
  receive(p: CpPacket, now: number): boolean {
    switch (p.code) {
      case CpCode.ConfigureRequest:
        this.onRequest(p, now);
        return true;
      case CpCode.ConfigureAck:
        if (p.identifier !== this.lastRequestId) return true; // §5.2: a stale Ack is discarded
        this.onAck(now);
        return true;
      case CpCode.ConfigureNak:
      case CpCode.ConfigureReject: {
        if (p.identifier !== this.lastRequestId) return true;
        const options = decodeOptions(p.data);
        const ok = p.code === CpCode.ConfigureNak ? this.policy.nak(options) : this.policy.reject(options);
        if (!ok) {
          this.close(now, 'options refused');
          return true;
        }
        if (this.stateNow === 'opened') this.out.down('renegotiation');
        if (this.stateNow !== 'ack-sent') this.stateNow = 'req-sent';
        this.retries = MAX_CONFIGURE;
        this.sendRequest(now);
        return true;
      }
      case CpCode.TerminateRequest: {
        this.out.send({ code: CpCode.TerminateAck, identifier: p.identifier, data: new Uint8Array(0) });
        const was = this.stateNow;
        this.stateNow = 'stopped';
        this.deadline = undefined;
        if (was !== 'stopped' && was !== 'closing') this.out.down('peer sent Terminate-Request');
        return true;
      }
      case CpCode.TerminateAck:
        if (this.stateNow === 'closing') {
          this.stateNow = 'stopped';
          this.deadline = undefined;
        }
        return true;
      default:
        return false;
    }
  }

  private onRequest(p: CpPacket, now: number): void {
    const verdict = this.policy.peerRequest(decodeOptions(p.data));
    if (this.stateNow === 'opened') {
      // §4.1 RCR in Opened: this-layer-down, send our request again
      this.out.down('peer renegotiates');
      this.retries = MAX_CONFIGURE;
      this.sendRequest(now);
      this.stateNow = 'req-sent';
    }
    if (verdict.verdict === 'ack') {
      this.out.send({ code: CpCode.ConfigureAck, identifier: p.identifier, data: p.data });
      if (this.stateNow === 'ack-rcvd') this.opened();
      else if (this.stateNow === 'req-sent' || this.stateNow === 'ack-sent') this.stateNow = 'ack-sent';
      return;
    }
    // §4.6 Max-Failure: Naks turn into Rejects after five rounds
    const code =
      verdict.verdict === 'nak' && ++this.naks <= MAX_FAILURE ? CpCode.ConfigureNak : CpCode.ConfigureReject;
    this.out.send({ code, identifier: p.identifier, data: encodeOptions(verdict.options) });
    if (this.stateNow === 'ack-sent') this.stateNow = 'req-sent';
  }

  private onAck(now: number): void {
    this.retries = MAX_CONFIGURE;
    if (this.stateNow === 'req-sent') {
      this.stateNow = 'ack-rcvd';
      this.deadline = now + RESTART_SECONDS;
    } else if (this.stateNow === 'ack-sent') {
      this.opened();
    }
  }

  private opened(): void {
    this.stateNow = 'opened';
    this.deadline = undefined;
    this.out.up();
  }

  private sendRequest(now: number): void {
    this.retries--;
    this.lastRequestId = this.nextId();
    this.out.send({
      code: CpCode.ConfigureRequest,
      identifier: this.lastRequestId,
      data: encodeOptions(this.policy.request()),
    });
    this.deadline = now + RESTART_SECONDS;
  }

  private nextId(): number {
    this.identifier = (this.identifier + 1) & 0xff;
    return this.identifier;
  }
}
