// Wire exactness against strongSwan 5.9.8 (test/fixtures/strongswan-ikev1, see each README):
// (a) our key derivation, HASH_I/HASH_R, IVs, HASH(3) and KEYMAT against the logged values;
// (b) our codec decodes charon's captured messages and re-encodes them byte for byte, and our
//     CBC with the logged Ka/IV decrypts charon's MM5 to [ID HASH N(INITIAL_CONTACT)];
// (c) our responder answers charon's captured MM1 and MM3 the way charon's responder did:
//     the same chosen SA payload, [KE No NAT-D NAT-D], and charon's NAT-D for our address
//     matches the hash we compute.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fixture } from '../util/fixtures.js';
import { decodeCapture, ipPayload } from '../../src/observe/pcap.js';
import { decodeDatagram as decodeMessage } from '../../src/ike/message.js';
import {
  concat,
  decodeMessage as decodeWire,
  decodePayloads,
  encodeMessage,
  payloadBody,
  payloadTypeOf,
  type Payload,
} from '../../src/wire/index.js';

const bodyOf = (p: Payload | undefined): Uint8Array => (p ? payloadBody(p) : new Uint8Array(0));
import {
  cbcDecrypt,
  deriveSkeyids,
  expandEncryptionKey,
  hashI,
  hashR,
  ikeCipher,
  keymat,
  phase1Iv,
  phase2Iv,
  quickModeHash3,
  skeyidPsk,
} from '../../src/ike/keys.js';
import { natdHash } from '../../src/ike/natd.js';
import { IkeManager, type IkeAction } from '../../src/ike/index.js';
import { chapterConfigs, Lab, makeConfig, seededRng, eventsOf, Node } from './harness.js';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array | undefined): string => Buffer.from(b ?? new Uint8Array(0)).toString('hex');

function readme(dir: string): string {
  return readFileSync(fixture(`strongswan-ikev1/${dir}/README.md`), 'utf8');
}
function logged(text: string, label: string, nth = 0): Uint8Array {
  const re = new RegExp(`^${label.replace(/[()]/g, '\\$&')} \\(\\d+ bytes\\) = ([0-9a-f]+)$`, 'gm');
  const all = [...text.matchAll(re)];
  const m = all[nth];
  if (!m?.[1]) throw new Error(`${label} not in README`);
  return hex(m[1]);
}

/** UDP payloads of the capture, with the non-ESP marker stripped on 4500 (IKE only). */
function ikeMessages(dir: string): { srcPort: number; data: Uint8Array }[] {
  const frames = decodeCapture(
    new Uint8Array(readFileSync(fixture(`strongswan-ikev1/${dir}/capture.pcapng`))),
  );
  const out: { srcPort: number; data: Uint8Array }[] = [];
  for (const f of frames) {
    const ip = ipPayload(f);
    if (!ip || ip[9] !== 17) continue;
    const ihl = ((ip[0] ?? 0x45) & 15) * 4;
    const udp = ip.subarray(ihl);
    const srcPort = ((udp[0] ?? 0) << 8) | (udp[1] ?? 0);
    const dstPort = ((udp[2] ?? 0) << 8) | (udp[3] ?? 0);
    let data = udp.subarray(8);
    if (srcPort === 4500 || dstPort === 4500) {
      if (data.length < 4 || data[0] !== 0 || data[1] !== 0 || data[2] !== 0 || data[3] !== 0) continue; // ESP
      data = data.subarray(4);
    }
    out.push({ srcPort, data: data.slice() });
  }
  return out;
}

const MM = 'mm-psk-3des-md5-modp1024-pfs';

