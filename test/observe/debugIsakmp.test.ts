// The IOS debug wording, checked against lines copied from the chapter (Examples 13-3/13-5).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { debugIsakmpLines, lifeDuration, renderDebugIsakmp } from '../../src/observe/debugIsakmp.js';
import type { IkeEvent } from '../../src/ike/index.js';
import { recognizeVendorId as recognizeEngineVendorId } from '../../src/ike/vendorIds.js';
import { offerOf } from '../../src/ike/phase1.js';

test('life durations print as IOS does: basic for 16 bits, VPI bytes above', () => {
  assert.equal(lifeDuration(3600), '(basic) of 3600');
  assert.equal(lifeDuration(86400), '(VPI) of  0x0 0x1 0x51 0x80'); // Example 13-3
  assert.equal(lifeDuration(4608000), '(VPI) of  0x0 0x46 0x50 0x0'); // Example 13-3
});

test('packets, states and checks read like Examples 13-3 and 13-5', () => {
  const events: IkeEvent[] = [
    { type: 'begin', connId: 1, exchange: 'main' },
    {
      type: 'packet',
      connId: 1,
      direction: 'sent',
      peer: '172.16.172.20',
      localPort: 500,
      peerPort: 500,
      role: 'I',
      state: 'MM_NO_STATE',
      exchange: 'ID_PROT',
      messageId: 0,
      payloads: ['SA'],
    },
    { type: 'state', connId: 1, input: 'IKE_MSG_FROM_PEER, IKE_MM_EXCH', from: 'IKE_I_MM1', to: 'IKE_I_MM2' },
    { type: 'processing', connId: 1, payload: 'SA', messageId: 0 },
    { type: 'authMethod', connId: 1, method: 'pre-shared key', idType: 'ID_IPV4_ADDR' },
    {
      type: 'state',
      connId: 1,
      node: 965273472,
      input: 'IKE_MSG_INTERNAL, IKE_INIT_QM',
      from: 'IKE_QM_READY',
      to: 'IKE_QM_I_QM1',
    },
    { type: 'begin', connId: 1, exchange: 'quick', messageId: 965273472 },
    {
      type: 'packet',
      connId: 0,
      direction: 'received',
      peer: '172.16.172.10',
      localPort: 500,
      peerPort: 500,
      role: 'N',
      state: 'NEW SA',
      exchange: 'ID_PROT',
      messageId: 0,
      payloads: ['SA'],
    },
    {
      type: 'nodeDeleted',
      connId: 1,
      messageId: 965273472,
      error: false,
      reason: 'quick mode done (await())',
    },
  ];
  assert.equal(
    renderDebugIsakmp(events, '00:04:10: '),
    [
      '00:04:10: ISAKMP (0:1): beginning Main Mode exchange',
      '00:04:10: ISAKMP (0:1): sending packet to 172.16.172.20 (I) MM_NO_STATE',
      '00:04:10: ISAKMP (0:1): Input = IKE_MSG_FROM_PEER, IKE_MM_EXCH',
      'Old State = IKE_I_MM1 New State = IKE_I_MM2',
      '00:04:10: ISAKMP (0:1): processing SA payload. message ID = 0',
      '00:04:10: ISAKMP (0:1): SA is doing pre-shared key authentication using id type ID_IPV4_ADDR',
      '00:04:10: ISAKMP (0:1): Node 965273472, Input = IKE_MSG_INTERNAL, IKE_INIT_QM',
      'Old State = IKE_QM_READY New State = IKE_QM_I_QM1',
      '00:04:10: ISAKMP (0:1): beginning Quick Mode exchange, M-ID of 965273472',
      '00:04:10: ISAKMP (0:0): received packet from 172.16.172.10 (N) NEW SA',
      '00:04:10: ISAKMP: local port 500, remote port 500',
      '00:04:10: ISAKMP (0:1): deleting node 965273472 error FALSE reason "quick mode done (await())"',
    ].join('\n'),
  );
});

test('a refused ISAKMP transform says what mismatched, ours and theirs', () => {
  const lines = debugIsakmpLines({
    type: 'phase1Check',
    connId: 1,
    nextPayload: 3,
    check: {
      transformNumber: 1,
      priority: 10,
      offer: {
        transformNumber: 1,
        encryption: 'aes256',
        hash: 'sha',
        authentication: 'pre-share',
        group: 2,
        lifetimeSeconds: 86400,
      },
      mismatch: { attribute: 'encryption', ours: '3des', theirs: 'aes256' },
    },
  });
  assert.deepEqual(lines, [
    'ISAKMP (0:1): Checking ISAKMP transform 1 against priority 10 policy',
    'ISAKMP:      encryption AES-CBC',
    'ISAKMP:      keylength of 256',
    'ISAKMP:      hash SHA',
    'ISAKMP:      default group 2',
    'ISAKMP:      auth pre-share',
    'ISAKMP:      life type in seconds',
    'ISAKMP:      life duration (VPI) of  0x0 0x1 0x51 0x80',
    'ISAKMP (0:1): Encryption algorithm offered does not match policy!',
    'ISAKMP (0:1): atts are not acceptable. Next payload is 3',
    'ISAKMP (0:1): transform 1: encryption aes256 offered, policy 10 wants 3des',
  ]);
});

