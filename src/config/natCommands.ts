// NAT and policy routing: IOS `ip nat inside source ...`, `ip nat translation ...`,
// `route-map NAME permit|deny SEQ` with `match ip address` and `set ip next-hop`/`set interface`,
// and PIX `nat (IF) ID ...`, `global (IF) ID ...`, `static (IN,OUT) GLOBAL LOCAL ...`
// (Examples 13-13 to 13-15, 13-21, 13-30). What the gateway cannot do is an error on its line.

import { parseIpv4 } from '../policy/ipv4.js';
import type { NatTimeout, NatTimeouts, RouteMapEntry } from '../policy/natModel.js';
import type { Mutable } from './builder.js';
import type { ParseContext } from './context.js';
import { matchKeyword, type Cursor } from './cursor.js';
import { netmask } from './interfaceCommands.js';

export type MutableRouteMapEntry = Mutable<RouteMapEntry> & {
  matchAcls: string[];
  setNextHops: string[];
  setInterfaces: string[];
};

const TIMEOUT_WORDS = {
  timeout: 'timeout',
  'tcp-timeout': 'tcp',
  'udp-timeout': 'udp',
  'icmp-timeout': 'icmp',
  'dns-timeout': 'dns',
  'finrst-timeout': 'finrst',
  'syn-timeout': 'syn',
} as const satisfies Record<string, keyof NatTimeouts>;

function timeoutValue(cur: Cursor): NatTimeout {
  if (cur.optionalKeyword(['never'] as const) !== undefined) return 'never';
  return cur.integer(0, 536870, 'a number of seconds or never');
}

/** `ip nat ...` at global level (the cursor is past `ip`). */
export function ipNatCommand(ctx: ParseContext, cur: Cursor): void {
  const line = cur.src.line;
  cur.word('nat');
  const what = cur.keyword(['inside', 'translation', 'outside', 'pool', 'service', 'log'] as const);
  if (what === 'translation') {
    const words = Object.keys(TIMEOUT_WORDS) as (keyof typeof TIMEOUT_WORDS)[];
    const which = cur.optionalKeyword([...words, 'max-entries', 'port-timeout', 'arp-ping-timeout'] as const);
    if (which === undefined || !(which in TIMEOUT_WORDS)) {
      cur.rest(); // max-entries, port-timeout: limits the gateway does not apply
      ctx.b.ignore(line, cur.src.text);
      return;
    }
    const field = TIMEOUT_WORDS[which as keyof typeof TIMEOUT_WORDS];
    ctx.b.natTimeouts[field] = timeoutValue(cur);
    cur.end();
    return;
  }
  if (what !== 'inside') {
    const t = cur.src.tokens[2];
    throw cur.error(
      t,
      'ip nat inside source',
      `ip nat ${what} is not supported: the gateway translates inside sources only (list/route-map ... interface IF overload, or static)`,
    );
  }
  cur.keyword(['source'] as const);
  const how = cur.keyword(['list', 'access-list', 'route-map', 'static'] as const);
  if (how === 'static') {
    const first = cur.peek();
    if (first !== undefined && matchKeyword(first.text, ['tcp', 'udp', 'network'] as const) !== undefined)
      throw cur.error(first, 'LOCAL GLOBAL', 'static port and network translations are not supported');
    const local = cur.ipv4('the inside local address');
    const global = cur.ipv4('the inside global address');
    cur.rest(); // extendable, no-alias, route-map: nothing that changes a one-to-one translation
    ctx.b.natSources.push({ kind: 'static', local, global, at: ctx.b.at(line) });
    return;
  }
  const name = cur.word(how === 'route-map' ? 'a route-map name' : 'an access-list number or name');
  const target = cur.peek();
  if (target !== undefined && target.text.toLowerCase() === 'pool')
    throw cur.error(
      target,
      'interface IF overload',
      'NAT pools are not supported: translate onto the outside interface (interface IF overload)',
    );
  cur.keyword(['interface'] as const, 'interface IF overload');
  const ifTok = cur.word('an interface name');
  const overload = cur.peek();
  if (overload === undefined || matchKeyword(overload.text, ['overload'] as const) === undefined)
    throw cur.error(
      overload,
      'overload',
      'translation onto an interface needs overload (PAT): one address cannot serve several inside hosts otherwise',
    );
  cur.word('overload');
  cur.end();
  ctx.b.noteRef(`nat:${line}`, 'interface', ifTok.text, ifTok);
  ctx.b.natSources.push({
    kind: 'dynamic',
    ...(how === 'route-map' ? { routeMap: name.text } : { acl: name.text }),
    interface: ifTok.text,
    at: ctx.b.at(line),
  });
}

