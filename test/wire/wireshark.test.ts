// Wireshark agreement: messages covering every payload type, ID type and attribute kind are
// encoded, written to a pcap (UDP 500, and UDP 4500 with the non-ESP marker) and dissected
// by tshark; every field must show the value we meant and nothing may be flagged malformed.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { encodePcap } from '../../src/observe/pcap.js';
import {
  addNonEspMarker,
  attributeNumber,
  decodeMessage,
  encodeMessage,
  encodePayloadBody,
  payloadTypeOf,
  responderLifetimeAttributes,
  type Attribute,
  type IsakmpMessageInit,
  type Payload,
  type Proposal,
} from '../../src/wire/index.js';
import { fixture } from '../util/fixtures.js';
import { udpIpv4Frame } from '../util/udpFrame.js';
import { SAMPLES, type Sample } from './wiresharkSamples.js';

interface Field {
  readonly name: string;
  readonly show: string;
  readonly size: string;
}

type Expected = Map<string, string[]>;
type Attr = 'show' | 'size';

const colon = (b: Uint8Array): string => [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');

function tsharkAvailable(): boolean {
  const r = spawnSync('tshark', ['-v'], { encoding: 'utf8' });
  return r.status === 0;
}

function unescapeXml(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)))
    .replace(/&amp;/g, '&');
}

