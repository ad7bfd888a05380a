// Two engines negotiate over the in-memory link: every main/aggressive/quick mode path, both
// roles, NAT-T (forced and through a translating NAT), PFS, lifetimes and failures.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  A_LAN,
  A_WAN,
  B_LAN,
  B_WAN,
  chapterConfigs,
  eventsOf,
  Lab,
  SELECTOR_A,
  type Node,
} from './harness.js';
import { mirror } from '../../src/ike/selectors.js';
import type { IpsecSaPair } from '../../src/policy/sa.js';

function assertMirrored(a: Node, b: Node): void {
  assert.equal(a.installed.length, 1, 'A installed one pair set');
  assert.equal(b.installed.length, 1, 'B installed one pair set');
  const pa = a.installed[0]?.pairs[0] as IpsecSaPair;
  const pb = b.installed[0]?.pairs[0] as IpsecSaPair;
  assert.equal(pa.outbound.spi, pb.inbound.spi);
  assert.equal(pa.inbound.spi, pb.outbound.spi);
  assert.deepEqual(pa.outbound.encryptionKey, pb.inbound.encryptionKey);
  assert.deepEqual(pa.outbound.integrityKey, pb.inbound.integrityKey);
  assert.deepEqual(pa.inbound.encryptionKey, pb.outbound.encryptionKey);
  assert.notDeepEqual(pa.inbound.encryptionKey, pa.outbound.encryptionKey);
  assert.deepEqual(pa.outbound.selector, mirror(pb.outbound.selector));
  assert.equal(pa.outbound.source, A_WAN);
  assert.equal(pa.outbound.destination, B_WAN);
}

test('main mode + quick mode, A initiates (chapter Examples 13-1/13-2)', () => {
  const { a, b } = chapterConfigs();
  const lab = new Lab({ config: a }, { config: b });
  lab.acquire('a');
  lab.run(30);
  assertMirrored(lab.a, lab.b);
  const pair = lab.a.installed[0]?.pairs[0] as IpsecSaPair;
  assert.equal(pair.outbound.cipher, '3des-cbc');
  assert.equal(pair.outbound.integrity, 'hmac-md5-96');
  assert.equal(pair.outbound.encryptionKey?.length, 24);
  assert.equal(pair.outbound.integrityKey?.length, 16);
  assert.equal(pair.outbound.mode, 'tunnel');
  assert.equal(pair.outbound.udpEncapsulation, undefined, 'no NAT, no encapsulation');
  assert.deepEqual(pair.outbound.lifetime, { seconds: 3600, kilobytes: 4608000 });
  assert.deepEqual(
    lab.a.engine.listIkeSas().map((s) => [s.dst, s.src, s.state, s.connId, s.slot]),
    [[B_WAN, A_WAN, 'QM_IDLE', 1, 0]],
  );
  assert.deepEqual(
    lab.b.engine.listIkeSas().map((s) => [s.dst, s.src, s.state, s.connId, s.slot]),
    [[A_WAN, B_WAN, 'QM_IDLE', 1, 0]],
  );
  assert.equal(lab.a.engine.listIpsecSas().length, 1);
  // charon-style payload lists, as strongSwan logs them
  const sent = eventsOf(lab.a, 'packet')
    .filter((p) => p.direction === 'sent')
    .map((p) => `${p.exchange} [ ${p.payloads.join(' ')} ]`);
  assert.deepEqual(sent, [
    'ID_PROT [ SA V V V V V V ]',
    'ID_PROT [ KE No NAT-D NAT-D ]',
    'ID_PROT [ ID HASH N(INITIAL_CONTACT) ]',
    'QUICK_MODE [ HASH SA No ID ID ]',
    'QUICK_MODE [ HASH ]',
  ]);
});

test('main mode + quick mode, B initiates (roles swapped)', () => {
  const { a, b } = chapterConfigs();
  const lab = new Lab({ config: a }, { config: b });
  lab.acquire('b', mirror(SELECTOR_A));
  lab.run(30);
  assertMirrored(lab.a, lab.b);
  assert.equal(lab.b.engine.listIkeSas()[0]?.role, 'initiator');
  assert.equal(lab.a.engine.listIkeSas()[0]?.role, 'responder');
});

