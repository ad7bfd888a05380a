// Known answers from strongSwan's encrypted messages: the plaintext bodies (decrypted by
// Wireshark, see strongswanDecrypted.ts) decode with decodePayloads to the payloads and values
// the fixture READMEs list (from charon's logs), and re-encode byte for byte with the padding
// kept as `trailing`. This exercises ATTR, N, D, phase-2 SA and ID, CERT and SIG decoding on
// another implementation's bytes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import {
  attributeNumber,
  cfgAttrName,
  cfgTypeName,
  decodeMessage,
  decodePayloads,
  dpdSequence,
  encodePayloads,
  EncapsulationMode,
  formatIpv4,
  notifyTypeName,
  payloadTypeName,
  payloadTypeOf,
  Phase2Attr,
  ProtocolId,
  type Payload,
} from '../../src/wire/index.js';
import { capturedIsakmp, readme, STRONGSWAN_DIR } from './captureFrames.js';
import { flowRows, PAYLOAD_ABBREV } from './readmeTables.js';
import { STRONGSWAN_DECRYPTED } from './strongswanDecrypted.js';

const fromHex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, 'hex'));
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function payloadNumber(name: string): number {
  for (let t = 0; t < 256; t++) if (payloadTypeName(t) === name) return t;
  throw new Error(`unknown payload ${name}`);
}

function ofType<T extends Payload['type']>(
  payloads: readonly Payload[],
  type: T,
): Extract<Payload, { type: T }>[] {
  return payloads.filter((p): p is Extract<Payload, { type: T }> => p.type === type);
}

test('every encrypted strongSwan message body was captured for this test', () => {
  const scenarios = new Set(STRONGSWAN_DECRYPTED.map((d) => d.scenario));
  let encryptedRows = 0;
  for (const s of scenarios) {
    encryptedRows += flowRows(readme(s)).filter((r) => r.encrypted && r.exchange !== 'ESP-in-UDP').length;
  }
  assert.equal(STRONGSWAN_DECRYPTED.length, encryptedRows);
});

for (const body of STRONGSWAN_DECRYPTED) {
  test(`${body.scenario} frame ${body.frame}: decrypted payloads and values match the README`, () => {
    const text = readme(body.scenario);
    const row = flowRows(text).find((r) => r.frame === body.frame);
    assert.ok(row && row.encrypted);
    const expected = row.payloads.filter((p) => p !== 'FRAG').map((p) => PAYLOAD_ABBREV[p] ?? p);
    const captured = decodeMessage(capturedIsakmp(body.scenario).find((c) => c.frame === body.frame)!.bytes);
    const first = row.payloads[0] === 'FRAG' ? payloadNumber(expected[0]!) : captured.header.nextPayload;
    assert.equal(payloadTypeName(first), expected[0]);

    const plaintext = fromHex(body.plaintext);
    const { payloads, trailing } = decodePayloads(first, plaintext, 28);
    assert.deepEqual(
      payloads.map((p) => payloadTypeName(payloadTypeOf(p))),
      expected,
    );
    // RFC 2409 §5.3 padding: strongSwan adds 1..block-size bytes (a whole block when aligned)
    assert.ok(trailing.length >= 1 && trailing.length <= 16, `padding of ${trailing.length} bytes`);
    const again = encodePayloads(payloads);
    assert.equal(again.firstPayload, first);
    assert.equal(hex(again.bytes) + hex(trailing), body.plaintext, 'byte-exact re-encoding');

    checkNotes(row.notes, payloads, body.scenario, text);

    // Quick Mode nonces and PFS KE lengths are only visible decrypted (README nonce table / KE line).
    for (const m of text.matchAll(/^\| (\d+) \| r\d→r\d \| [^|]+ \| `([0-9a-f]+)` \(\d+ bytes\) \|/gm)) {
      if (Number(m[1]) === body.frame) assert.equal(hex(ofType(payloads, 10)[0]!.data), m[2]);
    }
    for (const m of text.matchAll(/frame (\d+) \([^)]*\): (\d+) bytes/g)) {
      if (Number(m[1]) === body.frame) assert.equal(ofType(payloads, 4)[0]!.data.length, Number(m[2]));
    }
  });
}