test('strongSwan MM PSK 3DES/MD5/MODP1024: SKEYIDs, Ka, IVs, HASH_I/HASH_R, HASH(3) and KEYMAT', () => {
  const r = readme(MM);
  const psk = new TextEncoder().encode('kat2-mm-psk-3des-md5');
  const ni = hex('a788b8a515f4a4926d079801db9fd7718ffcf9560c02a1afe36d2d54bec9b42b');
  const nr = hex('f21ca5cc82f3ef51179618b22fee0a8939fb55778472abf83969e415cfdbd91e');
  const ckyI = hex('34a699bb7bbf82ff');
  const ckyR = hex('58a97ff06e81f935');
  const gxy = logged(r, 'shared Diffie Hellman secret');
  const skeyid = skeyidPsk('md5', psk, ni, nr);
  assert.equal(toHex(skeyid), toHex(logged(r, 'SKEYID')));
  const k = deriveSkeyids('md5', skeyid, gxy, ckyI, ckyR);
  assert.equal(toHex(k.d), toHex(logged(r, 'SKEYID_d')));
  assert.equal(toHex(k.a), toHex(logged(r, 'SKEYID_a')));
  assert.equal(toHex(k.e), toHex(logged(r, 'SKEYID_e')));
  const ka = expandEncryptionKey('md5', k.e, 24);
  assert.equal(toHex(ka), toHex(logged(r, 'encryption key Ka')));
  // HASH_I data = g^xi | g^xr | CKY-I | CKY-R | SAi_b | IDii_b (RFC 2409 §5)
  const hid = logged(r, 'HASH_I data');
  const gxi = hid.subarray(0, 128);
  const gxr = hid.subarray(128, 256);
  assert.equal(toHex(phase1Iv('md5', gxi, gxr, 8)), toHex(logged(r, 'initial IV')));
  const rest = hid.subarray(256 + 16);
  const idLen = 4 + 'r1.lab.example'.length;
  const saiB = rest.subarray(0, rest.length - idLen);
  const idiiB = rest.subarray(rest.length - idLen);
  assert.equal(toHex(hashI('md5', skeyid, gxi, gxr, ckyI, ckyR, saiB, idiiB)), toHex(logged(r, 'HASH_I')));
  const idirB = concat(idiiB.subarray(0, 4), new TextEncoder().encode('r2.lab.example'));
  assert.equal(toHex(hashR('md5', skeyid, gxi, gxr, ckyI, ckyR, saiB, idirB)), toHex(logged(r, 'HASH_R')));
  // Quick mode 1464747044 with PFS
  const mid = 1464747044;
  const qni = hex('dce6864ce7225e393ecd05c9f07749e5f8cc992e0b7e29cb53ecbbcf1cfe74d6');
  const qnr = hex('9c295bd7312deb8fdbb61f15584754a5d1b9abaac08a863249990bce6e1e3419');
  assert.equal(toHex(quickModeHash3('md5', k.a, mid, qni, qnr)), toHex(logged(r, 'Hash(3)')));
  const gqm = logged(r, 'DH secret');
  const kmI = keymat('md5', k.d, 3, 0xf0e6e1a7, qni, qnr, 40, gqm);
  assert.equal(toHex(kmI.subarray(0, 24)), toHex(logged(r, 'encryption initiator key')));
  assert.equal(toHex(kmI.subarray(24)), toHex(logged(r, 'integrity initiator key')));
  const kmR = keymat('md5', k.d, 3, 0xc35fee53, qni, qnr, 40, gqm);
  assert.equal(toHex(kmR.subarray(0, 24)), toHex(logged(r, 'encryption responder key')));
  assert.equal(toHex(kmR.subarray(24)), toHex(logged(r, 'integrity responder key')));
  // phase-2 IV = hash(last phase-1 CBC block | M-ID): the last block of MM6 in the capture
  const msgs = ikeMessages(MM);
  const mm6 = msgs[5]?.data;
  assert.ok(mm6);
  const lastBlock = mm6.subarray(mm6.length - 8);
  assert.equal(toHex(phase2Iv('md5', lastBlock, mid, 8)), toHex(logged(r, 'next IV for MID 1464747044')));
});

test('strongSwan captures: our codec decodes and re-encodes every clear message byte for byte; MM5 decrypts', () => {
  for (const dir of [MM, 'mm-psk-aes128-sha1-modp2048', 'am-psk-aes256-sha256-modp2048', 'dpd-delete']) {
    const msgs = ikeMessages(dir);
    assert.ok(msgs.length >= 6, dir);
    for (const m of msgs) {
      const d = decodeWire(m.data);
      assert.equal(d.header.flags.encryption || d.payloads.length > 0, true, `${dir}: payloads decoded`);
      assert.equal(toHex(encodeMessage(d)), toHex(m.data), `${dir}: re-encode`);
    }
  }
  const r = readme(MM);
  const mm5 = decodeMessage(ikeMessages(MM)[4]?.data ?? new Uint8Array(0));
  const plain = cbcDecrypt(
    ikeCipher('3des'),
    logged(r, 'encryption key Ka'),
    logged(r, 'initial IV'),
    mm5.encrypted ?? new Uint8Array(0),
  );
  const { payloads } = decodePayloads(mm5.nextPayload, plain);
  assert.deepEqual(payloads.map(payloadTypeOf), [5, 8, 11]);
  assert.equal(Buffer.from(bodyOf(payloads[0]).subarray(4)).toString(), 'r1.lab.example');
  assert.equal(toHex(bodyOf(payloads[1])), toHex(logged(r, 'HASH_I')));
});