test('forced UDP encapsulation floats to 4500 and negotiates UDP-encapsulated tunnel mode', () => {
  const { a, b } = chapterConfigs();
  const lab = new Lab({ config: a, forceEncapsulation: true }, { config: b });
  lab.acquire('a');
  lab.run(30);
  assertMirrored(lab.a, lab.b);
  const pa = lab.a.installed[0]?.pairs[0] as IpsecSaPair;
  const pb = lab.b.installed[0]?.pairs[0] as IpsecSaPair;
  assert.deepEqual(pa.outbound.udpEncapsulation, { localPort: 4500, remotePort: 4500 });
  assert.deepEqual(pb.outbound.udpEncapsulation, { localPort: 4500, remotePort: 4500 });
  const nat = eventsOf(lab.b, 'natDetected')[0];
  assert.equal(nat?.peerBehindNat, true, 'B sees A behind a (pretended) NAT');
  const ports = eventsOf(lab.a, 'packet')
    .filter((p) => p.direction === 'sent')
    .map((p) => p.peerPort);
  assert.deepEqual(ports, [500, 500, 4500, 4500, 4500], 'MM1, MM3 on 500; MM5 and quick mode on 4500');
  const qm = lab.a.sent[3] as Uint8Array;
  assert.equal(qm[18], 32, 'quick mode');
  assert.equal(lab.a.engine.listIkeSas()[0]?.natT, true);
});

test('NAT with port translation in front of the initiator: both detect it, ports follow the NAT', () => {
  const { a, b } = chapterConfigs({
    b: { keys: [{ key: 'jw4ep9846804ijl', address: '0.0.0.0', netmask: '0.0.0.0' }], dynamic: true },
  });
  const lab = new Lab({ config: a }, { config: b });
  lab.nat = { outside: '198.51.100.7', ports: new Map() };
  lab.acquire('a');
  lab.run(30);
  assert.equal(lab.a.installed.length, 1);
  assert.equal(lab.b.installed.length, 1);
  const natA = eventsOf(lab.a, 'natDetected')[0];
  const natB = eventsOf(lab.b, 'natDetected')[0];
  assert.deepEqual([natA?.localBehindNat, natA?.peerBehindNat], [true, false]);
  assert.deepEqual([natB?.localBehindNat, natB?.peerBehindNat], [false, true]);
  const pb = lab.b.installed[0]?.pairs[0] as IpsecSaPair;
  assert.equal(pb.outbound.destination, '198.51.100.7');
  assert.deepEqual(pb.outbound.udpEncapsulation, { localPort: 4500, remotePort: 14500 });
  // RFC 3948: the side behind the NAT sends keepalives every 20 s, the other side none.
  // Phase 1 completed at t < 0.1 s; running to 95 s gives keepalives at 20, 40, 60 and 80 s.
  lab.run(95);
  assert.equal(lab.a.keepalives, 4);
  assert.equal(lab.b.keepalives, 0);
});