test('IPsec SA creation prints the key engine lines of Example 13-3', () => {
  const lines = debugIsakmpLines({
    type: 'ipsecSasCreated',
    connId: 1,
    messageId: 965273472,
    local: '172.16.172.10',
    remote: '172.16.172.20',
    selector: {
      protocol: 0,
      localStart: '10.1.1.0',
      localEnd: '10.1.1.255',
      localPortStart: 0,
      localPortEnd: 65535,
      remoteStart: '10.1.2.0',
      remoteEnd: '10.1.2.255',
      remotePortStart: 0,
      remotePortEnd: 65535,
    },
    pairs: [
      {
        protocol: 'esp',
        transform: 'esp-3des esp-md5-hmac',
        inboundSpi: 0x8eab0b22,
        outboundSpi: 0xeb84dc85,
        lifetimeSeconds: 3600,
        lifetimeKilobytes: 4608000,
      },
    ],
  });
  assert.equal(lines[0], 'ISAKMP (0:1): Creating IPsec SAs');
  assert.ok(lines.includes('  has spi 0x8EAB0B22 and conn_id 0 and flags 4'));
  assert.ok(
    lines.includes('  has spi -343614331 and conn_id 0 and flags C'),
    'the outbound SPI as a signed int, as IOS prints it',
  );
  assert.ok(lines.includes('IPSEC(key_engine): got a queue event...'));
  assert.ok(lines.includes('    local_proxy= 10.1.1.0/255.255.255.0/0/0 (type=4),'));
  assert.ok(lines.includes('    spi= 0xEB84DC85(3951352965), conn_id= 0, keysize= 0, flags= 0xC'));
});

test('retransmissions name the phase and state as IOS does ("retransmitting phase 1 MM_KEY_EXCH...")', () => {
  assert.deepEqual(
    debugIsakmpLines({
      type: 'retransmit',
      connId: 1,
      messageId: 0,
      count: 2,
      peer: '172.16.172.20',
      state: 'MM_KEY_EXCH',
    }),
    ['ISAKMP (0:1): retransmitting phase 1 MM_KEY_EXCH... (retransmission 2)'],
  );
});

test('an IOS peer is announced as in Examples 13-3 and 13-5: "speaking to another IOS box!"', () => {
  // The vendor ID a Cisco IOS router sends starts with 3e984048 (the rest varies per box).
  const name = recognizeEngineVendorId(Buffer.from('3e984048101e66c3a8b2a6e04a2d66f5', 'hex'));
  assert.equal(name, 'Cisco IOS');
  const event: IkeEvent = { type: 'vendorId', connId: 1, name: name ?? '' };
  assert.deepEqual(debugIsakmpLines(event), ['ISAKMP (0:1): speaking to another IOS box!']);
  assert.deepEqual(debugIsakmpLines({ type: 'vendorId', connId: 1, name: 'DPD' }), [
    'ISAKMP (0:1): vendor ID is DPD',
  ]);
});

test('issue 9 wording: a refusal is no silence, notify protocols are RFC 2407 numbers, XAUTH is named', () => {
  const refused = debugIsakmpLines({
    type: 'peerRefused',
    connId: 3,
    peer: '192.0.2.2',
    messageId: 0,
    notify: 'NO_PROPOSAL_CHOSEN',
    authenticated: false,
  });
  assert.deepEqual(refused, [
    'ISAKMP (0:3): peer 192.0.2.2 refused phase 1: NO_PROPOSAL_CHOSEN (unauthenticated notify)',
  ]);
  // RFC 2407 §4.4.1: PROTO_ISAKMP 1, PROTO_IPSEC_AH 2, PROTO_IPSEC_ESP 3.
  const esp = debugIsakmpLines({
    type: 'notifyReceived',
    connId: 3,
    notify: 'NO_PROPOSAL_CHOSEN',
    authenticated: true,
    protocol: 3,
  });
  assert.deepEqual(esp, ['ISAKMP (0:3): processing NOTIFY NO_PROPOSAL_CHOSEN protocol 3']);
  // The engine reports an XAUTH method by its IANA number (65001, draft-ietf-ipsec-isakmp-xauth).
  const offer = offerOf({
    transformNumber: 1,
    transformId: 1,
    attributes: [
      { type: 1, value: 7, tv: true },
      { type: 14, value: 128, tv: true },
      { type: 2, value: 2, tv: true },
      { type: 3, value: 65001, tv: true },
      { type: 4, value: 2, tv: true },
    ],
  });
  const lines = debugIsakmpLines({
    type: 'phase1Check',
    connId: 1,
    nextPayload: 0,
    check: {
      transformNumber: 1,
      priority: 10,
      offer,
      mismatch: { attribute: 'authentication', ours: 'pre-share', theirs: String(offer.authentication) },
    },
  });
  assert.ok(lines.includes('ISAKMP:      auth XAUTHInitPreShared'), lines.join('\n'));
  assert.ok(
    lines.includes(
      'ISAKMP (0:1): transform 1: authentication XAUTHInitPreShared offered, policy 10 wants pre-share',
    ),
    lines.join('\n'),
  );
  assert.ok(!lines.some((l) => /auth auth/.test(l)));
  const proxy = debugIsakmpLines({
    type: 'proxyIdRefused',
    connId: 2,
    messageId: 7,
    peer: '192.0.2.2',
    theirs: '10.1.0.0/255.255.255.0/0/0 (type=4) <-> 10.9.0.0/255.255.255.0/0/0 (type=4)',
    ours: 'crypto map vpn 10 ACL 101 (10.1.0.0/255.255.255.0/0/0 (type=4) <-> 10.2.0.0/255.255.255.0/0/0 (type=4))',
  });
  assert.equal(proxy[0], 'IPSEC(validate_transform_proposal): proxy identities not supported');
  assert.match(
    proxy[1] ?? '',
    /offered 10\.1\.0\.0.*10\.9\.0\.0.*; we protect crypto map vpn 10 ACL 101 \(10\.1\.0\.0/,
  );
  assert.ok(!proxy.some((l) => /transform set -/.test(l)));
});
