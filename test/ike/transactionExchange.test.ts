// The generic exchange path, proved with a task that is no product feature: a transaction
// exchange (type 6, draft-dukes-ike-mode-cfg §3.2) that echoes one Mode Config attribute
// under HASH = prf(SKEYID_a, M-ID | Attributes), registered with one line of options, between
// two engines over an established IKE SA. The HASH is computed here with node's HMAC, not
// with the engine's helper, so the responder's check meets an independent reading.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import {
  encodePayloads,
  payloadsOfType,
  tlv,
  type AttributePayload,
  type Payload,
} from '../../src/wire/index.js';
import { CfgAttr, CfgType } from '../../src/wire/constants/modeConfig.js';
import { ExchangeType, PayloadType } from '../../src/ike/constants.js';
import type { ExchangeInput, ExchangeRegistration, InitiatorTask } from '../../src/ike/exchange.js';
import type { IkeSa } from '../../src/ike/ikeSa.js';
import type { QmStep } from '../../src/ike/quickMode.js';
import type { TaskResult } from '../../src/ike/task.js';
import { chapterConfigs, eventsOf, Lab } from './harness.js';

const VERSION = new TextEncoder().encode('echo test 1.0');

/** [HASH, ATTR] with the draft's HASH over M-ID | ATTR; `tamper` flips a bit of the HASH. */
function hashed(sa: IkeSa, messageId: number, attr: AttributePayload, tamper = false): Payload[] {
  const keys = sa.keys;
  if (!keys) throw new Error('no SKEYID_a');
  const mid = Buffer.alloc(4);
  mid.writeUInt32BE(messageId);
  const h = createHmac(sa.hash, keys.a)
    .update(mid)
    .update(encodePayloads([attr]).bytes)
    .digest();
  if (tamper) h[0] = (h[0] ?? 0) ^ 1;
  return [{ type: PayloadType.HASH, data: new Uint8Array(h) }, attr];
}

function versionAttr(cfgType: number, identifier: number, value: Uint8Array): AttributePayload {
  return {
    type: PayloadType.ATTR,
    cfgType,
    identifier,
    attributes: [tlv(CfgAttr.APPLICATION_VERSION, value)],
  };
}

/** Initiator: REQUEST(APPLICATION_VERSION = VERSION); responder: REPLY with the same value. */
class EchoTask implements InitiatorTask {
  finished = false;
  echoed?: Uint8Array;

  constructor(
    private readonly sa: IkeSa,
    readonly messageId: number,
    readonly role: 'initiator' | 'responder',
    private readonly tamper = false,
  ) {}

  begin(): TaskResult<QmStep> {
    const send = hashed(
      this.sa,
      this.messageId,
      versionAttr(CfgType.ISAKMP_CFG_REQUEST, 7, VERSION),
      this.tamper,
    );
    return { status: 'needMore', step: { send, expectReply: true } };
  }

  receive(_ctx: unknown, input: ExchangeInput): TaskResult<QmStep> | undefined {
    const [attr] = payloadsOfType(input.payloads ?? [], PayloadType.ATTR);
    const value = attr?.attributes.find((a) => a.type === CfgAttr.APPLICATION_VERSION)?.value;
    if (!attr || !(value instanceof Uint8Array)) return undefined;
    if (this.role === 'initiator') {
      if (attr.cfgType !== CfgType.ISAKMP_CFG_REPLY || attr.identifier !== 7) return undefined;
      this.echoed = value;
      this.finished = true;
      return { status: 'success', step: {} };
    }
    if (attr.cfgType !== CfgType.ISAKMP_CFG_REQUEST) return undefined;
    this.echoed = value;
    this.finished = true;
    const reply = versionAttr(CfgType.ISAKMP_CFG_REPLY, attr.identifier, value);
    return { status: 'success', step: { send: hashed(this.sa, this.messageId, reply) } };
  }
}

function established(responders: EchoTask[]): Lab {
  const registration: ExchangeRegistration = {
    name: 'transaction',
    iv: 'chain',
    hashed: true,
    responder: (sa, mid) => {
      const t = new EchoTask(sa, mid, 'responder');
      responders.push(t);
      return t;
    },
  };
  const { a, b } = chapterConfigs();
  const exchanges = new Map([[ExchangeType.TRANSACTION, registration]]);
  const lab = new Lab({ config: a, exchanges }, { config: b, exchanges });
  lab.acquire('a');
  lab.run(5);
  assert.equal(lab.a.installed.length, 1, 'phase 1 and quick mode up');
  return lab;
}

function start(lab: Lab, tamper = false): EchoTask | undefined {
  const connId = lab.a.engine.listIkeSas(lab.now)[0]?.connId;
  assert.ok(connId !== undefined);
  let ours: EchoTask | undefined;
  lab.apply(
    lab.a,
    lab.a.engine.startExchange(
      connId,
      ExchangeType.TRANSACTION,
      (sa, mid) => (ours = new EchoTask(sa, mid, 'initiator', tamper)),
      lab.now,
    ),
  );
  return ours;
}

test('a registered transaction task completes between two engines over an established IKE SA', () => {
  const responders: EchoTask[] = [];
  const lab = established(responders);
  const ours = start(lab);
  lab.run(lab.now + 2);
  assert.equal(responders.length, 1, 'the responder made one task for the new message ID');
  assert.deepEqual(responders[0]?.echoed, VERSION);
  assert.deepEqual(ours?.echoed, VERSION, 'the initiator got the value back');
  const packets = eventsOf(lab.b, 'packet').filter((p) => p.messageId === ours?.messageId);
  assert.deepEqual(
    packets.map((p) => [p.direction, p.payloads.join(',')]),
    [
      ['received', 'HASH,CP'],
      ['sent', 'HASH,CP'],
    ],
  );
  // Answered: nothing is retransmitted, and the task is gone from the SA.
  lab.run(lab.now + 30);
  assert.equal(eventsOf(lab.a, 'retransmit').length, 0);
  assert.equal(responders.length, 1);
});

test('a transaction message whose HASH does not verify is dropped before the task sees it', () => {
  const responders: EchoTask[] = [];
  const lab = established(responders);
  start(lab, true);
  lab.run(lab.now + 0.5);
  assert.equal(responders.length, 1, 'a task was made for the message ID');
  assert.equal(responders[0]?.echoed, undefined, 'but it never ran');
  assert.ok(eventsOf(lab.b, 'drop').some((d) => d.reason === 'transaction HASH invalid'));
});