test('PFS: matching groups negotiate and change the keys; mismatch fails with NO-PROPOSAL-CHOSEN', () => {
  {
    const { a, b } = chapterConfigs({ a: { cryptoMap: { pfsGroup: 2 } }, b: { cryptoMap: { pfsGroup: 2 } } });
    const lab = new Lab({ config: a }, { config: b });
    lab.acquire('a');
    lab.run(30);
    assertMirrored(lab.a, lab.b);
    assert.equal(lab.a.installed[0]?.pairs[0]?.outbound.pfsGroup, 2);
    const sent = eventsOf(lab.a, 'packet').filter(
      (p) => p.exchange === 'QUICK_MODE' && p.direction === 'sent',
    );
    assert.deepEqual(sent[0]?.payloads, ['HASH', 'SA', 'No', 'KE', 'ID', 'ID']);
  }
  {
    // The responder without PFS configured agrees to the initiator's group.
    const { a, b } = chapterConfigs({ a: { cryptoMap: { pfsGroup: 2 } } });
    const lab = new Lab({ config: a }, { config: b });
    lab.acquire('a');
    lab.run(30);
    assertMirrored(lab.a, lab.b);
    assert.equal(lab.b.installed[0]?.pairs[0]?.inbound.pfsGroup, 2);
  }
  {
    const { a, b } = chapterConfigs({ a: { cryptoMap: { pfsGroup: 1 } }, b: { cryptoMap: { pfsGroup: 2 } } });
    const lab = new Lab({ config: a }, { config: b });
    lab.acquire('a');
    lab.run(60);
    assert.equal(lab.a.installed.length, 0);
    assert.equal(lab.b.installed.length, 0);
    const check = eventsOf(lab.b, 'phase2Check').find((c) => c.check.mismatch);
    assert.deepEqual(check?.check.mismatch, { attribute: 'PFS group', ours: 'group2', theirs: 'group1' });
    assert.ok(eventsOf(lab.b, 'notifySent').some((n) => n.notify === 'NO_PROPOSAL_CHOSEN'));
    assert.ok(
      eventsOf(lab.a, 'nodeDeleted').some((n) => n.error && /NO_PROPOSAL_CHOSEN/.test(n.reason)),
      'initiator stops on the notify',
    );
  }
  {
    // PFS required by the responder, not offered.
    const { a, b } = chapterConfigs({ b: { cryptoMap: { pfsGroup: 2 } } });
    const lab = new Lab({ config: a }, { config: b });
    lab.acquire('a');
    lab.run(60);
    assert.equal(lab.b.installed.length, 0);
    assert.deepEqual(eventsOf(lab.b, 'phase2Check').find((c) => c.check.mismatch)?.check.mismatch, {
      attribute: 'PFS group',
      ours: 'group2',
      theirs: 'no PFS',
    });
  }
});

test('wrong pre-shared key: clean failure, no SA on either side', () => {
  const { a, b } = chapterConfigs({ b: { keys: [{ key: 'not-the-same-key', address: A_WAN }] } });
  const lab = new Lab({ config: a }, { config: b });
  lab.acquire('a');
  lab.run(300);
  assert.equal(lab.a.installed.length, 0);
  assert.equal(lab.b.installed.length, 0);
  assert.deepEqual(lab.a.engine.listIkeSas(), []);
  assert.deepEqual(lab.b.engine.listIkeSas(), []);
  const notify = eventsOf(lab.b, 'notifySent')[0]?.notify;
  assert.ok(notify === 'AUTHENTICATION_FAILED' || notify === 'INVALID_HASH_INFORMATION', String(notify));
  assert.ok(eventsOf(lab.b, 'authFailed').length >= 1);
  assert.equal(eventsOf(lab.a, 'authenticated').length, 0);
  assert.equal(eventsOf(lab.b, 'authenticated').length, 0);
  assert.equal(lab.a.engine.nextDeadline(), undefined, 'no timers left');
  assert.equal(lab.b.engine.nextDeadline(), undefined, 'no timers left');
});

test('no common phase-1 proposal: NO-PROPOSAL-CHOSEN and the mismatch explained', () => {
  const { a, b } = chapterConfigs({ a: { policies: [{ encryption: 'aes256' }] } });
  const lab = new Lab({ config: a }, { config: b });
  lab.acquire('a');
  lab.run(300);
  assert.equal(lab.a.installed.length, 0);
  assert.deepEqual(lab.b.engine.listIkeSas(), []);
  assert.deepEqual(lab.a.engine.listIkeSas(), [], 'initiator gave up on the notify');
  const check = eventsOf(lab.b, 'phase1Check')[0];
  assert.deepEqual(check?.check.mismatch, { attribute: 'encryption', ours: '3des', theirs: 'aes256' });
  assert.equal(eventsOf(lab.b, 'notifySent')[0]?.notify, 'NO_PROPOSAL_CHOSEN');
});

test('IOS priority order: every local policy is tried against each offered transform', () => {
  const { a, b } = chapterConfigs({
    a: {
      policies: [
        { priority: 5, encryption: 'aes', hash: 'sha256', group: 14 },
        { priority: 10, encryption: '3des', hash: 'md5', group: 2 },
      ],
    },
    b: {
      policies: [
        { priority: 1, encryption: 'des' },
        { priority: 20, encryption: '3des', hash: 'md5', group: 2 },
      ],
    },
  });
  const lab = new Lab({ config: a }, { config: b });
  lab.acquire('a');
  lab.run(30);
  assertMirrored(lab.a, lab.b);
  const checks = eventsOf(lab.b, 'phase1Check').map((c) => [
    c.check.transformNumber,
    c.check.priority,
    c.check.mismatch?.attribute ?? 'ok',
  ]);
  assert.deepEqual(checks, [
    [1, 1, 'encryption'],
    [2, 1, 'encryption'],
    [1, 20, 'encryption'],
    [2, 20, 'ok'],
  ]);
  assert.equal(lab.a.engine.listIkeSas()[0]?.encryption, '3des');
});

