// Vendor IDs we send and recognize (RFC 3947 §3.1 and its drafts, RFC 3706 §2 for DPD,
// Cisco Unity). The NAT-T ones are MD5 of the RFC/draft name, as the drafts define them.

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));

export type VendorIdName =
  | 'RFC 3947'
  | 'draft-ietf-ipsec-nat-t-ike-02\\n'
  | 'draft-ietf-ipsec-nat-t-ike-02'
  | 'draft-ietf-ipsec-nat-t-ike-03'
  | 'DPD'
  | 'Unity'
  | 'XAuth';

export const VENDOR_IDS: readonly { readonly name: VendorIdName; readonly bytes: Uint8Array }[] = [
  { name: 'RFC 3947', bytes: hex('4a131c81070358455c5728f20e95452f') },
  { name: 'draft-ietf-ipsec-nat-t-ike-03', bytes: hex('7d9419a65310ca6f2c179d9215529d56') },
  { name: 'draft-ietf-ipsec-nat-t-ike-02\\n', bytes: hex('90cb80913ebb696e086381b5ec427b1f') },
  { name: 'draft-ietf-ipsec-nat-t-ike-02', bytes: hex('cd60464335df21f87cfdb2fc68b6a448') },
  { name: 'DPD', bytes: hex('afcad71368a1f1c96b8696fc77570100') },
  { name: 'Unity', bytes: hex('12f5f28c457168a9702d9fe274cc0100') },
  { name: 'XAuth', bytes: hex('09002689dfd6b712') },
];

export function recognizeVendorId(bytes: Uint8Array): VendorIdName | undefined {
  // DPD's last two bytes carry major/minor version (RFC 3706 §3): compare the first 14.
  for (const v of VENDOR_IDS) {
    const n = v.name === 'DPD' ? 14 : v.bytes.length;
    if (
      bytes.length === v.bytes.length &&
      Buffer.from(bytes.subarray(0, n)).equals(Buffer.from(v.bytes.subarray(0, n)))
    )
      return v.name;
  }
  return undefined;
}

export function vendorIdBytes(name: VendorIdName): Uint8Array {
  const v = VENDOR_IDS.find((x) => x.name === name);
  return v ? v.bytes : new Uint8Array(0);
}

/** What a peer's vendor IDs tell us. */
export interface PeerCapabilities {
  natT?: 'rfc' | 'draft';
  dpd: boolean;
  unity: boolean;
  names: VendorIdName[];
}

export function capabilitiesOf(names: readonly VendorIdName[]): PeerCapabilities {
  const rfc = names.includes('RFC 3947');
  const draft = names.some((n) => n.startsWith('draft-'));
  const natT = rfc ? 'rfc' : draft ? 'draft' : undefined;
  return {
    ...(natT ? { natT } : {}),
    dpd: names.includes('DPD'),
    unity: names.includes('Unity'),
    names: [...names],
  };
}
