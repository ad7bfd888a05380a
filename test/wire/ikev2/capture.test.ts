// Known answers for the IKEv2 codec: every IKE message strongSwan 5.9.8 exchanged in the
// fixture captures decodes, re-encodes byte for byte (inside the SK payload too, opened with
// the keys charon logged), and reads as tshark reads it: header fields, payload types in
// order, and the fields of every payload tshark decodes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSk } from '../../../src/ikev2/protection.js';
import {
  decodeIkev2Message,
  encodeIkev2Message,
  encodeIkev2Payloads,
  type Ikev2Message,
  type Ikev2Payload,
  keyLengthOf,
} from '../../../src/wire/ikev2/index.js';
import {
  fieldValues,
  IKEV2_VECTORS,
  type Ikev2Vector,
  loadIkev2Vector,
  tsharkAvailable,
  tsharkJson,
  vectorSkKeys,
} from './strongswanIkev2.js';

const colons = (b: Uint8Array): string => [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');

/** The message's payloads with each SK payload followed by what it carries, as tshark lists them. */
function flattened(v: Ikev2Vector, datagram: Uint8Array, m: Ikev2Message): Ikev2Payload[] {
  const out: Ikev2Payload[] = [];
  for (const p of m.payloads) {
    out.push(p);
    if (p.type !== 46) continue;
    const inner = openSk(datagram, m, vectorSkKeys(v, m.header.initiator))?.payloads;
    assert.ok(inner, 'the SK payload opens with the logged keys');
    out.push(...inner);
  }
  return out;
}

/** Our reading of a message as tshark's field values, field by field in depth-first order. */
function ourFields(all: readonly Ikev2Payload[]): Record<string, string[]> {
  const f: Record<string, string[]> = {};
  const add = (name: string, value: string | number): void => {
    (f[name] ??= []).push(String(value));
  };
  for (const p of all) {
    switch (p.type) {
      case 33:
        for (const prop of p.proposals) {
          add('isakmp.prop.number', prop.number);
          add('isakmp.prop.protoid', prop.protocolId);
          add('isakmp.prop.transforms', prop.transforms.length);
          for (const t of prop.transforms) {
            add('isakmp.tf.type', t.transformType);
            const key = keyLengthOf(t);
            if (key !== undefined) add('isakmp.ike2.attr.key_length', key);
          }
        }
        break;
      case 34:
        add('isakmp.key_exchange.dh_group', p.group);
        add('isakmp.key_exchange.data', colons(p.data));
        break;
      case 35:
      case 36:
        add('isakmp.id.type', p.idType);
        if (p.idType === 2) add('isakmp.id.data.fqdn', new TextDecoder().decode(p.data));
        break;
      case 39:
        add('isakmp.auth.method', p.method);
        add('isakmp.auth.data', colons(p.data));
        break;
      case 40:
        add('isakmp.nonce', colons(p.nonce));
        break;
      case 41:
        add('isakmp.notify.msgtype', p.notifyType);
        add('isakmp.notify.protoid', p.protocolId);
        break;
      case 42:
        add('isakmp.delete.protoid', p.protocolId);
        add('isakmp.spinum', p.spis.length);
        break;
      case 44:
      case 45:
        add('isakmp.ts.number', p.selectors.length);
        for (const s of p.selectors) {
          if ('raw' in s) continue;
          add('isakmp.ts.type', s.tsType);
          add('isakmp.ts.protoid', s.protocol);
          add('isakmp.ts.start_port', s.startPort);
          add('isakmp.ts.end_port', s.endPort);
          add('isakmp.ts.start_ipv4', s.startAddress);
          add('isakmp.ts.end_ipv4', s.endAddress);
        }
        break;
      default:
        break;
    }
  }
  return f;
}

for (const name of IKEV2_VECTORS) {
  const v = loadIkev2Vector(name);

  test(`${name}: every IKE message decodes and re-encodes byte for byte, inside SK too`, () => {
    assert.ok(v.datagrams.length >= 6, 'IKE_SA_INIT, IKE_AUTH and an INFORMATIONAL exchange');
    for (const d of v.datagrams) {
      const m = decodeIkev2Message(d.payload);
      assert.equal(m.header.majorVersion, 2);
      assert.deepEqual(encodeIkev2Message(m).bytes, d.payload, `frame ${d.frame}`);
      const sk = m.payloads.at(-1);
      if (sk?.type !== 46) continue;
      const inner = openSk(d.payload, m, vectorSkKeys(v, m.header.initiator))?.payloads;
      assert.ok(inner, `frame ${d.frame} opens`);
      // The plaintext ends in padding and its length: the payloads are what precedes them.
      const { first, bytes } = encodeIkev2Payloads(inner);
      assert.equal(first, inner.length ? sk.firstInner : 0);
      assert.ok(bytes.length <= sk.data.length);
    }
  });

  test(`${name}: the exchanges strongSwan logged, in order`, () => {
    const seen = v.datagrams.map((d) => {
      const m = decodeIkev2Message(d.payload);
      const types = flattened(v, d.payload, m).map((p) =>
        p.type === 41 ? `N${p.notifyType}` : String(p.type),
      );
      return `${m.header.exchangeType}/${m.header.messageId}/${m.header.response ? 'R' : 'I'} ${types.join(' ')}`;
    });
    // charon's "generating IKE_SA_INIT request 0 [ SA KE No N(NATD_S_IP) ... ]" lines, as numbers.
    assert.match(seen[0] ?? '', /^34\/0\/I 33 34 40 N16388 N16389 N16430 N16431 N16406$/);
    assert.match(seen[1] ?? '', /^34\/0\/R 33 34 40 N16388 N16389 N16430 N16431 N16418 N16404$/);
    assert.match(seen[2] ?? '', /^35\/1\/I 46 35 N16384 36 39 33 44 45 N16396 N16397 N16404 N16417 N16420$/);
    assert.match(seen[3] ?? '', /^35\/1\/R 46 36 39 33 44 45 N16396 N16397$/);
    assert.ok(
      seen.some((s) => /^37\/\d+\/I 46 42$/.test(s)),
      'the DELETE of the IKE SA',
    );
  });

  test(
    `${name}: our reading agrees with tshark's`,
    { skip: tsharkAvailable() ? false : 'tshark is not installed' },
    () => {
      const packets = tsharkJson(v);
      assert.equal(packets.length, v.datagrams.length);
      v.datagrams.forEach((d, i) => {
        const layer = packets[i]?._source.layers.isakmp;
        const m = decodeIkev2Message(d.payload);
        const h = m.header;
        const one = (field: string): string | undefined => fieldValues(layer, field)[0];
        assert.equal(one('isakmp.ispi'), colons(h.spiI));
        assert.equal(one('isakmp.rspi'), colons(h.spiR));
        assert.equal(one('isakmp.exchangetype'), String(h.exchangeType));
        assert.equal(one('isakmp.messageid'), `0x${h.messageId.toString(16).padStart(8, '0')}`);
        assert.equal(one('isakmp.flag_i'), h.initiator ? '1' : '0');
        assert.equal(one('isakmp.flag_r'), h.response ? '1' : '0');
        assert.equal(one('isakmp.length'), String(h.length));
        const all = flattened(v, d.payload, m);
        const types = all.map((p) => String(p.type === 'unknown' ? p.payloadType : p.type));
        // tshark lists proposal (2) and transform (3) substructures as payload types too.
        const theirs = fieldValues(layer, 'isakmp.typepayload');
        assert.deepEqual(
          theirs.filter((t) => t !== '2' && t !== '3'),
          types,
          `frame ${d.frame} payload types`,
        );
        const sas = all.flatMap((p) => (p.type === 33 ? p.proposals : []));
        assert.equal(theirs.filter((t) => t === '2').length, sas.length);
        assert.equal(
          theirs.filter((t) => t === '3').length,
          sas.reduce((n, p) => n + p.transforms.length, 0),
        );
        for (const [field, values] of Object.entries(ourFields(all))) {
          assert.deepEqual(fieldValues(layer, field), values, `frame ${d.frame} ${field}`);
        }
      });
    },
  );
}