test("our responder answers charon's MM1 and MM3 as charon's responder did", () => {
  const msgs = ikeMessages(MM);
  const config = makeConfig(
    {
      hostname: 'r2',
      wan: '192.0.2.2',
      lan: { address: '10.2.0.0', netmask: '255.255.255.0' },
      policies: [{ encryption: '3des', hash: 'md5', group: 2, lifetimeSeconds: 86400 }],
      keys: [{ key: 'kat2-mm-psk-3des-md5', address: '192.0.2.1' }],
    },
    '192.0.2.1',
    { address: '10.1.0.0', netmask: '255.255.255.0' },
  );
  const engine = new IkeManager({ config, rng: seededRng('r2'), localAddresses: ['192.0.2.2'] });
  const node = new Node('b', '192.0.2.2', engine);
  const sends = (acts: IkeAction[]): Uint8Array[] => {
    for (const a of acts) if (a.kind === 'event') node.events.push(a.event);
    return acts.flatMap((a) => (a.kind === 'send' ? [a.data] : []));
  };
  const dg = (data: Uint8Array) => ({
    srcAddress: '192.0.2.1',
    srcPort: 500,
    dstAddress: '192.0.2.2',
    dstPort: 500,
    data,
  });
  const [mm2] = sends(engine.receive(dg(msgs[0]?.data ?? new Uint8Array(0)), 0));
  assert.ok(mm2);
  const ours = decodeMessage(mm2);
  const theirs = decodeMessage(msgs[1]?.data ?? new Uint8Array(0));
  assert.equal(toHex(ours.initiatorCookie), '34a699bb7bbf82ff');
  assert.equal(ours.payloads[0]?.type, 1);
  // charon echoes the one transform it chose; so do we, byte for byte
  assert.equal(toHex(bodyOf(ours.payloads[0])), toHex(bodyOf(theirs.payloads[0])));
  assert.ok(eventsOf(node, 'vendorId').some((v) => v.name === 'RFC 3947'));
  // MM3 carries charon's cookies: rewrite our responder cookie into it to continue
  const mm3 = (msgs[2]?.data ?? new Uint8Array(0)).slice();
  mm3.set(ours.responderCookie, 8);
  const [mm4] = sends(engine.receive(dg(mm3), 0.01));
  assert.ok(mm4);
  const d4 = decodeMessage(mm4);
  assert.deepEqual(
    d4.payloads.map(payloadTypeOf),
    decodeMessage(msgs[3]?.data ?? new Uint8Array(0)).payloads.map(payloadTypeOf),
    '[ KE No NAT-D NAT-D ]',
  );
  // charon's first NAT-D names us (192.0.2.2:500), computed with the cookies it saw
  const natd = decodeMessage(msgs[2]?.data ?? new Uint8Array(0)).payloads.filter((p) => p.type === 20);
  assert.equal(
    toHex(bodyOf(natd[0])),
    toHex(natdHash('md5', hex('34a699bb7bbf82ff'), hex('58a97ff06e81f935'), '192.0.2.2', 500)),
  );
  // (Our engine itself sees a "NAT" here: charon hashed its own responder cookie, not ours.)
  assert.equal(eventsOf(node, 'natDetected').length, 1);
});

const AM = 'am-psk-aes256-sha256-modp2048';