test('phase-1 lifetime is strict: a longer offer is refused, a shorter one adopted', () => {
  {
    const { a, b } = chapterConfigs({
      a: { policies: [{ lifetimeSeconds: 86400 }] },
      b: { policies: [{ lifetimeSeconds: 3600 }] },
    });
    const lab = new Lab({ config: a }, { config: b });
    lab.acquire('a');
    lab.run(60);
    assert.equal(lab.a.installed.length, 0);
    assert.deepEqual(eventsOf(lab.b, 'phase1Check')[0]?.check.mismatch, {
      attribute: 'lifetime',
      ours: '3600',
      theirs: '86400',
    });
  }
  {
    const { a, b } = chapterConfigs({
      a: { policies: [{ lifetimeSeconds: 1800 }] },
      b: { policies: [{ lifetimeSeconds: 3600 }] },
    });
    const lab = new Lab({ config: a }, { config: b });
    lab.acquire('a');
    lab.run(30);
    assertMirrored(lab.a, lab.b);
    const rem = lab.b.engine.listIkeSas()[0]?.lifetimeRemaining ?? 0;
    assert.ok(rem <= 1800 && rem > 1790, `responder uses the offered 1800 s, has ${rem}`);
  }
});

test('phase-2 lifetime is lenient: the responder lowers it with RESPONDER-LIFETIME, the initiator adopts it', () => {
  const { a, b } = chapterConfigs({
    a: { lifetime: { seconds: 3600, kilobytes: 4608000 } },
    b: { lifetime: { seconds: 1200, kilobytes: 100000 } },
  });
  const lab = new Lab({ config: a }, { config: b });
  lab.acquire('a');
  lab.run(30);
  assertMirrored(lab.a, lab.b);
  assert.deepEqual(lab.a.installed[0]?.pairs[0]?.outbound.lifetime, { seconds: 1200, kilobytes: 100000 });
  assert.deepEqual(lab.b.installed[0]?.pairs[0]?.outbound.lifetime, { seconds: 1200, kilobytes: 100000 });
  assert.ok(eventsOf(lab.b, 'responderLifetime').length === 1);
  const qm2 = eventsOf(lab.b, 'packet').find((p) => p.exchange === 'QUICK_MODE' && p.direction === 'sent');
  assert.deepEqual(qm2?.payloads, ['HASH', 'SA', 'No', 'ID', 'ID', 'N(RESPONDER_LIFETIME)']);
  // and a shorter offer is simply taken
  const c2 = chapterConfigs({ a: { lifetime: { seconds: 600, kilobytes: 4608000 } } });
  const lab2 = new Lab({ config: c2.a }, { config: c2.b });
  lab2.acquire('a');
  lab2.run(30);
  assert.equal(lab2.b.installed[0]?.pairs[0]?.inbound.lifetime.seconds, 600);
  assert.equal(eventsOf(lab2.b, 'responderLifetime').length, 0);
});

