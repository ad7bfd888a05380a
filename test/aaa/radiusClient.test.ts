// The RADIUS client's handling of what comes back, over a scripted socket (the replies are
// signed here with the codec's signReply; FreeRADIUS is the oracle in radius.test.ts).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AaaDatagramSocket, AaaIo, DatagramSource } from '../../src/aaa/io.js';
import { radiusMethod } from '../../src/aaa/radius.js';
import {
  RadiusAttr,
  attributesOf,
  decodeRadius,
  encodeRadius,
  signReply,
} from '../../src/aaa/radiusPacket.js';

const SECRET = 'scripted secret';
const SERVER = { host: '192.0.2.1', port: 1645, secret: SECRET, timeoutMs: 150, retransmit: 1 };

type Script = (request: Uint8Array) => { data: Uint8Array; from?: DatagramSource }[];

/** A socket whose server answers each request with what `script` returns. */
function scriptedIo(script: Script, localAddress: string | undefined, sent: Uint8Array[] = []): AaaIo {
  return {
    randomBytes: (n) => new Uint8Array(n).map((_, i) => i * 17 + 3),
    tcp: () => Promise.reject(new Error('no TCP here')),
    udp(host, port): Promise<AaaDatagramSocket> {
      let onMessage: (data: Uint8Array, from: DatagramSource) => void = () => undefined;
      return Promise.resolve({
        localAddress,
        send(data) {
          sent.push(data);
          for (const r of script(data))
            setImmediate(() => onMessage(r.data, r.from ?? { address: host, port }));
        },
        onMessage: (h) => {
          onMessage = h;
        },
        onError: () => undefined,
        close: () => undefined,
      });
    },
  };
}

function reply(request: Uint8Array, code: number, message?: string): Uint8Array {
  const req = decodeRadius(request);
  const attributes =
    message !== undefined ? [{ type: RadiusAttr.ReplyMessage, value: Buffer.from(message) }] : [];
  const unsigned = encodeRadius({
    code,
    identifier: req.identifier,
    authenticator: new Uint8Array(16),
    attributes,
  });
  return signReply(unsigned, req.authenticator, Buffer.from(SECRET));
}

test('a reply from another address or port is dropped; the one from the server counts', async () => {
  const io = scriptedIo(
    (req) => [
      { data: reply(req, 2), from: { address: '192.0.2.66', port: 1645 } },
      { data: reply(req, 2), from: { address: '192.0.2.1', port: 1646 } },
      { data: reply(req, 3, 'no') },
    ],
    undefined,
  );
  assert.deepEqual(await radiusMethod('group radius', [SERVER], 'gw', io).authenticate('alice', 'pw'), {
    kind: 'reject',
    reason: 'Access-Reject: no',
  });
});

test('only forged or malformed replies: an error saying what the last one was', async () => {
  const forged = scriptedIo(
    (req) => [{ data: Uint8Array.of(2, ...reply(req, 2).subarray(1, 4), ...new Uint8Array(16)) }],
    undefined,
  );
  const out = await radiusMethod('group radius', [SERVER], 'gw', forged).authenticate('alice', 'pw');
  assert.deepEqual(out, {
    kind: 'error',
    reason:
      'no RADIUS server answered (192.0.2.1:1645 no valid reply after 2 tries, last reply dropped: bad Response Authenticator (wrong shared secret?))',
  });
  const short = scriptedIo(() => [{ data: Uint8Array.of(2, 0, 0) }], undefined);
  const out2 = await radiusMethod('group radius', [SERVER], 'gw', short).authenticate('alice', 'pw');
  assert.match(out2.kind === 'error' ? out2.reason : '', /last reply dropped: malformed reply: truncated/);
});

test('an Access-Challenge is a reject (this login cannot answer it), with its Reply-Message', async () => {
  const io = scriptedIo((req) => [{ data: reply(req, 11, 'Enter PIN') }], undefined);
  assert.deepEqual(await radiusMethod('group radius', [SERVER], 'gw', io).authenticate('alice', 'pw'), {
    kind: 'reject',
    reason: 'Access-Challenge, which this login cannot answer: Enter PIN',
  });
});

test('NAS-Identifier is the hostname when the source address is unknown; control characters in a Reply-Message are masked', async () => {
  const sent: Uint8Array[] = [];
  const io = scriptedIo((req) => [{ data: reply(req, 3, 'bad\r\nInjected: line') }], undefined, sent);
  const out = await radiusMethod('group radius', [SERVER], 'vpn-gw', io).authenticate('alice', 'pw');
  assert.deepEqual(out, { kind: 'reject', reason: 'Access-Reject: bad??Injected: line' });
  const req = decodeRadius(sent[0]!);
  assert.deepEqual(
    attributesOf(req, RadiusAttr.NasIdentifier).map((v) => Buffer.from(v).toString()),
    ['vpn-gw'],
  );
  assert.equal(attributesOf(req, RadiusAttr.NasIpAddress).length, 0);
  assert.deepEqual(attributesOf(req, RadiusAttr.NasPortType), [Uint8Array.of(0, 0, 0, 5)]);
});
