// `debug crypto isakmp` lines for XAUTH and Mode Config (phase 1.5, the chapter's Figures
// 13-36 to 13-40), in IOS 12.x wording: "ISAKMP/xauth: request attribute XAUTH_USER_NAME_V2",
// "ISAKMP (0:1): initiating peer config to 150.1.1.2. ID = -1214133356", "ISAKMP: Config
// payload ACK", "ISAKMP (0:1): peer accepted the address!". Attribute names only: a value
// (the password above all) never reaches an event, so never a debug line.

import type { IkeEvent } from '../ike/index.js';

type XauthEvent = Extract<IkeEvent, { type: 'xauth' }>;
type ModeConfigEvent = Extract<IkeEvent, { type: 'modeConfig' }>;

function tag(connId: number): string {
  return `ISAKMP (0:${connId}):`;
}

/** IOS calls the xauth-06 attributes (16520..) `_V2` and drops Mode Config's `INTERNAL_`. */
function iosAttribute(name: string): string {
  if (name.startsWith('XAUTH_')) return `${name}_V2`;
  return name.replace(/^INTERNAL_/, '');
}

/** IOS prints message IDs as signed 32-bit numbers. */
function messageId(id: number | undefined): string {
  return String((id ?? 0) | 0);
}

export function xauthLines(e: XauthEvent): string[] {
  const t = tag(e.connId);
  const attrs = (verb: string): string[] =>
    (e.attributes ?? []).map((a) => `ISAKMP/xauth: ${verb} attribute ${iosAttribute(a)}`);
  switch (e.step) {
    case 'need':
      return [`${t} Need XAUTH`];
    case 'request':
      return [
        ...attrs('request'),
        `${t} initiating peer config to ${e.peer}. ID = ${messageId(e.messageId)}${(e.tries ?? 1) > 1 ? ` (try ${e.tries ?? 1})` : ''}`,
      ];
    case 'reply':
      return ['ISAKMP: Config payload REPLY', ...attrs('reply')];
    case 'verify':
      return [`${t} Xauth process request: user ${e.username ?? ''}, login list ${e.list ?? ''}`];
    case 'accepted':
      return [`${t} Xauth: user ${e.username ?? ''} authenticated by ${e.method ?? 'aaa'}`];
    case 'rejected':
      return [
        `${t} Xauth: user ${e.username ?? ''} refused by ${e.method ?? 'aaa'} (${e.reason ?? ''}), try ${e.tries ?? 0}`,
      ];
    case 'set':
      return [
        `ISAKMP/xauth: set attribute XAUTH_STATUS_V2 = ${e.status ?? ''}`,
        `${t} initiating peer config to ${e.peer}. ID = ${messageId(e.messageId)}`,
      ];
    case 'ack':
      return ['ISAKMP: Config payload ACK', `${t} Xauth ACK processed`];
    case 'asked':
      return [
        'ISAKMP: Config payload REQUEST',
        ...attrs('request'),
        `${t} responding to peer config from ${e.peer}`,
      ];
    case 'status':
      return ['ISAKMP: Config payload SET', `${t} Xauth status ${e.status ?? ''} from ${e.peer}`];
    case 'failed':
      return [`${t} Xauth failed with ${e.peer}: ${e.reason ?? ''}`];
  }
}

/** IOS's "Sending ..." line for each setting a REPLY or SET carries. */
function sendingLines(e: ModeConfigEvent): string[] {
  const g = e.given;
  if (!g) return [];
  return [
    `ISAKMP: Sending private address: ${e.address ?? ''}`,
    ...(g.netmask !== undefined ? [`ISAKMP: Sending subnet mask: ${g.netmask}`] : []),
    ...g.dns.map((a) => `ISAKMP: Sending IP4_DNS server address: ${a}`),
    ...g.wins.map((a) => `ISAKMP: Sending IP4_NBNS server address: ${a}`),
    ...(g.domain !== undefined ? [`ISAKMP: Sending DEFAULT_DOMAIN default domain name: ${g.domain}`] : []),
    ...g.splitInclude.map(
      (n) =>
        `ISAKMP: Sending split include name ${e.splitAcl ?? ''} network ${n.address} mask ${n.mask} protocol 0, src port 0, dst port 0`,
    ),
    ...(g.savePassword !== undefined
      ? [`ISAKMP: Sending save password reply value ${g.savePassword ? 1 : 0}`]
      : []),
  ];
}

export function modeConfigLines(e: ModeConfigEvent): string[] {
  const t = tag(e.connId);
  switch (e.step) {
    case 'set':
      return [
        `${t} allocating address ${e.address ?? ''}`,
        ...sendingLines(e),
        `${t} initiating peer config to ${e.peer}. ID = ${messageId(e.messageId)}`,
      ];
    case 'ack':
      return [
        'ISAKMP: Config payload ACK',
        e.accepted === false ? `${t} peer did not accept the address!` : `${t} peer accepted the address!`,
      ];
    case 'request':
      return [
        'ISAKMP: Config payload REQUEST',
        `${t} checking request:`,
        ...(e.attributes ?? []).map((a) => `ISAKMP:    ${iosAttribute(a)}`),
      ];
    case 'reply':
      return [
        `${t} allocating address ${e.address ?? ''}`,
        ...sendingLines(e),
        `${t} responding to peer config from ${e.peer}. ID = ${messageId(e.messageId)}`,
      ];
    case 'asking':
      return [
        ...(e.attributes ?? []).map((a) => `ISAKMP: requesting ${iosAttribute(a)}`),
        `${t} initiating peer config to ${e.peer}. ID = ${messageId(e.messageId)}`,
      ];
    case 'assigned':
      return [`${t} Mode Config address ${e.address ?? ''} from ${e.peer}`];
    case 'failed':
      return [`${t} Mode Config failed with ${e.peer}: ${e.reason ?? ''}`];
  }
}
