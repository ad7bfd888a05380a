// The `show` formatters against the chapter's printed output. Expected text is copied from
// the chapter (Examples 13-4, 13-6, 13-27, 13-29); the views are filled with the values those
// examples print, so each line must come out as IOS printed it.
//
// Layout notes (documented, not reproduced): Example 13-6 prints "Crypto map tag" without
// its two-space indent and "conn-id      slot" with two more spaces than Example 13-4;
// Example 13-29 indents everything below "interface:" by two more spaces (a later IOS).
// We follow Examples 13-4/13-27, and compare 13-6/13-29 with leading blanks trimmed.
//
// Values a live run does not reproduce (the layout is the same, the numbers differ):
// - conn id: IOS numbered the chapter's SAs 2029/2030 (Example 13-27: 2000/2001); the gateway
//   numbers SAs from 2000 in install order, flow_id from 1.
// - #send errors: the chapter's initiator shows 6 for one dropped ping; the gateway counts each
//   packet dropped while waiting for IKE once (1 for the lab's first echo).
// - remaining key lifetime (k/sec): IOS's byte accounting is not documented; the gateway shows
//   lifetime KB minus the protected bytes rounded up to KB, and the seconds left.
// - show crypto isakmp policy / ipsec transform-set are not printed in the chapter: their
//   expected text below is IOS 12.2's layout, not a chapter quote.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatCryptoMap,
  formatIpsecSa,
  formatIsakmpPolicy,
  formatIsakmpSa,
  formatTransformSets,
  cryptoMapViews,
  type IpsecFlowView,
} from '../../src/observe/show/index.js';
import type { RouterConfig } from '../../src/policy/model.js';
import { DEFAULT_ISAKMP_POLICY, DEFAULT_SA_LIFETIME } from '../../src/policy/model.js';

function linesOf(text: string): string[] {
  return text.split('\n').map((l) => l.trimEnd());
}