/** Per packet, the fields of the PDML dissection in document order. */
function dissect(pcap: string): Field[][] {
  const r = spawnSync('tshark', ['-r', pcap, '-T', 'pdml'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, `tshark failed: ${r.stderr}`);
  const packets: Field[][] = [];
  for (const chunk of r.stdout.split('<packet>').slice(1)) {
    const fields: Field[] = [];
    for (const m of chunk.matchAll(/<(?:field|proto) ([^>]*)>/g)) {
      const attrs = new Map<string, string>();
      for (const a of m[1]!.matchAll(/(\w+)="([^"]*)"/g)) attrs.set(a[1]!, unescapeXml(a[2]!));
      fields.push({
        name: attrs.get('name') ?? '',
        show: attrs.get('show') ?? '',
        size: attrs.get('size') ?? '',
      });
    }
    packets.push(fields);
  }
  return packets;
}

/** What Wireshark should show for each field of `m`, in document order per field name. */
function expectedFields(m: IsakmpMessageInit, wire: Uint8Array): { show: Expected; size: Expected } {
  const show: Expected = new Map();
  const size: Expected = new Map();
  const push = (name: string, value: string | number, attr: Attr = 'show'): void => {
    const map = attr === 'show' ? show : size;
    const list = map.get(name) ?? [];
    list.push(String(value));
    map.set(name, list);
  };
  const h = m.header;
  push('isakmp.ispi', colon(h.initiatorCookie));
  push('isakmp.rspi', colon(h.responderCookie));
  push('isakmp.mjver', '0x01');
  push('isakmp.mnver', '0x00');
  push('isakmp.exchangetype', h.exchangeType);
  push('isakmp.flag_e', h.flags.encryption ? 1 : 0);
  push('isakmp.flag_c', h.flags.commit ? 1 : 0);
  push('isakmp.flag_a', h.flags.authenticationOnly ? 1 : 0);
  push('isakmp.messageid', `0x${h.messageId.toString(16).padStart(8, '0')}`);
  push('isakmp.length', wire.length);
  if (m.encrypted) {
    push('isakmp.nextpayload', h.nextPayload ?? 0);
    push('isakmp.enc.data', m.encrypted.length, 'size');
    return { show, size };
  }
  push('isakmp.nextpayload', m.payloads[0] ? payloadTypeOf(m.payloads[0]) : 0);
  m.payloads.forEach((p, i) => {
    const next = m.payloads[i + 1];
    push('isakmp.typepayload', payloadTypeOf(p));
    push('isakmp.nextpayload', next ? payloadTypeOf(next) : 0);
    push('isakmp.payloadlength', 4 + encodePayloadBody(p).length);
    payloadFields(p, push);
  });
  return { show, size };
}

function payloadFields(p: Payload, push: (name: string, value: string | number, attr?: Attr) => void): void {
  switch (p.type) {
    case 1:
      push('isakmp.sa.doi', p.doi);
      push('isakmp.sa.situation', colon(Uint8Array.of(0, 0, 0, p.situation)));
      p.proposals.forEach((pr, i) => proposalFields(pr, i === p.proposals.length - 1, push));
      return;
    case 4:
      return push('isakmp.key_exchange.data', colon(p.data));
    case 5: {
      push('isakmp.id.type', p.idType);
      push('isakmp.id.protoid', p.protocolId);
      push('isakmp.id.port', p.port);
      push('isakmp.id.data', p.data.length, 'size');
      const id = p.identification;
      switch (id.kind) {
        case 'ipv4':
          return push('isakmp.id.data.ipv4_addr', id.address);
        case 'ipv6':
          return push('isakmp.id.data.ipv6_addr', id.address);
        case 'ipv4-subnet':
          push('isakmp.id.data.ipv4_addr', id.address);
          return push('isakmp.id.data.ipv4_subnet', id.mask);
        case 'ipv6-subnet':
          push('isakmp.id.data.ipv6_addr', id.address);
          return push('isakmp.id.data.ipv6_subnet', id.mask);
        case 'ipv4-range':
          push('isakmp.id.data.ipv4_range_start', id.start);
          return push('isakmp.id.data.ipv4_range_end', id.end);
        case 'ipv6-range':
          push('isakmp.id.data.ipv6_range_start', id.start);
          return push('isakmp.id.data.ipv6_range_end', id.end);
        case 'fqdn':
          return push('isakmp.id.data.fqdn', id.name);
        case 'user-fqdn':
          return push('isakmp.id.data.user_fqdn', id.name);
        case 'der-asn1-dn':
          push('isakmp.id.data.der_asn1_dn', id.der.length, 'size');
          return push('x509if.oid', '2.5.4.3');
        case 'key-id':
          return push('isakmp.id.data.key_id', colon(id.keyId));
        default:
          return;
      }
    }
    case 6:
      push('isakmp.cert.encoding', p.encoding);
      return push('isakmp.cert.data', p.data.length, 'size');
    case 7:
      push('isakmp.certreq.type', p.encoding);
      if (p.authority.length > 0) push('isakmp.ike.certreq.authority.sig', p.authority.length, 'size');
      return;
    case 8:
      return push('isakmp.hash', colon(p.data));
    case 9:
      return push('isakmp.sig', colon(p.data));
    case 10:
      return push('isakmp.nonce', colon(p.data));
    case 11:
      push('isakmp.notify.doi', p.doi);
      push('isakmp.notify.protoid', p.protocolId);
      push('isakmp.spisize', p.spi.length);
      push('isakmp.notify.msgtype', p.notifyType);
      if (p.spi.length > 0) push('isakmp.spi', colon(p.spi));
      push('isakmp.notify.data', colon(p.data));
      if (p.notifyType === 36136)
        push('isakmp.notify.data.dpd.are_you_there', Buffer.from(p.data).readUInt32BE());
      if (p.notifyType === 24576) {
        for (const a of responderLifetimeAttributes(p)) {
          attributeFields('isakmp.notify.data.resp_lifetime.ipsec.attr', a, push, IPSEC_TYPED);
        }
      }
      if (p.notifyType === 36137)
        push('isakmp.notify.data.dpd.are_you_there_ack', Buffer.from(p.data).readUInt32BE());
      return;
    case 12:
      push('isakmp.delete.doi', p.doi);
      push('isakmp.delete.protoid', p.protocolId);
      push('isakmp.spisize', p.spis[0]?.length ?? p.spiSize);
      push('isakmp.spinum', p.spis.length);
      for (const spi of p.spis) push('isakmp.delete.spi', colon(spi));
      return;
    case 13:
      return push('isakmp.vid_bytes', colon(p.data));
    case 14:
      push('isakmp.cfg.type', p.cfgType);
      push('isakmp.cfg.identifier', p.identifier);
      for (const a of p.attributes) attributeFields('isakmp.cfg.attr', a, push, CFG_TYPED);
      return;
    case 20:
    case 130:
      return push('isakmp.ike.nat_hash', colon(p.data));
    case 21:
    case 131:
      push('isakmp.id.type', p.address.includes(':') ? 5 : 1);
      return push(
        p.address.includes(':')
          ? 'isakmp.ike.nat_original_address_ipv6'
          : 'isakmp.ike.nat_original_address_ipv4',
        p.address,
      );
    case 132:
      push('isakmp.frag.packetid', `0x${p.fragmentId.toString(16).padStart(4, '0')}`);
      push('isakmp.frag.seq', p.fragmentNumber);
      return push('isakmp.frag.last', p.flags);
    case 'unknown':
      return;
  }
}

function proposalFields(
  pr: Proposal,
  last: boolean,
  push: (name: string, value: string | number, attr?: Attr) => void,
): void {
  const w = encodePayloadBody({ type: 1, doi: 1, situation: 0, proposals: [pr] }).length - 8;
  push('isakmp.typepayload', 2);
  push('isakmp.nextpayload', last ? 0 : 2);
  push('isakmp.payloadlength', w);
  push('isakmp.prop.number', pr.proposalNumber);
  push('isakmp.prop.protoid', pr.protocolId);
  push('isakmp.spisize', pr.spi.length);
  push('isakmp.prop.transforms', pr.transforms.length);
  if (pr.spi.length > 0) push('isakmp.spi', colon(pr.spi));
  const ike = pr.protocolId === 1;
  pr.transforms.forEach((t, i) => {
    const body = encodePayloadBody({
      type: 1,
      doi: 1,
      situation: 0,
      proposals: [{ ...pr, spi: new Uint8Array(0), transforms: [t] }],
    });
    push('isakmp.typepayload', 3);
    push('isakmp.nextpayload', i === pr.transforms.length - 1 ? 0 : 3);
    push('isakmp.payloadlength', body.length - 16);
    push('isakmp.trans.number', t.transformNumber);
    push('isakmp.trans.id', t.transformId);
    for (const a of t.attributes) {
      attributeFields(ike ? 'isakmp.ike.attr' : 'isakmp.ipsec.attr', a, push, ike ? IKE_TYPED : IPSEC_TYPED);
    }
  });
}

// Attribute types Wireshark shows as a typed field (value in decimal or as an address).
const IKE_TYPED = new Map([
  [1, 'encryption_algorithm'],
  [2, 'hash_algorithm'],
  [3, 'authentication_method'],
  [4, 'group_description'],
  [11, 'life_type'],
  [14, 'key_length'],
]);
const IPSEC_TYPED = new Map([
  [1, 'life_type'],
  [2, 'life_duration'],
  [3, 'group_description'],
  [4, 'encap_mode'],
  [5, 'auth_algorithm'],
  [6, 'key_length'],
]);
const CFG_TYPED = new Map([
  [16520, 'xauth.type'],
  [16527, 'xauth.status'],
]);

function attributeFields(
  prefix: string,
  a: Attribute,
  push: (name: string, value: string | number, attr?: Attr) => void,
  typed: ReadonlyMap<number, string>,
): void {
  push(`${prefix}.format`, a.tv ? 1 : 0);
  push(`${prefix}.type`, a.type);
  const raw = typeof a.value === 'number' ? Uint8Array.of(a.value >> 8, a.value & 0xff) : a.value;
  if (!a.tv) push(`${prefix}.length`, raw.length);
  if (raw.length > 0) push(`${prefix}.value`, colon(raw));
  const name = typed.get(a.type);
  if (name) push(`${prefix}.${name}`, attributeNumber(a)!);
  if (prefix === 'isakmp.ike.attr' && a.type === 12) {
    push(
      raw.length > 4 ? 'isakmp.ike.attr.life_duration64' : 'isakmp.ike.attr.life_duration',
      attributeNumber(a)!,
    );
  }
}

function withRealCertificate(samples: readonly Sample[]): Sample[] {
  const pem = readFileSync(fixture('strongswan-ikev1/mm-rsa-aes128-sha256-modp2048/r1.cert.pem'), 'utf8');
  const der = new Uint8Array(new X509Certificate(pem).raw);
  return samples.map((s) => ({
    ...s,
    message: {
      ...s.message,
      payloads: s.message.payloads.map((p) => (p.type === 6 ? { ...p, data: der } : p)),
    },
  }));
}

test('tshark dissects every field of our encoded messages as we meant it, nothing malformed', (t) => {
  if (!tsharkAvailable()) {
    t.diagnostic('tshark is not installed: Wireshark agreement not checked');
    t.skip('tshark not installed');
    return;
  }
  const samples = withRealCertificate(SAMPLES);
  const encoded = samples.map((s) => encodeMessage(s.message));
  const frames = samples.map((s, i) => ({
    time: 1_800_000_000 + i,
    data: udpIpv4Frame(
      '192.0.2.1',
      '192.0.2.2',
      s.port,
      s.port,
      s.port === 4500 ? addNonEspMarker(encoded[i]!) : encoded[i]!,
    ),
  }));
  const dir = mkdtempSync(join(tmpdir(), 'typeswan-wire-'));
  try {
    const file = join(dir, 'samples.pcap');
    writeFileSync(file, encodePcap(frames));
    const packets = dissect(file);
    assert.equal(packets.length, samples.length);
    let checkedFields = 0;
    const covered = new Set<number | string>();
    samples.forEach((sample, i) => {
      const fields = packets[i]!;
      const problems = fields.filter(
        (f) => f.name.startsWith('_ws.expert') || f.name === '_ws.malformed' || f.name.includes('.error'),
      );
      assert.deepEqual(problems, [], `${sample.name}: no malformed/expert flags`);
      const { show, size } = expectedFields(sample.message, encoded[i]!);
      for (const [expected, attr] of [
        [show, 'show'],
        [size, 'size'],
      ] as const) {
        for (const [name, values] of expected) {
          const got = fields.filter((f) => f.name === name).map((f) => f[attr]);
          assert.deepEqual(got, values, `${sample.name}: ${name} (${attr})`);
          checkedFields += values.length;
        }
      }
      for (const p of decodeMessage(encoded[i]!).payloads) covered.add(payloadTypeOf(p));
    });
    for (const type of [1, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 20, 21, 130, 131, 132]) {
      assert.ok(covered.has(type), `payload type ${type} covered`);
    }
    t.diagnostic(`${checkedFields} field values agreed with tshark`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
