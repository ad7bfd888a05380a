// Known-answer tests: every ISAKMP message strongSwan 5.9.8 sent in the fixture captures is
// decoded, checked against the fixture README's tables (written from charon's logs and
// tshark) and re-encoded byte for byte.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  attributeNumber,
  decodeMessage,
  encodeMessage,
  encodePayloadBody,
  ExchangeType,
  IkeAuthMethod,
  IkeEncryption,
  IkeHash,
  GroupDescription,
  LifeType,
  Phase1Attr,
  payloadTypeName,
  payloadTypeOf,
  recognizeVendorId,
  type IsakmpMessage,
  type Payload,
} from '../../src/wire/index.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { capturedIsakmp, readme, scenarios, STRONGSWAN_DIR } from './captureFrames.js';
import { EXCHANGES, flowRows, PAYLOAD_ABBREV } from './readmeTables.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function names(payloads: readonly Payload[]): string[] {
  return payloads.map((p) => payloadTypeName(payloadTypeOf(p)));
}

for (const scenario of scenarios()) {
  const text = readme(scenario);
  const rows = flowRows(text);
  const captured = capturedIsakmp(scenario);
  const decoded = new Map<number, IsakmpMessage>();
  for (const c of captured) decoded.set(c.frame, decodeMessage(c.bytes));

  test(`${scenario}: every ISAKMP frame decodes and re-encodes byte for byte`, () => {
    assert.ok(captured.length >= 6, 'capture has ISAKMP frames');
    for (const c of captured) {
      const m = decoded.get(c.frame)!;
      assert.equal(m.header.length, c.bytes.length, `frame ${c.frame} length`);
      assert.equal(m.header.majorVersion, 1);
      assert.equal(m.header.minorVersion, 0);
      assert.deepEqual(encodeMessage(m), c.bytes, `frame ${c.frame} round trip`);
    }
  });

  test(`${scenario}: exchange, message ID, ports, encryption and clear payloads match the README`, () => {
    assert.ok(rows.length > 0, 'README message-flow table parsed');
    const isakmpRows = rows.filter((r) => r.exchange !== 'ESP-in-UDP');
    assert.deepEqual(
      captured.map((c) => c.frame),
      isakmpRows.map((r) => r.frame),
      'ESP-in-UDP frames skipped, all ISAKMP frames found',
    );
    for (const row of isakmpRows) {
      const m = decoded.get(row.frame)!;
      const c = captured.find((x) => x.frame === row.frame)!;
      assert.equal(c.srcPort, row.srcPort);
      assert.equal(c.dstPort, row.dstPort);
      const exchange = EXCHANGES[row.exchange];
      assert.notEqual(exchange, undefined, `known exchange name ${row.exchange}`);
      assert.equal(m.header.exchangeType, exchange, `frame ${row.frame} exchange`);
      assert.equal(m.header.messageId, Number(row.messageId), `frame ${row.frame} message ID`);
      const expected = row.payloads.map((p) => PAYLOAD_ABBREV[p] ?? p);
      if (expected[0] === 'FRAG') {
        // The fragments travel with E clear; only the reassembled message is encrypted.
        assert.equal(m.header.flags.encryption, false);
        assert.deepEqual(names(m.payloads), ['FRAG']);
      } else if (row.encrypted) {
        assert.equal(m.header.flags.encryption, true, `frame ${row.frame} E flag`);
        assert.deepEqual(m.payloads, []);
        assert.ok(m.encrypted && m.encrypted.length % 8 === 0, 'ciphertext is whole cipher blocks');
        assert.equal(m.header.nextPayload, payloadTypeNumber(expected[0]!), 'first encrypted payload type');
      } else {
        assert.equal(m.header.flags.encryption, false);
        assert.deepEqual(names(m.payloads), expected, `frame ${row.frame} payloads`);
      }
    }
  });

  test(`${scenario}: cookies match the README`, () => {
    const m = /IKE cookies \(CKY-I, CKY-R\) \| `([0-9a-f]{16})` \/ `([0-9a-f]{16})`/.exec(text);
    assert.ok(m, 'cookie row');
    for (const [frame, msg] of decoded) {
      assert.equal(hex(msg.header.initiatorCookie), m[1], `frame ${frame} CKY-I`);
      const responder: string | undefined = frame === 1 ? '0000000000000000' : m[2];
      assert.equal(hex(msg.header.responderCookie), responder, `frame ${frame} CKY-R`);
    }
  });

  test(`${scenario}: clear nonces and KE lengths match the README`, () => {
    const nonceRows = [
      ...text.matchAll(/^\| (\d+) \| r\d→r\d \| [^|]+ \| `([0-9a-f]+)` \((\d+) bytes\) \|/gm),
    ];
    assert.ok(nonceRows.length >= 2);
    let checked = 0;
    for (const row of nonceRows) {
      const msg = decoded.get(Number(row[1]))!;
      if (msg.header.flags.encryption) continue;
      const nonce = msg.payloads.find((p) => p.type === 10);
      assert.ok(nonce, `frame ${row[1]} has a nonce`);
      assert.equal(hex(nonce.data), row[2]);
      assert.equal(nonce.data.length, Number(row[3]));
      checked++;
    }
    assert.equal(checked, 2, 'both phase-1 nonces are in clear');
    const keLine = /^KE payloads: (.*)$/m.exec(text);
    assert.ok(keLine);
    for (const k of keLine[1]!.matchAll(/frame (\d+) \([^)]*\): (\d+) bytes/g)) {
      const msg = decoded.get(Number(k[1]))!;
      if (msg.header.flags.encryption) continue;
      const ke = msg.payloads.find((p) => p.type === 4);
      assert.ok(ke);
      assert.equal(ke.data.length, Number(k[2]));
    }
  });

  test(`${scenario}: phase-1 SA attributes match the proposal charon selected`, () => {
    const sel = /IKE proposal selected \(charon\) \| `IKE:([^`]+)`/.exec(text);
    const auth = /^\| Authentication \| ([^|]+) \|/m.exec(text);
    assert.ok(sel && auth);
    const [enc, integ, , group] = sel[1]!.split('/');
    const expected = new Map<number, number>();
    const aes = /^AES_CBC_(\d+)$/.exec(enc!);
    if (aes) {
      expected.set(Phase1Attr.ENCRYPTION_ALGORITHM, IkeEncryption.AES_CBC);
      expected.set(Phase1Attr.KEY_LENGTH, Number(aes[1]));
    } else {
      assert.equal(enc, '3DES_CBC');
      expected.set(Phase1Attr.ENCRYPTION_ALGORITHM, IkeEncryption['3DES_CBC']);
    }
    const hashes: Record<string, number> = {
      HMAC_SHA1_96: IkeHash.SHA,
      HMAC_MD5_96: IkeHash.MD5,
      HMAC_SHA2_256_128: IkeHash.SHA2_256,
    };
    expected.set(Phase1Attr.HASH_ALGORITHM, hashes[integ!]!);
    const groups: Record<string, number> = {
      MODP_1024: GroupDescription.MODP_1024,
      MODP_2048: GroupDescription.MODP_2048,
    };
    expected.set(Phase1Attr.GROUP_DESCRIPTION, groups[group!]!);
    const method = auth[1]!.startsWith('RSA signatures')
      ? IkeAuthMethod.RSA_SIGNATURES
      : auth[1]!.includes('XAUTH')
        ? IkeAuthMethod.XAUTH_INIT_PRE_SHARED
        : IkeAuthMethod.PRE_SHARED_KEY;
    expected.set(Phase1Attr.AUTHENTICATION_METHOD, method);
    expected.set(Phase1Attr.LIFE_TYPE, LifeType.SECONDS);
    expected.set(Phase1Attr.LIFE_DURATION, 15840);
    for (const frame of [1, 2]) {
      const sa = decoded.get(frame)!.payloads[0]!;
      assert.equal(sa.type, 1);
      assert.equal(sa.doi, 1);
      assert.equal(sa.situation, 1);
      assert.equal(sa.proposals.length, 1);
      const proposal = sa.proposals[0]!;
      assert.equal(proposal.protocolId, 1);
      assert.equal(proposal.transforms.length, 1);
      const t = proposal.transforms[0]!;
      assert.equal(t.transformId, 1, 'KEY_IKE');
      const got = new Map(t.attributes.map((a) => [a.type, attributeNumber(a)]));
      assert.deepEqual(got, expected, `frame ${frame} attributes`);
      assert.ok(
        t.attributes.every((a) => a.tv),
        'strongSwan sends every phase-1 attribute as TV',
      );
    }
  });

  test(`${scenario}: SAi_b as encoded appears in charon's logged HASH_I input`, () => {
    const hashI = /^HASH_I data \(\d+ bytes\) = ([0-9a-f]+)$/m.exec(text);
    const ck = /IKE cookies \(CKY-I, CKY-R\) \| `([0-9a-f]{16})` \/ `([0-9a-f]{16})`/.exec(text);
    assert.ok(hashI && ck);
    const first = decoded.get(1)!;
    const saiB = hex(encodePayloadBody(first.payloads[0]!));
    // RFC 2409 §5: HASH_I = prf(SKEYID, g^xi | g^xr | CKY-I | CKY-R | SAi_b | IDii_b)
    assert.ok(hashI[1]!.includes(`${ck[1]}${ck[2]}${saiB}`), 'CKY-I | CKY-R | SAi_b');
    if (first.header.exchangeType === ExchangeType.AGGRESSIVE) {
      const id = first.payloads.find((p) => p.type === 5)!;
      assert.ok(hashI[1]!.endsWith(`${saiB}${hex(encodePayloadBody(id))}`), 'SAi_b | IDii_b');
    }
  });

  test(`${scenario}: vendor IDs are recognized with charon's names, in the order it sent them`, () => {
    const log = readFileSync(join(STRONGSWAN_DIR, scenario, 'initiator.log'), 'utf8');
    const sent = [...log.matchAll(/sending (.+) vendor ID$/gm)].map((m) => m[1]!);
    const firstVids = decoded
      .get(1)!
      .payloads.filter((p) => p.type === 13)
      .map((p) => recognizeVendorId(p.data)?.name);
    assert.deepEqual(firstVids, sent.slice(0, firstVids.length));
    assert.equal(firstVids.length, 5);
    // strongSwan's FRAGMENTATION VID carries capability flags 0x80000000 (AM/MM fragmentation)
    const frag = decoded
      .get(1)!
      .payloads.map((p) => (p.type === 13 ? recognizeVendorId(p.data) : undefined))
      .find((v) => v?.key === 'FRAGMENTATION');
    assert.equal(hex(frag!.suffix), '80000000');
  });
}