/** `route-map NAME [permit|deny] [SEQ]`: opens the entry (IOS: permit 10 when not given). */
export function routeMapCommand(ctx: ParseContext, cur: Cursor): void {
  cur.word('route-map');
  const name = cur.word('a route-map name').text;
  const action = cur.optionalKeyword(['permit', 'deny'] as const) ?? 'permit';
  const seq = cur.atEnd() ? 10 : cur.integer(0, 65535, 'a sequence number from 0 to 65535');
  cur.end();
  ctx.mode = { kind: 'route-map', entry: ctx.b.routeMapEntry(name, action, seq, cur.src.line) };
}

export const ROUTE_MAP_WORDS = ['match', 'set', 'permit', 'deny', 'description'] as const;

/** A line inside `route-map NAME ...`. */
export function routeMapSubCommand(ctx: ParseContext, cur: Cursor, entry: MutableRouteMapEntry): void {
  const line = cur.src.line;
  const first = cur.keyword(ROUTE_MAP_WORDS);
  if (first === 'description') {
    cur.rest();
    return;
  }
  if (first === 'permit' || first === 'deny') {
    // Example 13-30 prints `route-map nonat` and `permit 10` on two lines.
    entry.action = first;
    entry.seq = cur.atEnd() ? entry.seq : cur.integer(0, 65535, 'a sequence number from 0 to 65535');
    cur.end();
    ctx.b.warn(line, `"${cur.src.text.trim()}" read as part of route-map ${entry.name} above it`);
    return;
  }
  if (first === 'match') {
    const t = cur.peek();
    if (
      cur.optionalKeyword(['ip'] as const) === undefined ||
      cur.optionalKeyword(['address'] as const) === undefined
    )
      throw cur.error(t, 'ip address ACL', 'a route map here can match only ip address ACLs');
    if (cur.peek()?.text.toLowerCase() === 'prefix-list')
      throw cur.error(cur.peek(), 'an access-list', 'prefix lists are not supported in route maps');
    for (const acl of cur.rest()) {
      entry.matchAcls.push(acl.text);
      ctx.b.noteRef(`route-map:${entry.name}:${entry.seq}`, 'acl', acl.text, acl);
    }
    if (entry.matchAcls.length === 0) throw cur.error(undefined, 'an access-list');
    return;
  }
  const t = cur.peek();
  if (cur.optionalKeyword(['ip'] as const) !== undefined) {
    if (cur.optionalKeyword(['next-hop'] as const) === undefined)
      throw cur.error(
        cur.peek(),
        'next-hop ADDRESS',
        'a route map here can set only ip next-hop or interface',
      );
    entry.setNextHops.push(cur.ipv4('a next-hop address'));
    while (!cur.atEnd()) entry.setNextHops.push(cur.ipv4('a next-hop address'));
    return;
  }
  if (cur.optionalKeyword(['interface'] as const) !== undefined) {
    for (const i of cur.rest()) entry.setInterfaces.push(i.text);
    if (entry.setInterfaces.length === 0) throw cur.error(undefined, 'an interface name');
    return;
  }
  throw cur.error(t, 'ip next-hop or interface', 'a route map here can set only ip next-hop or interface');
}

/** `ip nat inside|outside` and `ip policy route-map NAME` in an interface; false for other lines. */
export function interfaceNatLine(
  ctx: ParseContext,
  cur: Cursor,
  iface: { nat?: 'inside' | 'outside'; policyRouteMap?: string; name: string },
): boolean {
  const tokens = cur.src.tokens.map((t) => t.text.toLowerCase());
  if (tokens[0] !== 'ip') return false;
  if (tokens[1] === 'nat' && tokens.length === 3) {
    cur.word('ip');
    cur.word('nat');
    iface.nat = cur.keyword(['inside', 'outside'] as const);
    return true;
  }
  if (tokens[1] === 'policy') {
    cur.word('ip');
    cur.word('policy');
    cur.keyword(['route-map'] as const);
    const name = cur.word('a route-map name');
    cur.end();
    iface.policyRouteMap = name.text;
    ctx.b.noteRef(`interface:${iface.name.toLowerCase()}`, 'route-map', name.text, name);
    return true;
  }
  return false;
}