test('proxy-ID mismatch: INVALID-ID-INFORMATION with the selector named', () => {
  const { a, b } = chapterConfigs({
    b: {
      acl: {
        name: '101',
        entries: [
          {
            action: 'permit',
            protocol: 'ip',
            source: { address: '10.1.2.0', wildcard: '0.0.0.255' },
            destination: { address: '10.9.9.0', wildcard: '0.0.0.255' },
          },
        ],
      },
    },
  });
  const lab = new Lab({ config: a }, { config: b });
  lab.acquire('a');
  lab.run(60);
  assert.equal(lab.a.installed.length, 0);
  assert.equal(lab.b.installed.length, 0);
  assert.equal(eventsOf(lab.b, 'notifySent')[0]?.notify, 'INVALID_ID_INFORMATION');
  assert.match(
    eventsOf(lab.b, 'proxyIdRefused')[0]?.theirs ?? '',
    /10\.1\.2\.0\/255\.255\.255\.0\/0\/0 \(type=4\) <-> 10\.1\.1\.0\/255\.255\.255\.0\/0\/0 \(type=4\)/,
  );
  // Ours too: the entry tried and its ACL's networks, never "transform set -".
  assert.match(
    eventsOf(lab.b, 'proxyIdRefused')[0]?.ours ?? '',
    /crypto map vpn 10 ACL 101 \(10\.1\.2\.0\/255\.255\.255\.0\/0\/0 \(type=4\) <-> 10\.9\.9\.0\/255\.255\.255\.0/,
  );
  assert.equal(eventsOf(lab.b, 'phase2Check').length, 0);
  assert.equal(lab.a.engine.listIkeSas()[0]?.state, 'QM_IDLE', 'phase 1 stays up');
});

test('no common transform set: NO-PROPOSAL-CHOSEN naming the attribute', () => {
  const { a, b } = chapterConfigs({
    b: {
      transformSets: [
        {
          name: 'myset',
          espEncryption: 'esp-aes',
          espKeyBits: 256,
          espIntegrity: 'esp-sha-hmac',
          mode: 'tunnel',
        },
      ],
    },
  });
  const lab = new Lab({ config: a }, { config: b });
  lab.acquire('a');
  lab.run(60);
  assert.equal(lab.b.installed.length, 0);
  assert.deepEqual(eventsOf(lab.b, 'phase2Check')[0]?.check.mismatch, {
    attribute: 'encryption',
    ours: 'esp-aes',
    theirs: 'esp-3des',
  });
});

test('several transform sets, AES-256/SHA-256 and an AH+ESP bundle', () => {
  const sets = [
    {
      name: 'strong',
      espEncryption: 'esp-aes' as const,
      espKeyBits: 256 as const,
      espIntegrity: 'esp-sha256-hmac' as const,
      mode: 'tunnel' as const,
    },
    {
      name: 'bundle',
      ah: 'ah-sha-hmac' as const,
      espEncryption: 'esp-des' as const,
      espIntegrity: 'esp-sha-hmac' as const,
      mode: 'tunnel' as const,
    },
  ];
  {
    const { a, b } = chapterConfigs({ a: { transformSets: sets }, b: { transformSets: sets } });
    const lab = new Lab({ config: a }, { config: b });
    lab.acquire('a');
    lab.run(30);
    assertMirrored(lab.a, lab.b);
    const p = lab.a.installed[0]?.pairs[0] as IpsecSaPair;
    assert.equal(p.outbound.cipher, 'aes-cbc');
    assert.equal(p.outbound.cipherKeyBits, 256);
    assert.equal(p.outbound.encryptionKey?.length, 32);
    assert.equal(p.outbound.integrity, 'hmac-sha256-128');
    assert.equal(p.outbound.integrityKey?.length, 32);
  }
  {
    const { a, b } = chapterConfigs({
      a: { transformSets: sets },
      b: { transformSets: [sets[1] as (typeof sets)[1]] },
    });
    const lab = new Lab({ config: a }, { config: b });
    lab.acquire('a');
    lab.run(30);
    const pairs = lab.a.installed[0]?.pairs ?? [];
    assert.deepEqual(
      pairs.map((p) => p.outbound.protocol),
      ['ah', 'esp'],
    );
    const bp = lab.b.installed[0]?.pairs ?? [];
    assert.deepEqual(
      pairs.map((p) => p.outbound.spi),
      bp.map((p) => p.inbound.spi),
    );
    assert.deepEqual(
      pairs.map((p) => p.outbound.integrityKey),
      bp.map((p) => p.inbound.integrityKey),
    );
    assert.equal(pairs[0]?.outbound.integrityKey?.length, 20);
    assert.equal(pairs[1]?.outbound.encryptionKey?.length, 8);
  }
});

test('aggressive mode with FQDN identities and hostname keys, both roles', () => {
  for (const initiator of ['a', 'b'] as const) {
    const { a, b } = chapterConfigs({
      a: { identity: 'hostname', keys: [{ key: 'am-secret', hostname: 'Responder.lab.example' }] },
      b: { identity: 'hostname', keys: [{ key: 'am-secret', hostname: 'Initiator.lab.example' }] },
    });
    const lab = new Lab(
      { config: a, aggressiveMode: true, domainName: 'lab.example' },
      { config: b, aggressiveMode: true, domainName: 'lab.example' },
    );
    lab.acquire(initiator, initiator === 'a' ? SELECTOR_A : mirror(SELECTOR_A));
    lab.run(30);
    assertMirrored(lab.a, lab.b);
    const ini = lab.node(initiator);
    const sent = eventsOf(ini, 'packet')
      .filter((p) => p.direction === 'sent')
      .map((p) => `${p.exchange} [ ${p.payloads.join(' ')} ]`);
    assert.deepEqual(sent.slice(0, 2), [
      'AGGRESSIVE [ SA KE No ID V V V V V V ]',
      'AGGRESSIVE [ HASH NAT-D NAT-D ]',
    ]);
    const resp = lab.node(initiator === 'a' ? 'b' : 'a');
    const rsent = eventsOf(resp, 'packet').filter((p) => p.direction === 'sent')[0];
    assert.equal(
      `${rsent?.exchange} [ ${rsent?.payloads.join(' ')} ]`,
      'AGGRESSIVE [ SA KE No ID V V V NAT-D NAT-D HASH ]',
    );
    assert.equal(
      resp.engine.listIkeSas()[0]?.peerId,
      initiator === 'a' ? 'Initiator.lab.example' : 'Responder.lab.example',
    );
    assert.equal(
      eventsOf(resp, 'pskFound')[0]?.match,
      initiator === 'a' ? 'Initiator.lab.example' : 'Responder.lab.example',
    );
  }
});

test('aggressive mode with a wrong key fails cleanly', () => {
  const { a, b } = chapterConfigs({
    a: { identity: 'hostname', keys: [{ key: 'one', hostname: 'Responder' }] },
    b: { identity: 'hostname', keys: [{ key: 'two', hostname: 'Initiator' }] },
  });
  const lab = new Lab({ config: a, aggressiveMode: true }, { config: b });
  lab.acquire('a');
  lab.run(300);
  assert.equal(lab.a.installed.length + lab.b.installed.length, 0);
  assert.deepEqual(lab.a.engine.listIkeSas(), []);
  assert.deepEqual(lab.b.engine.listIkeSas(), []);
  assert.equal(eventsOf(lab.a, 'authFailed').length, 1, 'the initiator checks HASH_R first');
});

test('address keys: exact, netmask and wildcard; the most specific wins', () => {
  const { a, b } = chapterConfigs({
    b: {
      keys: [
        { key: 'wrong-wild', address: '0.0.0.0', netmask: '0.0.0.0' },
        { key: 'jw4ep9846804ijl', address: '172.16.172.0', netmask: '255.255.255.0' },
      ],
    },
  });
  const lab = new Lab({ config: a }, { config: b });
  lab.acquire('a');
  lab.run(30);
  assertMirrored(lab.a, lab.b);
  void A_LAN;
  void B_LAN;
});

test('a peer that sends only the draft NAT-T vendor IDs gets draft NAT-D (130) and UDP-tunnel 61443', () => {
  const { a, b } = chapterConfigs();
  const lab = new Lab({ config: a, natT: 'drafts-only', forceEncapsulation: true }, { config: b });
  lab.acquire('a');
  lab.run(30);
  assert.equal(lab.a.installed.length, 1);
  assert.equal(lab.b.installed.length, 1);
  const mm3 = eventsOf(lab.a, 'packet').filter((p) => p.direction === 'sent')[1];
  assert.deepEqual(mm3?.payloads, ['KE', 'No', 'NAT-D', 'NAT-D']);
  const raw = lab.a.sent[1] as Uint8Array;
  // the first payload after KE and No is NAT-D draft type 130: find it in the chain
  let at = 28;
  let next = raw[16] ?? 0;
  const types: number[] = [];
  while (next !== 0 && at < raw.length) {
    types.push(next);
    next = raw[at] ?? 0;
    at += ((raw[at + 2] ?? 0) << 8) | (raw[at + 3] ?? 0);
  }
  assert.deepEqual(types, [4, 10, 130, 130]);
  const check = eventsOf(lab.b, 'phase2Proposal')[0];
  assert.equal(check?.transforms[0]?.attributes[0], 'encaps is 61443');
  assert.ok(lab.b.installed[0]?.pairs[0]?.outbound.udpEncapsulation);
});

test('elliptic-curve and 2048-bit MODP groups in phase 1 and for PFS', () => {
  for (const group of [14, 19] as const) {
    const { a, b } = chapterConfigs({
      a: { policies: [{ encryption: 'aes', hash: 'sha256', group }], cryptoMap: { pfsGroup: group } },
      b: { policies: [{ encryption: 'aes', hash: 'sha256', group }], cryptoMap: { pfsGroup: group } },
    });
    const lab = new Lab({ config: a }, { config: b });
    lab.acquire('a');
    lab.run(30);
    assertMirrored(lab.a, lab.b);
    assert.equal(lab.a.engine.listIkeSas()[0]?.group, group);
    assert.equal(lab.b.installed[0]?.pairs[0]?.inbound.pfsGroup, group);
  }
});

test('transport mode through NAT-T carries NAT-OA (RFC 3947 §5.2) and UDP-transport encapsulation', () => {
  const ts = [
    {
      name: 'tr',
      espEncryption: 'esp-aes' as const,
      espIntegrity: 'esp-sha-hmac' as const,
      mode: 'transport' as const,
    },
  ];
  const host = (a: string): { address: string; netmask: string } => ({
    address: a,
    netmask: '255.255.255.255',
  });
  const { a, b } = chapterConfigs({
    a: {
      transformSets: ts,
      acl: {
        name: '101',
        entries: [
          {
            action: 'permit',
            protocol: 'ip',
            source: { address: A_WAN, wildcard: '0.0.0.0' },
            destination: { address: B_WAN, wildcard: '0.0.0.0' },
          },
        ],
      },
    },
    b: {
      transformSets: ts,
      acl: {
        name: '101',
        entries: [
          {
            action: 'permit',
            protocol: 'ip',
            source: { address: B_WAN, wildcard: '0.0.0.0' },
            destination: { address: A_WAN, wildcard: '0.0.0.0' },
          },
        ],
      },
    },
  });
  void host;
  const lab = new Lab({ config: a, forceEncapsulation: true }, { config: b });
  lab.acquire('a', {
    ...SELECTOR_A,
    localStart: A_WAN,
    localEnd: A_WAN,
    remoteStart: B_WAN,
    remoteEnd: B_WAN,
  });
  lab.run(30);
  assertMirrored(lab.a, lab.b);
  const qm1 = eventsOf(lab.a, 'packet').find((p) => p.exchange === 'QUICK_MODE' && p.direction === 'sent');
  assert.deepEqual(qm1?.payloads, ['HASH', 'SA', 'No', 'ID', 'ID', 'NAT-OA', 'NAT-OA']);
  assert.ok(eventsOf(lab.b, 'phase2Proposal')[0]?.transforms[0]?.attributes.includes('encaps is 4'));
  const pb = lab.b.installed[0]?.pairs[0] as IpsecSaPair;
  assert.equal(pb.inbound.mode, 'transport');
  assert.equal(pb.inbound.udpEncapsulation?.originalRemoteAddress, A_WAN);
  assert.equal(pb.inbound.udpEncapsulation?.originalLocalAddress, B_WAN);
});

test('ID_FQDN is hostname + `ip domain-name` from the configuration', () => {
  const base = chapterConfigs({
    a: { identity: 'hostname', keys: [{ key: 'k', hostname: 'Responder.lab.example' }] },
    b: { identity: 'hostname', keys: [{ key: 'k', hostname: 'Initiator.lab.example' }] },
  });
  const withDomain = (c: typeof base.a) => ({ ...c, domainName: 'lab.example' });
  const lab = new Lab({ config: withDomain(base.a), aggressiveMode: true }, { config: withDomain(base.b) });
  lab.acquire('a');
  lab.run(30);
  assertMirrored(lab.a, lab.b);
  assert.equal(lab.b.engine.listIkeSas()[0]?.peerId, 'Initiator.lab.example');
});
