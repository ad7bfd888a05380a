// IKEv2 identities (RFC 7296 §3.5): from an address or a name, shown as text, compared.

import { addressFromText, addressToText, bytesEqual, isIpv6Text } from '../packet/address.js';
import { IdType } from '../wire/ikev2/index.js';
import type { Ikev2Identity } from './config.js';

export function addressIdentity(address: string): Ikev2Identity {
  return {
    idType: isIpv6Text(address) ? IdType.IPV6_ADDR : IdType.IPV4_ADDR,
    data: addressFromText(address),
  };
}

export function fqdnIdentity(name: string): Ikev2Identity {
  return { idType: IdType.FQDN, data: new TextEncoder().encode(name) };
}

export function emailIdentity(name: string): Ikev2Identity {
  return { idType: IdType.RFC822_ADDR, data: new TextEncoder().encode(name) };
}

export function identityText(id: Ikev2Identity): string {
  switch (id.idType) {
    case IdType.IPV4_ADDR:
    case IdType.IPV6_ADDR:
      return id.data.length === 4 || id.data.length === 16 ? addressToText(id.data) : '(bad address)';
    case IdType.FQDN:
    case IdType.RFC822_ADDR:
      return new TextDecoder().decode(id.data);
    default:
      return `type ${id.idType}, ${id.data.length} bytes`;
  }
}

export function sameIdentity(a: Ikev2Identity, b: Ikev2Identity): boolean {
  return a.idType === b.idType && bytesEqual(a.data, b.data);
}
