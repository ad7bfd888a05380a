// PPP authentication through RADIUS (`aaa authentication ppp default radius`): our PPP
// client and LNS-side PPP in memory, the LNS's CHAP and MS-CHAPv2 answers checked by
// FreeRADIUS 3.2 on loopback (CHAP-Password/CHAP-Challenge, RFC 2865 §5.3, §5.40; Microsoft
// MS-CHAP-Challenge/MS-CHAP2-Response and the MS-CHAP2-Success back, RFC 2548 §2.3).

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { nodeAaaIo } from '../../src/aaa/io.js';
import type { ChapCredentials, ChapOutcome, LoginMethod } from '../../src/aaa/method.js';
import { radiusMethod } from '../../src/aaa/radius.js';
import {
  MsAttr,
  VENDOR_MICROSOFT,
  chapAttributes,
  chapOutcomeOf,
  vendorAttribute,
  vendorAttributesOf,
} from '../../src/aaa/radiusChap.js';
import { RadiusAttr, RadiusCode, type RadiusPacket } from '../../src/aaa/radiusPacket.js';
import { type PppAction, type PppAuth, PppSession } from '../../src/ppp/session.js';
import { type Freeradius, freeradiusSkipReason, startFreeradius } from './freeradius.js';

const skip = freeradiusSkipReason();
if (skip !== undefined) console.log(`# skipped: PPP authentication via FreeRADIUS: ${skip}`);

const SECRET = 'ppp-radius-secret';
const USER = { name: 'munchkin', password: 'ozgreen' };

interface Call {
  readonly serverUp: boolean;
  readonly clientUp: boolean;
  readonly clientLog: readonly string[];
  readonly downs: readonly string[];
  readonly outcomes: readonly ChapOutcome[];
}

/**
 * Our PPP client against a PPP server whose `authenticate` goes to `method` (the answer
 * possibly rewritten on the way by `rewrite`), frames passed until both are quiet.
 */
async function call(
  auth: PppAuth,
  password: string,
  method: LoginMethod,
  rewrite: (o: ChapOutcome) => ChapOutcome = (o) => o,
): Promise<Call> {
  const server = new PppSession(
    { role: 'server', auth: [auth], localAddress: '10.0.0.7', addressFor: () => '192.168.2.10', name: 'LNS' },
    (n) => randomBytes(n),
  );
  const client = new PppSession({ role: 'client', username: USER.name, password }, (n) => randomBytes(n));
  const toServer: Uint8Array[] = [];
  const toClient: Uint8Array[] = [];
  const clientLog: string[] = [];
  const downs: string[] = [];
  const outcomes: ChapOutcome[] = [];
  let serverUp = false;
  let clientUp = false;
  let now = 0;
  const handle = async (side: 'server' | 'client', actions: PppAction[]): Promise<void> => {
    for (const a of actions) {
      if (a.kind === 'frame') (side === 'server' ? toClient : toServer).push(a.frame);
      else if (a.kind === 'up') {
        if (side === 'server') serverUp = true;
        else clientUp = true;
      } else if (a.kind === 'down') downs.push(`${side}: ${a.reason}`);
      else if (a.kind === 'log' && side === 'client') clientLog.push(a.text);
      else if (a.kind === 'authenticate') {
        const answer = method.authenticateChap?.(a.credentials) ?? { kind: 'error', reason: 'no CHAP' };
        const outcome = rewrite(await answer);
        outcomes.push(outcome);
        await handle('server', server.authResult(outcome, now));
      }
    }
  };
  await handle('client', client.start(now));
  await handle('server', server.start(now));
  for (let i = 0; i < 200 && (toServer.length > 0 || toClient.length > 0); i++) {
    now += 0.01;
    const s = toServer.shift();
    if (s !== undefined) await handle('server', server.receive(s, now));
    const c = toClient.shift();
    if (c !== undefined) await handle('client', client.receive(c, now));
  }
  return { serverUp, clientUp, clientLog, downs, outcomes };
}

test('CHAP-Password is the Identifier and the MD5 response; CHAP-Challenge the challenge (RFC 2865 §5.3, §5.40)', () => {
  const c: ChapCredentials = {
    kind: 'chap-md5',
    username: 'u',
    identifier: 7,
    challenge: Uint8Array.from({ length: 16 }, (_, i) => i),
    response: new Uint8Array(16).fill(0xaa),
  };
  const [password, challenge] = chapAttributes(c);
  assert.equal(password?.type, 3);
  assert.deepEqual([...(password?.value ?? [])], [7, ...new Array<number>(16).fill(0xaa)]);
  assert.equal(challenge?.type, 60);
  assert.deepEqual(challenge?.value, c.challenge);
});

test('MS-CHAPv2 goes in Microsoft VSAs laid out as RFC 2548 §2.3.2 says', () => {
  const c: ChapCredentials = {
    kind: 'mschapv2',
    username: 'u',
    identifier: 9,
    authChallenge: new Uint8Array(16).fill(1),
    peerChallenge: new Uint8Array(16).fill(2),
    ntResponse: new Uint8Array(24).fill(3),
  };
  const [challenge, response] = chapAttributes(c);
  // Type 26, Vendor-Id 311 (0x137), Vendor-Type 11, Vendor-Length 18
  assert.equal(challenge?.type, 26);
  assert.deepEqual([...(challenge?.value.subarray(0, 6) ?? [])], [0, 0, 1, 0x37, 11, 18]);
  // Vendor-Type 25, Vendor-Length 52: Ident, Flags, Peer-Challenge, 8 reserved, Response
  const v = response?.value ?? new Uint8Array();
  assert.deepEqual([...v.subarray(0, 8)], [0, 0, 1, 0x37, 25, 52, 9, 0]);
  assert.deepEqual([...v.subarray(8, 24)], new Array<number>(16).fill(2));
  assert.deepEqual([...v.subarray(24, 32)], new Array<number>(8).fill(0));
  assert.deepEqual([...v.subarray(32, 56)], new Array<number>(24).fill(3));
  assert.equal(v.length, 56);
});