function trimmed(text: string): string[] {
  return linesOf(text)
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

/** Field by field: same number of lines, and each line equal. */
function assertSameLines(actual: string[], expected: string[]): void {
  for (let i = 0; i < Math.max(actual.length, expected.length); i++) {
    assert.equal(actual[i], expected[i], `line ${i + 1}`);
  }
}

test('show crypto isakmp sa: Example 13-4', () => {
  const expected = [
    'dst          src          state          conn-id    slot',
    '172.16.172.20 172.16.172.10 QM_IDLE        1          0',
  ];
  const text = formatIsakmpSa([
    { dst: '172.16.172.20', src: '172.16.172.10', state: 'QM_IDLE', connId: 1, slot: 0 },
  ]);
  assertSameLines(
    linesOf(text).filter((l) => l !== ''),
    expected,
  );
});

test('show crypto isakmp sa: Example 13-6 (responder), columns compared by field', () => {
  const text = formatIsakmpSa([
    { dst: '172.16.172.10', src: '172.16.172.20', state: 'QM_IDLE', connId: 1, slot: 0 },
  ]);
  const fields = linesOf(text)
    .filter((l) => l !== '')
    .map((l) => l.split(/\s+/));
  assert.deepEqual(fields, [
    ['dst', 'src', 'state', 'conn-id', 'slot'],
    ['172.16.172.10', '172.16.172.20', 'QM_IDLE', '1', '0'],
  ]);
});

const EXAMPLE_13_4_IPSEC = `
interface: Ethernet1/0
  Crypto map tag: vpn, local addr. 172.16.172.10

local ident (addr/mask/prot/port): (10.1.1.0/255.255.255.0/0/0)
remote ident (addr/mask/prot/port): (10.1.2.0/255.255.255.0/0/0)
current_peer: 172.16.172.20
  PERMIT, flags={origin_is_acl,}
  #pkts encaps: 4, #pkts encrypt: 4, #pkts digest 4
  #pkts decaps: 4, #pkts decrypt: 4, #pkts verify 4
  #pkts compressed: 0, #pkts decompressed: 0
  #pkts not compressed: 0, #pkts compr. failed: 0, #pkts decompress failed: 0
  #send errors 6, #recv errors 0

local crypto endpt.: 172.16.172.10, remote crypto endpt.: 172.16.172.20
path mtu 1500, media mtu 1500
current outbound spi: EB84DC85

inbound esp sas:
  spi: 0x8EAB0B22(2393574178)
    transform: esp-3des esp-md5-hmac ,
    in use settings ={Tunnel, }
    slot: 0, conn id: 2029, flow_id: 1, crypto map: vpn
    sa timing: remaining key lifetime (k/sec): (4607998/3347)
    IV size: 8 bytes
    replay detection support: Y

inbound ah sas:

inbound pcp sas:

outbound esp sas:
  spi: 0xEB84DC85(3951352965)
    transform: esp-3des esp-md5-hmac ,
    in use settings ={Tunnel, }
    slot: 0, conn id: 2030, flow_id: 2, crypto map: vpn
    sa timing: remaining key lifetime (k/sec): (4607999/3347)
    IV size: 8 bytes
    replay detection support: Y

outbound ah sas:

outbound pcp sas:
`;

function counters(n: number, sendErrors: number) {
  return {
    encaps: n,
    encrypt: n,
    digest: n,
    decaps: n,
    decrypt: n,
    verify: n,
    compressed: 0,
    decompressed: 0,
    notCompressed: 0,
    comprFailed: 0,
    decompressFailed: 0,
    sendErrors,
    recvErrors: 0,
  };
}

function flow(o: {
  iface: string;
  map: string;
  local: string;
  remote: string;
  localIdent: string;
  remoteIdent: string;
  flags: string[];
  n: number;
  sendErrors: number;
  inSpi: number;
  outSpi: number;
  transform: string;
  inConn: number;
  outConn: number;
  inKb: number;
  outKb: number;
  inSec: number;
  outSec: number;
}): IpsecFlowView {
  const sa = (spi: number, connId: number, flowId: number, kb: number, sec: number) => ({
    spi,
    transform: o.transform,
    mode: 'tunnel' as const,
    slot: 0,
    connId,
    flowId,
    cryptoMap: o.map,
    remainingKilobytes: kb,
    remainingSeconds: sec,
    ivSize: 8,
    replayDetection: true,
  });
  return {
    interface: o.iface,
    cryptoMap: o.map,
    localAddress: o.local,
    localIdent: o.localIdent,
    remoteIdent: o.remoteIdent,
    currentPeer: o.remote,
    flags: o.flags,
    counters: counters(o.n, o.sendErrors),
    remoteAddress: o.remote,
    pathMtu: 1500,
    mediaMtu: 1500,
    currentOutboundSpi: o.outSpi,
    inboundEsp: [sa(o.inSpi, o.inConn, 1, o.inKb, o.inSec)],
    inboundAh: [],
    outboundEsp: [sa(o.outSpi, o.outConn, 2, o.outKb, o.outSec)],
    outboundAh: [],
  };
}

test('show crypto ipsec sa: Example 13-4 line by line', () => {
  const text = formatIpsecSa([
    flow({
      iface: 'Ethernet1/0',
      map: 'vpn',
      local: '172.16.172.10',
      remote: '172.16.172.20',
      localIdent: '10.1.1.0/255.255.255.0/0/0',
      remoteIdent: '10.1.2.0/255.255.255.0/0/0',
      flags: ['origin_is_acl'],
      n: 4,
      sendErrors: 6,
      inSpi: 0x8eab0b22,
      outSpi: 0xeb84dc85,
      transform: 'esp-3des esp-md5-hmac',
      inConn: 2029,
      outConn: 2030,
      inKb: 4607998,
      outKb: 4607999,
      inSec: 3347,
      outSec: 3347,
    }),
  ]);
  assertSameLines(linesOf(text.trim()), linesOf(EXAMPLE_13_4_IPSEC.trim()));
});

test('show crypto ipsec sa: Example 13-6 (responder), indentation-insensitive', () => {
  const expected = `
interface: Ethernet1/0
Crypto map tag: vpn, local addr. 172.16.172.20
local ident (addr/mask/prot/port): (10.1.2.0/255.255.255.0/0/0)
remote ident (addr/mask/prot/port): (10.1.1.0/255.255.255.0/0/0)
current_peer: 172.16.172.10
  PERMIT, flags={origin_is_acl,}
  #pkts encaps: 4, #pkts encrypt: 4, #pkts digest 4
  #pkts decaps: 4, #pkts decrypt: 4, #pkts verify 4
  #pkts compressed: 0, #pkts decompressed: 0
  #pkts not compressed: 0, #pkts compr. failed: 0, #pkts decompress failed: 0
  #send errors 0, #recv errors 0
local crypto endpt.: 172.16.172.20, remote crypto endpt.: 172.16.172.10
path mtu 1500, media mtu 1500
current outbound spi: 8EAB0B22
inbound esp sas:
  spi: 0xEB84DC85(3951352965)
    transform: esp-3des esp-md5-hmac ,
    in use settings ={Tunnel, }
    slot: 0, conn id: 2029, flow_id: 1, crypto map: vpn
    sa timing: remaining key lifetime (k/sec): (4607998/3326)
    IV size: 8 bytes
    replay detection support: Y
inbound ah sas:
inbound pcp sas:
outbound esp sas:
  spi: 0x8EAB0B22(2393574178)
    transform: esp-3des esp-md5-hmac ,
    in use settings ={Tunnel, }
    slot: 0, conn id: 2030, flow_id: 2, crypto map: vpn
    sa timing: remaining key lifetime (k/sec): (4607999/3326)
    IV size: 8 bytes
    replay detection support: Y
outbound ah sas:
outbound pcp sas:
`;
  const text = formatIpsecSa([
    flow({
      iface: 'Ethernet1/0',
      map: 'vpn',
      local: '172.16.172.20',
      remote: '172.16.172.10',
      localIdent: '10.1.2.0/255.255.255.0/0/0',
      remoteIdent: '10.1.1.0/255.255.255.0/0/0',
      flags: ['origin_is_acl'],
      n: 4,
      sendErrors: 0,
      inSpi: 0xeb84dc85,
      outSpi: 0x8eab0b22,
      transform: 'esp-3des esp-md5-hmac',
      inConn: 2029,
      outConn: 2030,
      inKb: 4607998,
      outKb: 4607999,
      inSec: 3326,
      outSec: 3326,
    }),
  ]);
  assertSameLines(trimmed(text), trimmed(expected));
});

test('show crypto ipsec sa: Example 13-27 (TED initiator, flags={}, SPI 7E10555 without leading zero)', () => {
  const expected = `
interface: Ethernet0/1
  Crypto map tag: tedtag, local addr. 11.11.11.1

local ident (addr/mask/prot/port): (13.13.13.0/255.255.255.0/0/0)
remote ident (addr/mask/prot/port): (12.12.12.0/255.255.255.0/0/0)
current_peer: 11.11.11.2
  PERMIT, flags={}
  #pkts encaps: 9, #pkts encrypt: 9, #pkts digest 9
  #pkts decaps: 9, #pkts decrypt: 9, #pkts verify 9
  #pkts compressed: 0, #pkts decompressed: 0
  #pkts not compressed: 0, #pkts compr. failed: 0, #pkts decompress failed: 0
  #send errors 0, #recv errors 0

local crypto endpt.: 11.11.11.1, remote crypto endpt.: 11.11.11.2
path mtu 1500, media mtu 1500
current outbound spi: 7E10555

inbound esp sas:
  spi: 0x14C709A3(348588451)
    transform: esp-des esp-md5-hmac ,
    in use settings ={Tunnel, }
    slot: 0, conn id: 2000, flow_id: 1, crypto map: tedtag
    sa timing: remaining key lifetime (k/sec): (4607998/3557)
    IV size: 8 bytes
    replay detection support: Y

inbound ah sas:

inbound pcp sas:

outbound esp sas:
  spi: 0x7E10555(132187477)
    transform: esp-des esp-md5-hmac ,
    in use settings ={Tunnel, }
    slot: 0, conn id: 2001, flow_id: 2, crypto map: tedtag
    sa timing: remaining key lifetime (k/sec): (4607998/3557)
    IV size: 8 bytes
    replay detection support: Y

outbound ah sas:

outbound pcp sas:
`;
  const text = formatIpsecSa([
    flow({
      iface: 'Ethernet0/1',
      map: 'tedtag',
      local: '11.11.11.1',
      remote: '11.11.11.2',
      localIdent: '13.13.13.0/255.255.255.0/0/0',
      remoteIdent: '12.12.12.0/255.255.255.0/0/0',
      flags: [],
      n: 9,
      sendErrors: 0,
      inSpi: 0x14c709a3,
      outSpi: 0x7e10555,
      transform: 'esp-des esp-md5-hmac',
      inConn: 2000,
      outConn: 2001,
      inKb: 4607998,
      outKb: 4607998,
      inSec: 3557,
      outSec: 3557,
    }),
  ]);
  assertSameLines(linesOf(text.trim()), linesOf(expected.trim()));
});

test('show crypto ipsec sa: Example 13-29 (TED responder), indentation-insensitive', () => {
  // Example 13-29 prints the two SAs with different remaining seconds (3451/3433).
  const expected = `
interface: Ethernet0/1
  Crypto map tag: tedtag, local addr. 11.11.11.2
  local ident (addr/mask/prot/port): (12.12.12.0/255.255.255.0/0/0)
  remote ident (addr/mask/prot/port): (13.13.13.0/255.255.255.0/0/0)
  current_peer: 11.11.11.1
    PERMIT, flags={}
    #pkts encaps: 9, #pkts encrypt: 9, #pkts digest 9
    #pkts decaps: 9, #pkts decrypt: 9, #pkts verify 9
    #pkts compressed: 0, #pkts decompressed: 0
    #pkts not compressed: 0, #pkts compr. failed: 0, #pkts decompress failed: 0
    #send errors 0, #recv errors 0
  local crypto endpt.: 11.11.11.2, remote crypto endpt.: 11.11.11.1
  path mtu 1500, media mtu 1500
  current outbound spi: 14C709A3
  inbound esp sas:
    spi: 0x7E10555(132187477)
      transform: esp-des esp-md5-hmac ,
      in use settings ={Tunnel, }
      slot: 0, conn id: 2000, flow_id: 1, crypto map: tedtag
      sa timing: remaining key lifetime (k/sec): (4607998/3451)
      IV size: 8 bytes
      replay detection support: Y
  inbound ah sas:
  inbound pcp sas:
  outbound esp sas:
    spi: 0x14C709A3(348588451)
      transform: esp-des esp-md5-hmac ,
      in use settings ={Tunnel, }
      slot: 0, conn id: 2001, flow_id: 2, crypto map: tedtag
      sa timing: remaining key lifetime (k/sec): (4607998/3433)
      IV size: 8 bytes
      replay detection support: Y
  outbound ah sas:
  outbound pcp sas:
`;
  const text = formatIpsecSa([
    flow({
      iface: 'Ethernet0/1',
      map: 'tedtag',
      local: '11.11.11.2',
      remote: '11.11.11.1',
      localIdent: '12.12.12.0/255.255.255.0/0/0',
      remoteIdent: '13.13.13.0/255.255.255.0/0/0',
      flags: [],
      n: 9,
      sendErrors: 0,
      inSpi: 0x7e10555,
      outSpi: 0x14c709a3,
      transform: 'esp-des esp-md5-hmac',
      inConn: 2000,
      outConn: 2001,
      inKb: 4607998,
      outKb: 4607998,
      inSec: 3451,
      outSec: 3433,
    }),
  ]);
  assertSameLines(trimmed(text), trimmed(expected));
});

const RESPONDER_CONFIG: RouterConfig = {
  dialect: 'ios',
  file: 'responder.cfg',
  hostname: 'Responder',
  isakmpPolicies: [
    {
      priority: 1,
      encryption: '3des',
      hash: 'sha',
      authentication: 'pre-share',
      group: 1,
      lifetimeSeconds: 86400,
    },
    DEFAULT_ISAKMP_POLICY,
  ],
  presharedKeys: [{ key: 'jw4ep9846804ijl', address: '172.16.172.10', noXauth: false, noConfigMode: false }],
  isakmp: { identity: 'address', enabledInterfaces: [] },
  transformSets: [{ name: 'myset', espEncryption: 'esp-3des', espIntegrity: 'esp-md5-hmac', mode: 'tunnel' }],
  globalSaLifetime: DEFAULT_SA_LIFETIME,
  accessLists: [
    {
      name: '101',
      entries: [
        {
          action: 'permit',
          protocol: 'ip',
          source: { address: '10.1.2.0', wildcard: '0.0.0.255' },
          destination: { address: '10.1.1.0', wildcard: '0.0.0.255' },
        },
      ],
    },
  ],
  cryptoMaps: [
    {
      map: 'vpn',
      seq: 10,
      kind: 'ipsec-isakmp',
      peers: ['172.16.172.10'],
      transformSets: ['myset'],
      matchAddress: '101',
    },
  ],
  cryptoMapSettings: [],
  dynamicMaps: [],
  interfaces: [
    { name: 'Ethernet0/0', address: '10.1.2.1', netmask: '255.255.255.0', shutdown: false },
    {
      name: 'Ethernet1/0',
      address: '172.16.172.20',
      netmask: '255.255.255.0',
      cryptoMap: 'vpn',
      shutdown: false,
    },
  ],
  localPools: [],
  users: [],
  trustpoints: [],
  certificates: [],
  publicKeys: [],
  aaa: [],
  radiusServers: [],
  ignored: [],
  warnings: [],
};

test('show crypto map: Example 13-6 (continued) line by line', () => {
  const expected = `Crypto Map "vpn" 10 ipsec-isakmp
  Peer = 172.16.172.10
  Extended IP access list 101
    access-list 101 permit ip 10.1.2.0 0.0.0.255 10.1.1.0 0.0.0.255
  Current peer: 172.16.172.10
  Security association lifetime: 4608000 kilobytes/3600 seconds
  PFS (Y/N): N
  Transform sets={ myset, }
  Interfaces using crypto map vpn:
    Ethernet1/0`;
  const text = formatCryptoMap(cryptoMapViews(RESPONDER_CONFIG));
  assertSameLines(linesOf(text.trim()), linesOf(expected));
});

test('show crypto map: Example 13-4 fields (printed there without indentation)', () => {
  const initiator: RouterConfig = {
    ...RESPONDER_CONFIG,
    accessLists: [
      {
        name: '101',
        entries: [
          {
            action: 'permit',
            protocol: 'ip',
            source: { address: '10.1.1.0', wildcard: '0.0.0.255' },
            destination: { address: '10.1.2.0', wildcard: '0.0.0.255' },
          },
        ],
      },
    ],
    cryptoMaps: [
      {
        map: 'vpn',
        seq: 10,
        kind: 'ipsec-isakmp',
        peers: ['172.16.172.20'],
        transformSets: ['myset'],
        matchAddress: '101',
      },
    ],
  };
  const expected = `Crypto Map "vpn" 10 ipsec-isakmp
  Peer = 172.16.172.20
Extended IP access list 101
  access-list 101 permit ip 10.1.1.0 0.0.0.255 10.1.2.0 0.0.0.255
Current peer: 172.16.172.20
Security association lifetime: 4608000 kilobytes/3600 seconds
PFS (Y/N): N
Transform sets={ myset, }
Interfaces using crypto map vpn:
  Ethernet1/0`;
  assertSameLines(trimmed(formatCryptoMap(cryptoMapViews(initiator))), trimmed(expected));
});

test('show crypto isakmp policy: configured suite then the IOS default suite', () => {
  // Not printed in the chapter; IOS 12.2 layout. The default suite's values are the ones the
  // chapter gives for policy 65535 (DES, SHA, RSA signature, group 1, 86400 s).
  const text = formatIsakmpPolicy(RESPONDER_CONFIG.isakmpPolicies);
  assert.deepEqual(linesOf(text.trim()), [
    'Protection suite of priority 1',
    '\tencryption algorithm:\tThree key triple DES',
    '\thash algorithm:\t\tSecure Hash Standard',
    '\tauthentication method:\tPre-Shared Key',
    '\tDiffie-Hellman group:\t#1 (768 bit)',
    '\tlifetime:\t\t86400 seconds, no volume limit',
    'Default protection suite',
    '\tencryption algorithm:\tDES - Data Encryption Standard (56 bit keys).',
    '\thash algorithm:\t\tSecure Hash Standard',
    '\tauthentication method:\tRivest-Shamir-Adleman Signature',
    '\tDiffie-Hellman group:\t#1 (768 bit)',
    '\tlifetime:\t\t86400 seconds, no volume limit',
  ]);
});

test('show crypto ipsec transform-set: IOS layout', () => {
  const text = formatTransformSets(RESPONDER_CONFIG.transformSets);
  assert.deepEqual(linesOf(text.trim()), [
    'Transform set myset: { esp-3des esp-md5-hmac  }',
    '   will negotiate = { Tunnel,  },',
  ]);
});
