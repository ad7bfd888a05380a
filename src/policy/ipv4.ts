// IPv4 in the model's terms (dotted text and 32-bit numbers) for ACLs, PSK lookup and the
// config parsers. The reading is the one address module's (src/packet/address.ts): a dotted
// quad of four decimal octets, no leading zeros, no hex, no short forms.

import { ipv4TextToNumber, netmaskPrefix } from '../packet/address.js';
import type { Ipv4 } from './model.js';

export {
  ipv4TextToNumber as parseIpv4,
  ipv4NumberToText as formatIpv4,
  netmaskPrefix,
  prefixToNetmask,
} from '../packet/address.js';

export function isIpv4(text: string): boolean {
  return ipv4TextToNumber(text) !== undefined;
}

/** For values already validated by the parser; throws on garbage. */
export function ipv4ToNumber(text: Ipv4): number {
  const v = ipv4TextToNumber(text);
  if (v === undefined) throw new RangeError(`not an IPv4 address: ${JSON.stringify(text)}`);
  return v;
}

/** Prefix length of an IOS wildcard (0.0.0.255 -> 24), undefined when not contiguous. */
export function wildcardPrefix(wildcard: number): number | undefined {
  return netmaskPrefix(~wildcard >>> 0);
}