test('strongSwan AM PSK AES-256/SHA-256/MODP2048: keys, HASH_I/HASH_R, KEYMAT (two PRF blocks) and the phase-2 IV after AM3', () => {
  const r = readme(AM);
  const nonce = (frame: number): Uint8Array => {
    const m = new RegExp(`^\\| ${frame} \\|[^|]*\\|[^|]*\\| \`([0-9a-f]+)\``, 'm').exec(r);
    if (!m?.[1]) throw new Error(`nonce of frame ${frame}`);
    return hex(m[1]);
  };
  const ni = nonce(1);
  const nr = nonce(2);
  const ckyI = hex('d20f02fa9a8e242b');
  const ckyR = hex('a74964a625aacebf');
  const skeyid = skeyidPsk('sha256', new TextEncoder().encode('kat3-am-psk-aes256-sha256'), ni, nr);
  assert.equal(toHex(skeyid), toHex(logged(r, 'SKEYID')));
  const k = deriveSkeyids('sha256', skeyid, logged(r, 'shared Diffie Hellman secret'), ckyI, ckyR);
  assert.equal(toHex(k.e), toHex(logged(r, 'SKEYID_e')));
  assert.equal(toHex(expandEncryptionKey('sha256', k.e, 32)), toHex(logged(r, 'encryption key Ka')));
  const hid = logged(r, 'HASH_I data');
  const gxi = hid.subarray(0, 256);
  const gxr = hid.subarray(256, 512);
  assert.equal(toHex(phase1Iv('sha256', gxi, gxr, 16)), toHex(logged(r, 'initial IV')));
  const rest = hid.subarray(512 + 16);
  const idLen = 4 + 'r1.lab.example'.length;
  const saiB = rest.subarray(0, rest.length - idLen);
  const idiiB = rest.subarray(rest.length - idLen);
  assert.equal(toHex(hashI('sha256', skeyid, gxi, gxr, ckyI, ckyR, saiB, idiiB)), toHex(logged(r, 'HASH_I')));
  const idirB = concat(idiiB.subarray(0, 4), new TextEncoder().encode('r2.lab.example'));
  assert.equal(toHex(hashR('sha256', skeyid, gxi, gxr, ckyI, ckyR, saiB, idirB)), toHex(logged(r, 'HASH_R')));
  const qni = nonce(4);
  const qnr = nonce(5);
  const gqm = logged(r, 'DH secret');
  const km = keymat('sha256', k.d, 3, 0xc62ce2e0, qni, qnr, 64, gqm);
  assert.equal(toHex(km.subarray(0, 32)), toHex(logged(r, 'encryption initiator key')));
  assert.equal(toHex(km.subarray(32)), toHex(logged(r, 'integrity initiator key')));
  assert.equal(toHex(quickModeHash3('sha256', k.a, 4198038817, qni, qnr)), toHex(logged(r, 'Hash(3)')));
  const am3 = ikeMessages(AM)[2]?.data ?? new Uint8Array(0);
  assert.equal(am3[18], 4, 'AM3');
  assert.equal(
    toHex(phase2Iv('sha256', am3.subarray(am3.length - 16), 4198038817, 16)),
    toHex(logged(r, 'next IV for MID 4198038817')),
  );
});

test("our aggressive-mode responder answers charon's AM1 with charon's SA and payload order", () => {
  const msgs = ikeMessages(AM);
  const config = makeConfig(
    {
      hostname: 'r2',
      wan: '192.0.2.2',
      lan: { address: '10.2.0.0', netmask: '255.255.255.0' },
      policies: [{ encryption: 'aes256', hash: 'sha256', group: 14, lifetimeSeconds: 86400 }],
      keys: [{ key: 'kat3-am-psk-aes256-sha256', hostname: 'r1.lab.example' }],
      identity: 'hostname',
    },
    '192.0.2.1',
    { address: '10.1.0.0', netmask: '255.255.255.0' },
  );
  const engine = new IkeManager({
    config,
    rng: seededRng('r2am'),
    localAddresses: ['192.0.2.2'],
    domainName: 'lab.example',
  });
  const node = new Node('b', '192.0.2.2', engine);
  const acts = engine.receive(
    {
      srcAddress: '192.0.2.1',
      srcPort: 500,
      dstAddress: '192.0.2.2',
      dstPort: 500,
      data: msgs[0]?.data ?? new Uint8Array(0),
    },
    0,
  );
  for (const a of acts) if (a.kind === 'event') node.events.push(a.event);
  const am2 = acts.find((a) => a.kind === 'send');
  assert.ok(am2 && am2.kind === 'send');
  const ours = decodeMessage(am2.data);
  const theirs = decodeMessage(msgs[1]?.data ?? new Uint8Array(0));
  assert.equal(toHex(bodyOf(ours.payloads[0])), toHex(bodyOf(theirs.payloads[0])), 'same chosen transform');
  const shape = (t: number[]): string => t.filter((x) => x !== 13).join(' ');
  assert.equal(
    shape(ours.payloads.map(payloadTypeOf)),
    shape(theirs.payloads.map(payloadTypeOf)),
    '[ SA KE No ID (V..) NAT-D NAT-D HASH ]',
  );
  assert.equal(eventsOf(node, 'pskFound')[0]?.match, 'r1.lab.example');
  assert.equal(Buffer.from(bodyOf(ours.payloads[3]).subarray(4)).toString(), 'r2.lab.example');
});

