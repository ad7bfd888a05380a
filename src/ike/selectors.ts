// Proxy identities (RFC 2407 §4.6.2) as ID payload bodies, to and from traffic selectors.
// What a selector means, and whether an offer may be protected, is src/policy's alone
// (selector.ts, proxyId.ts); this file only turns its proxy IDs into bytes and back.

import { addressToText, parseAddressText } from '../packet/address.js';
import {
  mirrorSelector,
  PROXY_ID_TYPES,
  proxyIdsToSelector,
  selectorToProxyIds,
  type ProxyId,
  type TrafficSelector,
} from '../policy/index.js';
import type { IdBody } from './idBody.js';

export { proxyIdProblem, proxyIdText as proxyText, selectorsEqual } from '../policy/index.js';

/** The selector from the peer's side. */
export const mirror = mirrorSelector;

function address(text: string): Uint8Array {
  // The policy layer produced the text from bytes; it is an address.
  const b = parseAddressText(text);
  if (!b) throw new RangeError(`not an address: ${JSON.stringify(text)}`);
  return b;
}

function join(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function idBody(id: ProxyId): IdBody {
  const data =
    'address' in id && 'netmask' in id
      ? join(address(id.address), address(id.netmask))
      : 'address' in id
        ? address(id.address)
        : join(address(id.start), address(id.end));
  return { idType: PROXY_ID_TYPES[id.type], protocol: id.protocol, port: id.port, data };
}

/** Our IDci and IDcr for a selector; throws PolicyError when it has a port range (see policy). */
export function proxyIdBodies(s: TrafficSelector): { readonly local: IdBody; readonly remote: IdBody } {
  const pair = selectorToProxyIds(s);
  return { local: idBody(pair.local), remote: idBody(pair.remote) };
}

/** One side of a selector as an ID payload (host, subnet or range); throws on a port range. */
export function proxyIdBody(
  start: string,
  end: string,
  protocol: number,
  portStart: number,
  portEnd: number,
): IdBody {
  return idBody(proxyIdOf(start, end, protocol, portStart, portEnd));
}

function proxyIdOf(
  start: string,
  end: string,
  protocol: number,
  portStart: number,
  portEnd: number,
): ProxyId {
  return selectorToProxyIds({
    protocol,
    localStart: start,
    localEnd: end,
    localPortStart: portStart,
    localPortEnd: portEnd,
    remoteStart: start,
    remoteEnd: end,
    remotePortStart: 0,
    remotePortEnd: 65535,
  }).local;
}

/** ID type number -> our proxy-ID type and the length of one address in it. */
const ID_TYPES = new Map(
  (Object.entries(PROXY_ID_TYPES) as [ProxyId['type'], number][]).map(([type, n]) => [
    n,
    { type, size: type.startsWith('ipv6') ? 16 : 4 },
  ]),
);

function proxyId(id: IdBody): ProxyId | undefined {
  const { protocol, port, data } = id;
  const known = ID_TYPES.get(id.idType);
  if (!known) return undefined;
  const { type, size } = known;
  const first = addressToText(data.subarray(0, size));
  const second = (): string => addressToText(data.subarray(size, 2 * size));
  switch (type) {
    case 'ipv4-addr':
    case 'ipv6-addr':
      return data.length === size ? { type, address: first, protocol, port } : undefined;
    case 'ipv4-subnet':
    case 'ipv6-subnet':
      return data.length === 2 * size
        ? { type, address: first, netmask: second(), protocol, port }
        : undefined;
    case 'ipv4-range':
    case 'ipv6-range':
      return data.length === 2 * size ? { type, start: first, end: second(), protocol, port } : undefined;
  }
}

/** An ID payload as an address range; undefined for types that are not proxy identities. */
export function proxyIdRange(
  id: IdBody,
): { start: string; end: string; protocol: number; portStart: number; portEnd: number } | undefined {
  const p = proxyId(id);
  if (!p) return undefined;
  try {
    const s = proxyIdsToSelector({ local: p, remote: p });
    return {
      start: s.localStart,
      end: s.localEnd,
      protocol: id.protocol,
      portStart: s.localPortStart,
      portEnd: s.localPortEnd,
    };
  } catch {
    return undefined; // a range ending below its start
  }
}