test('aggressive mode IDs are in clear: FQDN identities as the README names them', () => {
  const msgs = capturedIsakmp('am-psk-aes256-sha256-modp2048');
  const ids = msgs.slice(0, 2).map((c) => decodeMessage(c.bytes).payloads.find((p) => p.type === 5));
  assert.deepEqual(
    ids.map((id) => id && { identification: id.identification, protocolId: id.protocolId, port: id.port }),
    [
      { identification: { kind: 'fqdn', name: 'r1.lab.example' }, protocolId: 0, port: 0 },
      { identification: { kind: 'fqdn', name: 'r2.lab.example' }, protocolId: 0, port: 0 },
    ],
  );
});

test('the RSA scenario carries a certificate request and IKE fragments with E clear', () => {
  const msgs = capturedIsakmp('mm-rsa-aes128-sha256-modp2048').map((c) => decodeMessage(c.bytes));
  const cr = msgs[3]!.payloads.find((p) => p.type === 7);
  assert.ok(cr);
  assert.equal(cr.encoding, 4, 'X.509 signature');
  const frags = msgs.slice(4, 8).map((m) => m.payloads[0]);
  assert.deepEqual(
    frags.map((f) => f?.type === 132 && [f.fragmentNumber, f.flags]),
    [
      [1, 0],
      [2, 1],
      [1, 0],
      [2, 1],
    ],
  );
});

function payloadTypeNumber(name: string): number {
  for (let t = 0; t < 256; t++) if (payloadTypeName(t) === name) return t;
  throw new Error(`unknown payload name ${name}`);
}
