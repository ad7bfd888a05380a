// Access-list lines: numbered `access-list N ...`, named `ip access-list extended NAME`
// entries, and PIX `access-list NAME permit ...` (PIX writes netmasks, IOS wildcards).

import { formatIpv4, netmaskPrefix, parseIpv4, wildcardPrefix } from '../policy/ipv4.js';
import type { AclAddress, AclEntry, AclProtocol, PortMatch } from '../policy/model.js';
import type { ParseContext } from './context.js';
import { Cursor, matchKeyword } from './cursor.js';
import type { Token } from './lexer.js';

const PROTOCOL_NAMES: Readonly<Record<string, AclProtocol>> = {
  ip: 'ip',
  tcp: 'tcp',
  udp: 'udp',
  icmp: 'icmp',
  gre: 'gre',
  esp: 'esp',
  ahp: 'ahp',
  ah: 'ahp', // PIX spelling
  igmp: 2,
  ipinip: 4,
  eigrp: 88,
  ospf: 89,
  nos: 94,
  pim: 103,
  pcp: 108,
};

/** Port names IOS and PIX accept in `eq`/`range` (IANA numbers). */
const PORT_NAMES: Readonly<Record<string, number>> = {
  bgp: 179,
  biff: 512,
  bootpc: 68,
  bootps: 67,
  chargen: 19,
  cmd: 514,
  daytime: 13,
  discard: 9,
  dnsix: 195,
  domain: 53,
  echo: 7,
  exec: 512,
  finger: 79,
  ftp: 21,
  'ftp-data': 20,
  gopher: 70,
  hostname: 101,
  http: 80,
  https: 443,
  ident: 113,
  irc: 194,
  isakmp: 500,
  klogin: 543,
  kshell: 544,
  login: 513,
  lpd: 515,
  'mobile-ip': 434,
  nameserver: 42,
  'netbios-dgm': 138,
  'netbios-ns': 137,
  'netbios-ss': 139,
  nntp: 119,
  'non500-isakmp': 4500,
  ntp: 123,
  'pim-auto-rp': 496,
  pop2: 109,
  pop3: 110,
  rip: 520,
  smtp: 25,
  snmp: 161,
  snmptrap: 162,
  sunrpc: 111,
  syslog: 514,
  tacacs: 49,
  talk: 517,
  telnet: 23,
  tftp: 69,
  time: 37,
  uucp: 540,
  who: 513,
  whois: 43,
  www: 80,
  xdmcp: 177,
};

const TRAILING_FLAGS = ['log', 'log-input', 'established', 'fragments'] as const;
const TRAILING_WITH_VALUE = ['precedence', 'tos', 'dscp', 'time-range'] as const;

function port(cur: Cursor): number {
  const t = cur.peek();
  if (t && /^\d{1,5}$/.test(t.text) && Number(t.text) <= 65535) {
    cur.word('a port');
    return Number(t.text);
  }
  // own keys only: `eq constructor` is no port
  const named =
    t && Object.hasOwn(PORT_NAMES, t.text.toLowerCase()) ? PORT_NAMES[t.text.toLowerCase()] : undefined;
  if (named === undefined) throw cur.error(t, 'a port number (0-65535) or name');
  cur.word('a port');
  return named;
}

function portMatch(cur: Cursor): PortMatch | undefined {
  const op = cur.optionalKeyword(['eq', 'neq', 'lt', 'gt', 'range'] as const);
  if (op === undefined) return undefined;
  if (op === 'range') {
    const fromTok = cur.peek();
    const from = port(cur);
    const to = port(cur);
    if (from > to) throw cur.error(fromTok, 'a port range with the lower port first');
    return { op, from, to };
  }
  return { op, port: port(cur) };
}

/** `any` | `host A` | `A W` (IOS wildcard) | `A M` (PIX netmask). */
/** An ACL line written with groups or interface names: valid, but not a selector we can build. */
export class UnmodelledAclEntry extends Error {
  constructor(readonly token: Token) {
    super(`"${token.text}" in an access list is not modelled`);
  }
}

function address(ctx: ParseContext, cur: Cursor, acl: string, standard: boolean): AclAddress {
  const group = cur.peek();
  if (group && ['object-group', 'interface', 'object', 'addrgroup'].includes(group.text.toLowerCase())) {
    throw new UnmodelledAclEntry(group);
  }
  const kw = cur.optionalKeyword(['any', 'host'] as const);
  if (kw === 'any') return { address: '0.0.0.0', wildcard: '255.255.255.255' };
  if (kw === 'host') return { address: cur.ipv4(), wildcard: '0.0.0.0' };
  const addr = cur.ipv4('any, host or an IPv4 address');
  const maskTok = cur.peek();
  if (standard && (maskTok === undefined || parseIpv4(maskTok.text) === undefined)) {
    return { address: addr, wildcard: '0.0.0.0' }; // standard ACL: a lone address is a host
  }
  if (ctx.dialect === 'pix') {
    const mask = parseIpv4(cur.ipv4('a netmask'));
    if (mask === undefined || netmaskPrefix(mask) === undefined)
      throw cur.error(maskTok, 'a netmask like 255.255.255.0');
    return { address: addr, wildcard: formatIpv4(~mask >>> 0) };
  }
  const wildcard = cur.ipv4('a wildcard mask');
  const w = parseIpv4(wildcard);
  if (w !== undefined && wildcardPrefix(w) === undefined && maskTok) {
    ctx.b.aclProblems.push({
      acl,
      line: maskTok.line,
      column: maskTok.column,
      found: wildcard,
      expected: 'a contiguous wildcard mask (like 0.0.0.255)',
      message: `wildcard ${wildcard} is not contiguous: access list ${acl} is used by a crypto map and must describe subnets or hosts (expected a wildcard like 0.0.0.255)`,
    });
  }
  return { address: addr, wildcard };
}