function checkNotes(notes: string, payloads: readonly Payload[], scenario: string, text: string): void {
  const notifies = [...notes.matchAll(/N\(([^)]+)\)/g)].map((m) => m[1]);
  assert.deepEqual(
    ofType(payloads, 11).map((n) => notifyTypeName(n.notifyType)),
    notifies,
  );

  const seq = /seq (\d+)/.exec(notes);
  if (seq) {
    const n = ofType(payloads, 11)[0]!;
    assert.equal(dpdSequence(n), Number(seq[1]));
    assert.equal(n.protocolId, ProtocolId.ISAKMP);
    assert.equal(n.spi.length, 16, 'RFC 3706: SPI = CKY-I | CKY-R');
  }

  const del = /Delete (ESP|ISAKMP) SPI ([0-9a-f]+)/.exec(notes);
  if (del) {
    const d = ofType(payloads, 12)[0]!;
    assert.equal(d.protocolId, del[1] === 'ESP' ? ProtocolId.IPSEC_ESP : ProtocolId.ISAKMP);
    assert.deepEqual(d.spis.map(hex), [del[2]]);
  }

  const ids = /ID ([^;]+)$|ID ([^;]+);/.exec(notes);
  if (ids) {
    const listed = (ids[1] ?? ids[2])!.split(', ');
    const addresses: string[] = [];
    const masks: string[] = [];
    for (const id of ofType(payloads, 5)) {
      const i = id.identification;
      if (i.kind === 'ipv4') addresses.push(i.address);
      else if (i.kind === 'fqdn') addresses.push(i.name);
      else if (i.kind === 'ipv4-subnet') {
        addresses.push(i.address);
        masks.push(i.mask);
      } else assert.fail(`unexpected ID kind ${i.kind}`);
    }
    assert.deepEqual([...addresses, ...masks], listed);
  }

  const life = /IPsec life (\d+) s/.exec(notes);
  if (life) {
    const sa = ofType(payloads, 1)[0]!;
    const proposal = sa.proposals[0]!;
    assert.equal(proposal.protocolId, ProtocolId.IPSEC_ESP);
    const t = proposal.transforms[0]!;
    const attr = (type: number): number | undefined => {
      const a = t.attributes.find((x) => x.type === type);
      return a && attributeNumber(a);
    };
    assert.equal(attr(Phase2Attr.SA_LIFE_DURATION), Number(life[1]));
    // kernel-libipsec forces NAT-T: ESP-in-UDP tunnel mode (RFC 3947 §5.2)
    assert.equal(attr(Phase2Attr.ENCAPSULATION_MODE), EncapsulationMode.UDP_ENCAPSULATED_TUNNEL);
    const spis =
      /ESP SPIs \| r2→r1 \(r1 inbound, chosen by r1\): `0x([0-9a-f]+)`; r1→r2 \(r1 outbound, chosen by r2\): `0x([0-9a-f]+)`/.exec(
        text,
      );
    assert.ok(spis);
    assert.ok(
      [spis[1], spis[2]].includes(hex(proposal.spi)),
      `SPI ${hex(proposal.spi)} is one of the README's`,
    );
  }

  const cfg = /CFG_(REQUEST|REPLY|SET|ACK)/.exec(notes);
  if (cfg) {
    const attrPayload = ofType(payloads, 14)[0]!;
    assert.equal(cfgTypeName(attrPayload.cfgType), `ISAKMP_CFG_${cfg[1]}`);
    for (const m of notes.matchAll(/(\w+)=([^;]+)/g)) {
      const a = attrPayload.attributes.find((x) => cfgAttrName(x.type) === m[1]);
      assert.ok(a, `attribute ${m[1]}`);
      const value = m[2]!.trim();
      if (/^\d+$/.test(value)) assert.equal(attributeNumber(a), Number(value));
      else if (/^\d+\.\d+\.\d+\.\d+$/.test(value)) assert.equal(formatIpv4(a.value as Uint8Array), value);
      else assert.equal(Buffer.from(a.value as Uint8Array).toString('latin1'), value);
    }
    if (notes === 'CFG_REQUEST' && scenario === 'mm-psk-xauth-modecfg') {
      // README notes: the gateway's XAUTH request carries empty XAUTH_USER_NAME/PASSWORD
      const names = attrPayload.attributes.map((a) => cfgAttrName(a.type));
      if (names.includes('XAUTH_USER_NAME')) {
        assert.ok(attrPayload.attributes.every((a) => a.tv || (a.value as Uint8Array).length === 0));
      }
    }
  }

  const certs = ofType(payloads, 6);
  if (certs.length > 0) {
    const who = notes.includes('r1.lab.example') ? 'r1' : 'r2';
    const pem = readFileSync(join(STRONGSWAN_DIR, scenario, `${who}.cert.pem`), 'utf8');
    assert.equal(certs[0]!.encoding, 4, 'X.509 signature');
    assert.deepEqual(certs[0]!.data, new Uint8Array(new X509Certificate(pem).raw));
    const sig = ofType(payloads, 9)[0]!;
    assert.equal(sig.data.length, 384, 'RSA-3072 signature');
  }
}
