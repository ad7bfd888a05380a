// The transaction exchange (draft-dukes-ike-mode-cfg-02 §3.2, exchange type 6) that XAUTH
// and Mode Config run on, after phase 1 and under its keys: one Attribute payload behind
// HASH = prf(SKEYID_a, M-ID | ATTR) (§3.3). A REQUEST is answered by a REPLY and a SET by an
// ACK, with the same identifier, under the same message ID; each pair is its own exchange.

import { CfgType } from '../wire/constants/modeConfig.js';
import { payloadsOfType, type Attribute, type AttributePayload } from '../wire/index.js';
import { PayloadType } from './constants.js';
import type { ExchangeInput, ExchangeRegistration, ExchangeTask, InitiatorTask } from './exchange.js';
import type { IkeSa } from './ikeSa.js';
import { protect } from './informational.js';
import type { QmStep } from './quickMode.js';
import type { TaskResult } from './task.js';

export function attributePayload(
  cfgType: number,
  identifier: number,
  attributes: readonly Attribute[],
): AttributePayload {
  return { type: PayloadType.ATTR, cfgType, identifier, attributes };
}

/** The one Attribute payload of a verified transaction message (the HASH is already checked). */
function attributesOf(input: ExchangeInput): AttributePayload | undefined {
  const found = payloadsOfType(input.payloads ?? [], PayloadType.ATTR);
  return found.length === 1 ? found[0] : undefined;
}

/** REQUEST is answered by REPLY, SET by ACK (draft-dukes §3.2). */
function answerType(cfgType: number): number | undefined {
  if (cfgType === CfgType.ISAKMP_CFG_REQUEST) return CfgType.ISAKMP_CFG_REPLY;
  if (cfgType === CfgType.ISAKMP_CFG_SET) return CfgType.ISAKMP_CFG_ACK;
  return undefined;
}

/** One transaction of ours: the REQUEST or SET goes out (and is retransmitted), the answer comes back. */
export class TransactionRequest implements InitiatorTask {
  finished = false;
  readonly role = 'initiator';

  constructor(
    private readonly sa: IkeSa,
    readonly messageId: number,
    readonly request: AttributePayload,
    /** Runs once the answer is taken, after the manager has settled the message. */
    private readonly onAnswer: (answer: AttributePayload) => void,
  ) {}

  begin(): TaskResult<QmStep> {
    return {
      status: 'needMore',
      step: { send: protect(this.sa, this.messageId, [this.request]), expectReply: true },
    };
  }

  receive(_ctx: unknown, input: ExchangeInput): TaskResult<QmStep> | undefined {
    const answer = attributesOf(input);
    if (
      this.finished ||
      answer === undefined ||
      answer.cfgType !== answerType(this.request.cfgType) ||
      // strongSwan answers with identifier 0 (5.9.8 xauth.c and mode_config.c never copy it):
      // the message ID already ties the answer to its request.
      (answer.identifier !== this.request.identifier && answer.identifier !== 0)
    )
      return undefined;
    this.finished = true;
    return { status: 'success', step: { after: () => this.onAnswer(answer) } };
  }
}

/** What we answer to the peer's REQUEST or SET, and what to do once the answer is out. */
export interface TransactionAnswer {
  readonly attributes: readonly Attribute[];
  readonly after?: () => void;
}

/** The peer's transaction: its REQUEST or SET in, our REPLY or ACK out. */
class TransactionResponse implements ExchangeTask {
  finished = false;
  readonly role = 'responder';

  constructor(
    private readonly sa: IkeSa,
    readonly messageId: number,
    private readonly respond: Responder,
  ) {}

  receive(_ctx: unknown, input: ExchangeInput): TaskResult<QmStep> | undefined {
    const request = attributesOf(input);
    const replyType = request === undefined ? undefined : answerType(request.cfgType);
    if (this.finished || request === undefined || replyType === undefined) return undefined;
    const answer = this.respond(this.sa, request, this.messageId);
    if (answer === undefined) return undefined;
    this.finished = true;
    const reply = attributePayload(replyType, request.identifier, answer.attributes);
    return {
      status: 'success',
      step: {
        send: protect(this.sa, this.messageId, [reply]),
        ...(answer.after ? { after: answer.after } : {}),
      },
    };
  }
}

/** Answers the peer's REQUEST or SET that came under `messageId` (the debug lines name it). */
type Responder = (sa: IkeSa, request: AttributePayload, messageId: number) => TransactionAnswer | undefined;

/** The transaction exchange's registration; `respond` answers what the peer starts. */
export function transactionExchange(respond: Responder): ExchangeRegistration {
  return {
    name: 'transaction',
    iv: 'chain',
    hashed: true,
    responder: (sa, messageId) => new TransactionResponse(sa, messageId, respond),
  };
}