/** One `permit|deny ...` entry; returns undefined for `remark`. Cursor is at the action. */
export function parseAclEntry(
  ctx: ParseContext,
  cur: Cursor,
  acl: string,
  standard: boolean,
): AclEntry | undefined {
  const seq = cur.peek();
  if (seq && /^\d+$/.test(seq.text) && !standard) cur.word('a sequence number');
  const action = cur.keyword(['permit', 'deny', 'remark'] as const);
  if (action === 'remark') {
    cur.rest();
    return undefined;
  }
  const at = ctx.b.at(cur.src.line);
  if (standard) {
    const source = address(ctx, cur, acl, true);
    cur.optionalKeyword(['log'] as const);
    cur.end();
    return {
      action,
      protocol: 'ip',
      source,
      destination: { address: '0.0.0.0', wildcard: '255.255.255.255' },
      at,
    };
  }
  const protoTok = cur.peek();
  let protocol: AclProtocol;
  if (protoTok && /^\d{1,3}$/.test(protoTok.text) && Number(protoTok.text) <= 255) {
    cur.word('a protocol');
    const n = Number(protoTok.text);
    const byNumber: Record<number, AclProtocol> = {
      0: 'ip',
      1: 'icmp',
      6: 'tcp',
      17: 'udp',
      47: 'gre',
      50: 'esp',
      51: 'ahp',
    };
    protocol = byNumber[n] ?? n;
  } else {
    const name = protoTok ? matchKeyword(protoTok.text, Object.keys(PROTOCOL_NAMES)) : undefined;
    const p = name === undefined ? undefined : PROTOCOL_NAMES[name];
    if (p === undefined) throw cur.error(protoTok, 'a protocol (ip, tcp, udp, icmp, gre, esp, ahp or 0-255)');
    cur.word('a protocol');
    protocol = p;
  }
  const ported = protocol === 'tcp' || protocol === 'udp';
  const source = address(ctx, cur, acl, false);
  const sourcePort = ported ? portMatch(cur) : undefined;
  const destination = address(ctx, cur, acl, false);
  const destinationPort = ported ? portMatch(cur) : undefined;
  if (protocol === 'icmp') {
    cur.rest(); // ICMP type/code/message names and log options are not part of a selector
  } else {
    while (!cur.atEnd()) {
      if (cur.optionalKeyword(TRAILING_FLAGS) !== undefined) continue;
      if (cur.optionalKeyword(TRAILING_WITH_VALUE) !== undefined) {
        cur.word('a value');
        continue;
      }
      cur.end();
    }
  }
  return {
    action,
    protocol,
    source,
    ...(sourcePort ? { sourcePort } : {}),
    destination,
    ...(destinationPort ? { destinationPort } : {}),
    at,
  };
}

/** `access-list N|NAME [extended] permit|deny|remark ...` at global level. */
export function parseAccessListCommand(ctx: ParseContext, cur: Cursor): void {
  cur.word('access-list');
  const nameTok = cur.word('an access-list number or name');
  const name = nameTok.text;
  let standard = false;
  // IOS numbers say the kind; a PIX list is extended unless it says `standard`, whatever its name.
  if (ctx.dialect === 'ios' && /^\d+$/.test(name)) {
    const n = Number(name);
    standard = (n >= 1 && n <= 99) || (n >= 1300 && n <= 1999);
    const extended = (n >= 100 && n <= 199) || (n >= 2000 && n <= 2699);
    if (!standard && !extended) {
      ctx.b.ignore(cur.src.line, cur.src.text); // MAC, protocol-type and other non-IP lists
      cur.rest();
      return;
    }
  } else if (ctx.dialect === 'ios') {
    throw cur.error(nameTok, 'an access-list number (1-199, 1300-2699)');
  }
  if (ctx.dialect === 'pix') {
    const kind = cur.optionalKeyword(['extended', 'standard', 'compiled', 'line'] as const);
    if (kind === 'compiled') {
      cur.rest();
      ctx.b.ignore(cur.src.line, cur.src.text);
      return;
    }
    if (kind === 'line') cur.integer(1, 65535);
    if (kind === 'standard') standard = true;
  }
  addAclEntry(ctx, cur, name, standard);
}

/** Parses one entry into the named list; an unmodelled entry is recorded, not fatal here. */
export function addAclEntry(ctx: ParseContext, cur: Cursor, name: string, standard: boolean): void {
  const list = ctx.b.acl(name);
  try {
    const entry = parseAclEntry(ctx, cur, name, standard);
    if (entry) list.push(entry);
  } catch (err) {
    if (!(err instanceof UnmodelledAclEntry)) throw err;
    const line = cur.src.line;
    ctx.b.aclProblems.push({
      acl: name,
      line,
      column: err.token.column,
      found: err.token.text,
      expected: 'any, host or an address and mask',
      message: `access list ${name} uses "${err.token.text}", which typeswan cannot turn into traffic selectors; a crypto map cannot use this list`,
    });
    ctx.b.ignore(line, cur.src.text);
    ctx.b.warn(line, `access list ${name}: "${err.token.text}" is not modelled; this line is skipped`);
  }
}
