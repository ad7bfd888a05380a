// Vendor ID payload contents (RFC 2408 §3.16) that peers send to announce extensions.
// Bytes from strongSwan 5.9.8 captures (test/fixtures/strongswan-ikev1: XAUTH, DPD,
// FRAGMENTATION, RFC 3947 and draft-02\n NAT-T), RFC 3706 §5.1 (DPD), RFC 3947 §3 (MD5("RFC
// 3947")), and the tables of strongSwan (isakmp_vendor.c) and Libreswan (vendor.c).

export type VendorIdMatch = 'exact' | 'prefix';

export interface VendorIdEntry {
  /** Name as strongSwan / IOS debug output print it. */
  readonly name: string;
  readonly bytes: Uint8Array;
  /** 'prefix': the peer appends version or capability bytes. */
  readonly match: VendorIdMatch;
  /** What IOS `debug crypto isakmp` prints on receiving it (the chapter's vocabulary). */
  readonly iosDebug?: string;
}

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));
const ascii = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'latin1'));
const entry = (
  name: string,
  bytes: Uint8Array,
  match: VendorIdMatch = 'exact',
  iosDebug?: string,
): VendorIdEntry => ({ name, bytes, match, ...(iosDebug ? { iosDebug } : {}) });

export const VendorIds = {
  NATT_RFC3947: entry(
    'NAT-T (RFC 3947)',
    hex('4a131c81070358455c5728f20e95452f'),
    'exact',
    'vendor ID is NAT-T RFC 3947',
  ),
  NATT_DRAFT_03: entry(
    'draft-ietf-ipsec-nat-t-ike-03',
    hex('7d9419a65310ca6f2c179d9215529d56'),
    'exact',
    'vendor ID is NAT-T v3',
  ),
  NATT_DRAFT_02: entry(
    'draft-ietf-ipsec-nat-t-ike-02',
    hex('cd60464335df21f87cfdb2fc68b6a448'),
    'exact',
    'vendor ID is NAT-T v2',
  ),
  NATT_DRAFT_02N: entry(
    'draft-ietf-ipsec-nat-t-ike-02\\n',
    hex('90cb80913ebb696e086381b5ec427b1f'),
    'exact',
    'vendor ID is NAT-T v2',
  ),
  NATT_DRAFT_08: entry('draft-ietf-ipsec-nat-t-ike-08', hex('8f8d83826d246b6fc7a8a6a428c11de8')),
  NATT_DRAFT_07: entry(
    'draft-ietf-ipsec-nat-t-ike-07',
    hex('439b59f8ba676c4c7737ae22eab8f582'),
    'exact',
    'vendor ID is NAT-T v7',
  ),
  NATT_DRAFT_06: entry('draft-ietf-ipsec-nat-t-ike-06', hex('4d1e0e136deafa34c4f3ea9f02ec7285')),
  NATT_DRAFT_05: entry('draft-ietf-ipsec-nat-t-ike-05', hex('80d0bb3def54565ee84645d4c85ce3ee')),
  NATT_DRAFT_04: entry('draft-ietf-ipsec-nat-t-ike-04', hex('9909b64eed937c6573de52ace952fa6b')),
  NATT_DRAFT_00: entry('draft-ietf-ipsec-nat-t-ike-00', hex('4485152d18b6bbcd0be8a8469579ddcc')),
  NATT_DRAFT: entry('draft-ietf-ipsec-nat-t-ike', hex('4df37928e9fc4fd1b3262170d515c662')),
  DPD: entry('DPD', hex('afcad71368a1f1c96b8696fc77570100'), 'exact', 'vendor ID is DPD'),
  XAUTH: entry('XAuth', hex('09002689dfd6b712'), 'exact', 'vendor ID is XAUTH'),
  CISCO_UNITY: entry('Cisco Unity', hex('12f5f28c457168a9702d9fe274cc0100'), 'exact', 'vendor ID is Unity'),
  // 16-byte MD5 prefix; strongSwan appends 80000000 (fragmentation of AM/MM), Cisco c0000000.
  FRAGMENTATION: entry('FRAGMENTATION', hex('4048b7d56ebce88525e7de7f00d6c2d3'), 'prefix'),
  STRONGSWAN: entry('strongSwan', hex('882fe56d6fd20dbc2251613b2ebe5beb')),
  // IOS debug: "speaking to another IOS box!"; the rest of the VID varies per box.
  CISCO_IOS: entry('Cisco IOS', hex('3e984048'), 'prefix', 'speaking to another IOS box!'),
  CISCO_VPN_3000: entry('Cisco VPN 3000', hex('1f07f70eaa6514d3b0fa96542a50'), 'prefix'),
  MS_NT5_ISAKMPOAKLEY: entry('MS NT5 ISAKMPOAKLEY', hex('1e2b516905991c7d7c96fcbfb587e461'), 'prefix'),
  LIBRESWAN: entry('Libreswan', ascii('OE-Libreswan-'), 'prefix'),
} as const;

export type VendorIdKey = keyof typeof VendorIds;

export interface RecognizedVendorId {
  readonly key: VendorIdKey | 'OPENSWAN';
  readonly name: string;
  /** Bytes after a prefix match (version, capabilities); empty for exact matches. */
  readonly suffix: Uint8Array;
  readonly iosDebug?: string;
}

const entries = Object.entries(VendorIds) as [VendorIdKey, VendorIdEntry][];

export function recognizeVendorId(data: Uint8Array): RecognizedVendorId | undefined {
  for (const [key, e] of entries) {
    const n = e.bytes.length;
    if (e.match === 'exact' ? data.length !== n : data.length < n) continue;
    let same = true;
    for (let i = 0; i < n && same; i++) same = data[i] === e.bytes[i];
    if (same)
      return { key, name: e.name, suffix: data.slice(n), ...(e.iosDebug ? { iosDebug: e.iosDebug } : {}) };
  }
  // Openswan 2.x (and older Libreswan) send "OE" followed by printable version text.
  if (data.length >= 12 && data.length <= 64 && data[0] === 0x4f && data[1] === 0x45) {
    if (data.every((b) => b >= 0x20 && b < 0x7f)) {
      return { key: 'OPENSWAN', name: 'Openswan/Libreswan', suffix: data.slice(2) };
    }
  }
  return undefined;
}