test('an Accept for MS-CHAPv2 needs an MS-CHAP2-Success for this Identifier; malformed VSAs are skipped', () => {
  const c: ChapCredentials = {
    kind: 'mschapv2',
    username: 'u',
    identifier: 4,
    authChallenge: new Uint8Array(16),
    peerChallenge: new Uint8Array(16),
    ntResponse: new Uint8Array(24),
  };
  const proof = `S=${'0A'.repeat(20)}`;
  const accept = (attrs: RadiusPacket['attributes']): RadiusPacket => ({
    code: RadiusCode.AccessAccept,
    identifier: 1,
    authenticator: new Uint8Array(16),
    attributes: attrs,
  });
  const success = (ident: number, text: string): RadiusPacket['attributes'][number] =>
    vendorAttribute({
      vendor: VENDOR_MICROSOFT,
      type: MsAttr.Chap2Success,
      value: Uint8Array.of(ident, ...Buffer.from(text)),
    });
  assert.deepEqual(chapOutcomeOf(c, accept([success(4, proof)]), { kind: 'accept' }), {
    kind: 'accept',
    authenticatorResponse: proof,
  });
  for (const attrs of [[], [success(5, proof)], [success(4, 'S=12')]])
    assert.equal(chapOutcomeOf(c, accept(attrs), { kind: 'accept' }).kind, 'error');
  const truncated = { type: RadiusAttr.VendorSpecific, value: Uint8Array.of(0, 0, 1, 0x37, 26, 60, 4) };
  assert.deepEqual(
    vendorAttributesOf(accept([truncated, { type: 26, value: Uint8Array.of(1) }]), 311, 26),
    [],
  );
});

test('our PPP client refuses a server whose MS-CHAPv2 authenticator response is wrong (RFC 2759 §5)', async () => {
  const knows: LoginMethod = {
    name: 'fixed',
    authenticate: () => Promise.resolve({ kind: 'error', reason: 'n/a' }),
    authenticateChap: () => ({ kind: 'accept', authenticatorResponse: `S=${'00'.repeat(20)}` }),
  };
  const r = await call('ms-chap', USER.password, knows);
  assert.equal(r.clientUp, false);
  assert.ok(
    r.clientLog.some((l) => l.includes('failed to prove')),
    r.clientLog.join('\n'),
  );
});

describe('PPP authentication via FreeRADIUS', { skip, timeout: 60_000 }, () => {
  let fr: Freeradius;
  let radius: LoginMethod;
  before(async () => {
    fr = await startFreeradius({ secret: SECRET, users: [USER] });
    radius = radiusMethod(
      'group radius',
      [{ host: '127.0.0.1', port: fr.port, secret: SECRET, timeoutMs: 2000, retransmit: 1 }],
      'LNS',
      nodeAaaIo,
    );
  });
  after(async () => {
    await fr?.stop();
  });

  test('CHAP (MD5): FreeRADIUS checks CHAP-Password and accepts; IPCP comes up', async () => {
    const r = await call('chap', USER.password, radius);
    assert.deepEqual(r.outcomes, [{ kind: 'accept' }]);
    assert.ok(r.serverUp && r.clientUp, r.downs.join('; '));
    const log = fr.log();
    assert.match(log, /CHAP-Password = 0x[0-9a-f]{34}/);
    assert.match(log, /CHAP-Challenge = 0x[0-9a-f]{32}/);
    assert.match(log, /Sent Access-Accept/);
  });

  test('CHAP with a wrong password: Access-Reject, CHAP Failure, the link closes', async () => {
    const r = await call('chap', 'not-ozgreen', radius);
    assert.equal(r.outcomes[0]?.kind, 'reject');
    assert.match((r.outcomes[0] as { reason: string }).reason, /^Access-Reject/);
    assert.equal(r.serverUp || r.clientUp, false);
    assert.match(fr.log(), /Sent Access-Reject/);
  });

  test('MS-CHAPv2: FreeRADIUS accepts, its MS-CHAP2-Success reaches our client, which checks it', async () => {
    const r = await call('ms-chap', USER.password, radius);
    const outcome = r.outcomes[0];
    assert.equal(outcome?.kind, 'accept');
    assert.match((outcome as { authenticatorResponse: string }).authenticatorResponse, /^S=[0-9A-F]{40}$/);
    assert.ok(r.serverUp && r.clientUp, `${r.downs.join('; ')}\n${r.clientLog.join('\n')}`);
    assert.ok(r.clientLog.includes('CHAP: authenticated by the server'));
    const log = fr.log();
    assert.match(log, /MS-CHAP-Challenge = 0x[0-9a-f]{32}/);
    assert.match(log, /MS-CHAP2-Response = 0x[0-9a-f]{100}/);
    assert.match(log, /MS-CHAP2-Success = 0x[0-9a-f]{86}/);
  });

  test('MS-CHAPv2 with a wrong password: rejected, the link closes', async () => {
    const r = await call('ms-chap', 'not-ozgreen', radius);
    assert.equal(r.outcomes[0]?.kind, 'reject');
    assert.equal(r.serverUp || r.clientUp, false);
  });
});
