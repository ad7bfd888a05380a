// Global `ip ...` commands: `ip local pool` (IOS and PIX forms), `ip access-list`,
// `ip host`, `ip domain-name`, PIX `ip address IF A M`.

import { parseIpv4 } from '../policy/ipv4.js';
import type { ParseContext } from './context.js';
import type { Cursor } from './cursor.js';
import { netmask } from './interfaceCommands.js';
import { ipNatCommand } from './natCommands.js';

function poolCommand(ctx: ParseContext, cur: Cursor): void {
  const name = cur.word('a pool name').text;
  const firstTok = cur.peek();
  const range = firstTok?.text.split('-');
  let first: string;
  let last: string;
  if (range && range.length === 2 && parseIpv4(range[0] ?? '') !== undefined) {
    // PIX: `ip local pool NAME A-B`
    cur.word('');
    first = range[0] ?? '';
    last = range[1] ?? '';
    if (parseIpv4(last) === undefined) throw cur.error(firstTok, 'an address range A-B');
  } else {
    first = cur.ipv4('the first address of the pool');
    last = cur.atEnd() ? first : cur.ipv4('the last address of the pool');
  }
  if ((parseIpv4(first) ?? 0) > (parseIpv4(last) ?? 0))
    throw cur.error(firstTok, 'a range whose first address is not above its last');
  if (cur.optionalKeyword(['group'] as const) !== undefined) cur.word('a group name');
  cur.end();
  ctx.b.pools.push({ name, first, last });
}

/** `ip route NETWORK MASK {INTERFACE [NEXT-HOP] | NEXT-HOP} [DISTANCE] [name N] [permanent] [track N] [tag T]`. */
function routeCommand(ctx: ParseContext, cur: Cursor): void {
  const line = cur.src.line;
  const networkTok = cur.peek();
  const network = cur.ipv4('a network address');
  const mask = netmask(cur);
  const n = parseIpv4(network) ?? 0;
  const m = parseIpv4(mask) ?? 0;
  if ((n & ~m) >>> 0 !== 0)
    throw cur.error(networkTok, 'a network address with no host bits (inconsistent address and mask)');
  const via = cur.word('an interface or next-hop address');
  const viaIsAddress = parseIpv4(via.text) !== undefined;
  if (!viaIsAddress) ctx.b.noteRef(`route:${line}`, 'interface', via.text, via);
  let nextHop = viaIsAddress ? via.text : undefined;
  const t = cur.peek();
  if (!viaIsAddress && t !== undefined && parseIpv4(t.text) !== undefined) nextHop = cur.ipv4();
  const d = cur.peek();
  const distance =
    d !== undefined && /^\d+$/.test(d.text) ? cur.integer(1, 255, 'a distance from 1 to 255') : 1;
  cur.rest(); // name, permanent, track, tag: nothing the gateway acts on
  ctx.b.routes.push({
    network,
    mask,
    ...(viaIsAddress ? {} : { interface: via.text }),
    ...(nextHop !== undefined ? { nextHop } : {}),
    distance,
    at: ctx.b.at(line),
  });
}

/** `ip ...` at global level. */
export function ipCommand(ctx: ParseContext, cur: Cursor): void {
  const line = cur.src.line;
  cur.word('ip');
  const second = cur.peek()?.text.toLowerCase();
  if (second === 'local' && cur.peek(1)?.text.toLowerCase() === 'pool') {
    cur.word('local');
    cur.word('pool');
    poolCommand(ctx, cur);
    return;
  }
  if (second === 'nat') {
    ipNatCommand(ctx, cur);
    ctx.mode = { kind: 'global' };
    return;
  }
  if (second === 'access-list') {
    cur.word('access-list');
    const kind = cur.keyword(['extended', 'standard', 'logging', 'log-update', 'resequence'] as const);
    if (kind === 'extended' || kind === 'standard') {
      const name = cur.word('an access-list name').text;
      cur.end();
      ctx.b.acl(name);
      ctx.mode = { kind: 'acl', name, standard: kind === 'standard' };
      return;
    }
  } else if (
    second === 'route' &&
    cur.peek(1) !== undefined &&
    parseIpv4(cur.peek(1)?.text ?? '') !== undefined
  ) {
    cur.word('route');
    routeCommand(ctx, cur);
    return;
  } else if (second === 'host') {
    cur.word('host');
    const name = cur.word('a host name').text;
    const tok = cur.peek();
    if (tok && /^\d+$/.test(tok.text)) cur.word(''); // optional TCP port
    const address = cur.ipv4();
    ctx.b.hosts.push({ name, address });
    cur.rest();
  } else if (
    second === 'domain-name' ||
    (second === 'domain' && cur.peek(1)?.text.toLowerCase() === 'name')
  ) {
    cur.word('domain');
    if (second === 'domain') cur.word('name');
    ctx.b.domainName = cur.word('a domain name').text;
    cur.end();
    return;
  } else if (second === 'address' && ctx.dialect === 'pix') {
    cur.word('address');
    const ifName = cur.word('an interface name').text;
    if (cur.optionalKeyword(['dhcp', 'pppoe'] as const) !== undefined) {
      cur.rest(); // address learnt at run time: nothing to record
      ctx.b.iface(ifName, line);
      ctx.b.ignore(line, cur.src.text);
      return;
    }
    const address = cur.ipv4();
    const mask = netmask(cur);
    cur.end();
    const iface = ctx.b.iface(ifName, line);
    iface.address = address;
    iface.netmask = mask;
    ctx.mode = { kind: 'global' };
    return;
  }
  ctx.b.ignore(line, cur.src.text);
  cur.rest();
  ctx.mode = { kind: 'global' };
}