test("charon's quick mode: our decryption and HASH(1)/HASH(2) match its log; our responder accepts its QM1", async () => {
  const { IkeSa } = await import('../../src/ike/ikeSa.js');
  const { QuickMode } = await import('../../src/ike/quickMode.js');
  const r = readme(MM);
  const msgs = ikeMessages(MM);
  const mid = 1464747044;
  const psk = new TextEncoder().encode('kat2-mm-psk-3des-md5');
  const ni = hex('a788b8a515f4a4926d079801db9fd7718ffcf9560c02a1afe36d2d54bec9b42b');
  const nr = hex('f21ca5cc82f3ef51179618b22fee0a8939fb55778472abf83969e415cfdbd91e');
  const ckyI = hex('34a699bb7bbf82ff');
  const ckyR = hex('58a97ff06e81f935');
  const skeyid = skeyidPsk('md5', psk, ni, nr);
  const keys = deriveSkeyids('md5', skeyid, logged(r, 'shared Diffie Hellman secret'), ckyI, ckyR);
  // Phase-1 state as charon's responder had it after MM6.
  const sa = new IkeSa(1, 'responder', 'main', ckyI, '192.0.2.2', 4500, '192.0.2.1', 4500, 0);
  sa.ckyR = ckyR;
  sa.hash = 'md5';
  sa.cipher = ikeCipher('3des');
  sa.encKey = logged(r, 'encryption key Ka');
  sa.keys = keys;
  sa.authenticated = true;
  sa.natT = 'rfc';
  sa.peerBehindNat = true;
  const mm6 = msgs[5]?.data ?? new Uint8Array(0);
  sa.lastPhase1Block = mm6.subarray(mm6.length - 8);
  const qm1 = decodeMessage(msgs[6]?.data ?? new Uint8Array(0));
  assert.equal(qm1.messageId, mid);
  const dec = sa.decrypt(mid, qm1.encrypted ?? new Uint8Array(0));
  assert.ok(dec);
  // HASH(1) as charon logged it, over the payloads after HASH (RFC 2409 §5.5)
  const { payloads, trailing } = decodePayloads(qm1.nextPayload, dec.plain);
  assert.deepEqual(payloads.map(payloadTypeOf), [8, 1, 10, 4, 5, 5]);
  assert.equal(toHex(bodyOf(payloads[0])), toHex(logged(r, 'Hash(1)')));
  const rest = dec.plain.subarray(4 + bodyOf(payloads[0]).length, dec.plain.length - trailing.length);
  const { quickModeHash1, quickModeHash2 } = await import('../../src/ike/keys.js');
  assert.equal(toHex(quickModeHash1('md5', keys.a, mid, rest)), toHex(logged(r, 'Hash(1)')));
  // QM2: the IV continues from QM1's last block; HASH(2) includes Ni_b
  sa.commitIv(mid, dec.nextIv);
  const qm2 = decodeMessage(msgs[7]?.data ?? new Uint8Array(0));
  const dec2 = sa.decrypt(mid, qm2.encrypted ?? new Uint8Array(0));
  assert.ok(dec2);
  const p2 = decodePayloads(qm2.nextPayload, dec2.plain);
  const rest2 = dec2.plain.subarray(
    4 + bodyOf(p2.payloads[0]).length,
    dec2.plain.length - p2.trailing.length,
  );
  const qmNi = bodyOf(payloads[2]);
  assert.equal(toHex(quickModeHash2('md5', keys.a, mid, qmNi, rest2)), toHex(logged(r, 'Hash(2)')));
  // Our quick-mode responder takes charon's QM1 (fresh IV state, as on arrival).
  sa.phase2Ivs.delete(mid);
  const events: { type: string }[] = [];
  const entry = {
    map: 'vpn',
    seq: 10,
    kind: 'ipsec-isakmp' as const,
    peers: ['192.0.2.1'],
    transformSets: ['ts'],
    pfsGroup: 2 as const,
  };
  const ts = {
    name: 'ts',
    espEncryption: 'esp-3des' as const,
    espIntegrity: 'esp-md5-hmac' as const,
    mode: 'tunnel' as const,
  };
  let spi = 0x1000;
  const ctx = {
    rng: seededRng('qm'),
    now: 0,
    emit: (e: { type: string }) => events.push(e),
    allocateSpi: () => spi++,
    findPolicy: () => ({ entry, transformSets: [ts], lifetime: { seconds: 3600, kilobytes: 4608000 } }),
    transformSetsOf: () => [ts],
    lifetimeOf: () => ({ seconds: 3600, kilobytes: 4608000 }),
  };
  const dec3 = sa.decrypt(mid, qm1.encrypted ?? new Uint8Array(0));
  assert.ok(dec3);
  const node = new QuickMode(sa, mid, 'responder');
  const result = node.process(ctx, dec3.plain, qm1.nextPayload, false);
  assert.equal(result?.status, 'needMore');
  const step = result.step;
  assert.ok(step.send);
  assert.deepEqual(
    step.send.map(payloadTypeOf),
    [8, 1, 10, 4, 5, 5, 11],
    '[ HASH SA No KE ID ID N(RESPONDER_LIFETIME) ]',
  );
  const proposal = events.find(
    (e): e is { type: 'phase2Proposal'; transforms: { attributes: string[] }[] } & { type: string } =>
      e.type === 'phase2Proposal',
  );
  assert.ok(proposal?.transforms[0]?.attributes.includes('encaps is 3'), 'RFC 3947 UDP-encapsulated tunnel');
  assert.ok(proposal?.transforms[0]?.attributes.includes('SA life duration (basic) of 3960'));
  const pair = node.pairs?.[0];
  assert.equal(pair?.outbound.spi, 0xc35fee53, 'outbound = the SPI charon chose for its inbound SA');
  assert.deepEqual(pair?.outbound.udpEncapsulation, { localPort: 4500, remotePort: 4500 });
  assert.equal(pair?.outbound.pfsGroup, 2);
  assert.equal(pair?.outbound.lifetime.seconds, 3600);
  assert.deepEqual(pair?.inbound.selector, {
    protocol: 0,
    localStart: '10.2.0.0',
    localEnd: '10.2.0.255',
    localPortStart: 0,
    localPortEnd: 65535,
    remoteStart: '10.1.0.0',
    remoteEnd: '10.1.0.255',
    remotePortStart: 0,
    remotePortEnd: 65535,
  });
});

