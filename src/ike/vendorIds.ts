// The vendor IDs the engine sends and acts on (RFC 3947 §3.1 and its drafts, RFC 3706 §2 for
// DPD, Cisco Unity, XAUTH, and Cisco IOS's own), under the names its events use. The bytes and the recognition
// are src/wire's; the engine only knows this subset and its own (charon's) names.

import { recognizeVendorId as recognizeWireVendorId, VendorIds, type VendorIdKey } from '../wire/index.js';

export type VendorIdName =
  | 'RFC 3947'
  | 'draft-ietf-ipsec-nat-t-ike-02\\n'
  | 'draft-ietf-ipsec-nat-t-ike-02'
  | 'draft-ietf-ipsec-nat-t-ike-03'
  | 'DPD'
  | 'Unity'
  | 'XAuth'
  | 'Cisco IOS';

const KEYS: Readonly<Record<VendorIdName, VendorIdKey>> = {
  'RFC 3947': 'NATT_RFC3947',
  'draft-ietf-ipsec-nat-t-ike-03': 'NATT_DRAFT_03',
  'draft-ietf-ipsec-nat-t-ike-02\\n': 'NATT_DRAFT_02N',
  'draft-ietf-ipsec-nat-t-ike-02': 'NATT_DRAFT_02',
  DPD: 'DPD',
  Unity: 'CISCO_UNITY',
  XAuth: 'XAUTH',
  // Recognized only (by its prefix; the rest differs per box); never sent.
  'Cisco IOS': 'CISCO_IOS',
};
const NAMES = new Map<string, VendorIdName>(
  (Object.entries(KEYS) as [VendorIdName, VendorIdKey][]).map(([name, key]) => [key, name]),
);

export function recognizeVendorId(bytes: Uint8Array): VendorIdName | undefined {
  const known = recognizeWireVendorId(bytes);
  const name = known ? NAMES.get(known.key) : undefined;
  if (name) return name;
  // RFC 3706 §3: DPD's last two bytes carry major/minor version: compare the first 14.
  const dpd = VendorIds.DPD.bytes;
  if (
    bytes.length === dpd.length &&
    Buffer.from(bytes.subarray(0, 14)).equals(Buffer.from(dpd.subarray(0, 14)))
  )
    return 'DPD';
  return undefined;
}

export function vendorIdBytes(name: VendorIdName): Uint8Array {
  return VendorIds[KEYS[name]].bytes;
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