/** PIX `(inside)` or `(inside,outside)`: the names inside the parentheses. */
function pixInterfaces(cur: Cursor): string[] {
  const t = cur.word('(IF)');
  const m = /^\(([^()]+)\)$/.exec(t.text);
  if (m === null) throw cur.error(t, '(interface) in parentheses');
  return (m[1] ?? '').split(',');
}

/** PIX `nat (IF) ID access-list ACL` or `nat (IF) ID NETWORK MASK [...]`. */
export function pixNatCommand(ctx: ParseContext, cur: Cursor): void {
  const line = cur.src.line;
  cur.word('nat');
  const [iface = ''] = pixInterfaces(cur);
  const id = cur.integer(0, 65535, 'a NAT ID');
  if (cur.optionalKeyword(['access-list'] as const) !== undefined) {
    const acl = cur.word('an access-list name');
    cur.end();
    if (id !== 0)
      throw cur.error(
        acl,
        'nat (IF) 0 access-list ACL',
        'policy NAT (an access list with an ID other than 0) is not supported',
      );
    ctx.b.noteRef(`nat:${line}`, 'acl', acl.text, acl);
    ctx.b.pixNat.push({ interface: iface, id, acl: acl.text, at: ctx.b.at(line) });
    return;
  }
  // PIX writes 0.0.0.0 as 0 (`nat (inside) 1 0 0`).
  const address = (what: string): string => {
    if (cur.peek()?.text !== '0') return cur.ipv4(what);
    cur.word(what);
    return '0.0.0.0';
  };
  const network = address('a network address');
  const mask = address('a netmask');
  cur.rest(); // max connections, embryonic limit: not enforced
  ctx.b.pixNat.push({ interface: iface, id, network, mask, at: ctx.b.at(line) });
}

/** PIX `global (IF) ID interface|ADDRESS[-LAST] [netmask M]`. */
export function pixGlobalCommand(ctx: ParseContext, cur: Cursor): void {
  const line = cur.src.line;
  cur.word('global');
  const [iface = ''] = pixInterfaces(cur);
  const id = cur.integer(1, 65535, 'a NAT ID from 1');
  if (cur.optionalKeyword(['interface'] as const) !== undefined) {
    cur.end();
    ctx.b.pixGlobal.push({ interface: iface, id, address: 'interface', at: ctx.b.at(line) });
    return;
  }
  const t = cur.word('interface or an address');
  const [first = '', last] = t.text.split('-');
  if (parseIpv4(first) === undefined || (last !== undefined && parseIpv4(last) === undefined))
    throw cur.error(t, 'interface, an address or a range A-B');
  if (cur.optionalKeyword(['netmask'] as const) !== undefined) netmask(cur);
  cur.end();
  ctx.b.pixGlobal.push({
    interface: iface,
    id,
    address: first,
    ...(last !== undefined ? { last } : {}),
    at: ctx.b.at(line),
  });
}

/** PIX `static (IN,OUT) GLOBAL LOCAL [netmask 255.255.255.255] [...]`: a one-to-one translation. */
export function pixStaticCommand(ctx: ParseContext, cur: Cursor): void {
  const line = cur.src.line;
  cur.word('static');
  pixInterfaces(cur);
  const first = cur.peek();
  if (first !== undefined && matchKeyword(first.text, ['tcp', 'udp', 'interface'] as const) !== undefined)
    throw cur.error(first, 'GLOBAL LOCAL', 'static port translations are not supported');
  const global = cur.ipv4('the global address');
  const local = cur.ipv4('the local address');
  if (cur.optionalKeyword(['netmask'] as const) !== undefined) {
    const m = cur.peek();
    if (netmask(cur) !== '255.255.255.255')
      throw cur.error(
        m,
        'netmask 255.255.255.255',
        'only host statics (one address to one address) are supported',
      );
  }
  cur.rest(); // connection limits
  ctx.b.natSources.push({ kind: 'static', local, global, at: ctx.b.at(line) });
}