test("exportIkeKeys gives what Wireshark's ikev1_decryption_table needs (CKY-I, Ka)", () => {
  const { a, b } = chapterConfigs();
  const lab = new Lab({ config: a }, { config: b });
  lab.acquire('a');
  lab.run(5);
  const ka = lab.a.engine.exportIkeKeys(1);
  const kb = lab.b.engine.exportIkeKeys(1);
  assert.ok(ka && kb);
  assert.equal(ka.encryptionKey.length, 48, '3DES Ka: 24 bytes');
  assert.deepEqual(ka, kb);
  // MM5 decrypts with Ka and the phase-1 IV computed from the KE payloads (as tshark does).
  const mm3 = decodeMessage(lab.a.sent[1] ?? new Uint8Array(0));
  const mm4 = decodeMessage(lab.b.sent[1] ?? new Uint8Array(0));
  const iv = phase1Iv('sha1', bodyOf(mm3.payloads[0]), bodyOf(mm4.payloads[0]), 8);
  const mm5 = decodeMessage(lab.a.sent[2] ?? new Uint8Array(0));
  const plain = cbcDecrypt(ikeCipher('3des'), hex(ka.encryptionKey), iv, mm5.encrypted ?? new Uint8Array(0));
  assert.deepEqual(decodePayloads(mm5.nextPayload, plain).payloads.map(payloadTypeOf), [5, 8, 11]);
  assert.equal(lab.a.engine.exportIkeKeys(99), undefined);
});
