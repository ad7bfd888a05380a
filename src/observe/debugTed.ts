// Tunnel Endpoint Discovery in the words of Examples 13-26 (initiator) and 13-28 (responder).

import type { IkeEvent } from '../ike/index.js';
import type { TrafficSelector } from '../policy/model.js';
import { identText, proxyIdText } from '../policy/proxyId.js';

type TedEvent = Extract<
  IkeEvent,
  { type: 'tedRequest' | 'tedDiscovered' | 'tedRefused' | 'tedFailed' | 'tedAnswered' }
>;

const ID_NAMES: Readonly<Record<string, string>> = {
  '1': 'ID_IPV4_ADDR',
  '4': 'ID_IPV4_ADDR_SUBNET',
  '7': 'ID_IPV4_ADDR_RANGE',
};

type Side = 'local' | 'remote';

function ends(s: TrafficSelector, side: Side): [string, string, number, number] {
  return side === 'local'
    ? [s.localStart, s.localEnd, s.localPortStart, s.localPortEnd]
    : [s.remoteStart, s.remoteEnd, s.remotePortStart, s.remotePortEnd];
}

/** "13.13.13.0 /255.255.255.0", as the TED lines print a proxy. */
function spaced(s: TrafficSelector, side: Side): string {
  const [start, end, ps, pe] = ends(s, side);
  const [address, mask] = identText(start, end, s.protocol, ps, pe).split('/');
  return `${address ?? start} /${mask ?? ''}`;
}

/** "ID_IPV4_ADDR_SUBNET dst 12.12.12.0/255.255.255.0 prot 0 port 0" */
function idLine(connId: number, which: 'src' | 'dst', s: TrafficSelector, side: Side): string {
  const [start, end, ps, pe] = ends(s, side);
  const type = /\(type=(\d+)\)/.exec(proxyIdText(start, end, s.protocol, ps, pe))?.[1] ?? '';
  const [address, mask, prot, port] = identText(start, end, s.protocol, ps, pe).split('/');
  return `ISAKMP (${connId}): ${ID_NAMES[type] ?? `ID type ${type}`} ${which} ${address}/${mask} prot ${prot} port ${port}`;
}

function idType(s: TrafficSelector, side: Side): string {
  const [start, end, ps, pe] = ends(s, side);
  return /\(type=(\d+)\)/.exec(proxyIdText(start, end, s.protocol, ps, pe))?.[1] ?? '';
}

/** The ID payload dump IOS prints for the first ID it builds (Example 13-26). */
function idDump(connId: number, type: string, length: number): string[] {
  return [
    `ISAKMP (${connId}): ID payload`,
    '      next-payload : 5',
    `      type          : ${type}`,
    '      protocol      : 17',
    '      port          : 500',
    `      length        : ${length}`,
    `ISAKMP (${connId}): Total payload length: ${length + 4}`,
  ];
}

export function tedLines(e: TedEvent): string[] {
  const tag = `ISAKMP (0:${e.connId}):`;
  switch (e.type) {
    case 'tedRequest': {
      const [ls, le, lps, lpe] = ends(e.selector, 'local');
      return [
        'IPSEC(tunnel discover request): ,',
        `  (key eng. msg.) src= ${e.source}, dest= ${e.destination},`,
        `  src_proxy= ${proxyIdText(ls, le, e.selector.protocol, lps, lpe)},`,
        `  dest_proxy= ${proxyIdText(e.myAddress, e.myAddress, 0, 0, 0)},`,
        `  protocol= ESP, transform= ${e.transform} ,`,
        `  lifedur= ${e.lifetimeSeconds}s and ${e.lifetimeKilobytes}kb,`,
        '  spi= 0x0(0), conn_id= 0, keysize= 0, flags= 0x4044',
        'GOT A PEER DISCOVERY MESSAGE FROM THE SA MANAGER!!!',
        `src = ${e.source} to ${e.destination}`,
        `proxy source is ${spaced(e.selector, 'local')} and my address (not used now) is ${e.myAddress}`,
        ...idDump(e.connId, '1', 8),
        `1st ID is ${e.myAddress}`,
        `2nd ID is ${spaced(e.selector, 'local')}`,
        `${tag} beginning peer discovery exchange`,
      ];
    }
    case 'tedDiscovered':
      return [
        `${tag} processing ID payload. message ID = 0`,
        `${tag} processing ID payload. message ID = 0`,
        idLine(e.connId, 'dst', e.selector, 'remote'),
        `ISAKMP (${e.connId}): received response to my peer discovery probe!`,
        `ISAKMP: initiating IKE to ${e.peer} in response to probe.`,
        `${tag} deleting SA`,
      ];
    case 'tedRefused':
      return [`${tag} peer discovery response from ${e.from} not used: ${e.reason}`];
    case 'tedFailed': {
      const [ls, le, lps, lpe] = ends(e.selector, 'local');
      const [rs, re, rps, rpe] = ends(e.selector, 'remote');
      const traffic = `${identText(ls, le, e.selector.protocol, lps, lpe)} -> ${identText(rs, re, e.selector.protocol, rps, rpe)}`;
      return [
        `%CRYPTO-4-TED_NO_PEER: no IPsec gateway answered the peer discovery probe toward ${e.destination} (${e.transmissions} transmissions); traffic ${traffic} has no tunnel endpoint and is dropped`,
        `${tag} deleting SA`,
      ];
    }
    case 'tedAnswered':
      return [
        `${tag} processing ID payload. message ID = 0`,
        `${tag} processing ID payload. message ID = 0`,
        idLine(e.connId, 'src', e.selector, 'remote'),
        `ISAKMP (${e.connId}): responding to peer discovery probe!`,
        `peer's address is ${e.peer}`,
        `src (him) ${idType(e.selector, 'remote')}, ${spaced(e.selector, 'remote')} to dst (me) ${idType(e.selector, 'local')}, ${spaced(e.selector, 'local')}`,
        ...idDump(e.connId, '1', 8),
      ];
  }
}
