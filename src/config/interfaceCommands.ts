// `interface X` and its sub-commands (IOS), PIX `nameif`.

import { netmaskPrefix, parseIpv4 } from '../policy/ipv4.js';
import type { Interface, TunnelSettings } from '../policy/model.js';
import type { Mutable } from './builder.js';
import type { ParseContext } from './context.js';
import { matchKeyword, type Cursor } from './cursor.js';
import { virtualTemplateLine } from './vpdnCommands.js';
import { interfaceNatLine } from './natCommands.js';
import { GLOBAL_IP_WORDS, GLOBAL_WORDS, INTERFACE_EXIT_WORDS, INTERFACE_WORDS } from './words.js';

export function netmask(cur: Cursor): string {
  const t = cur.peek();
  const m = cur.ipv4('a netmask');
  const n = parseIpv4(m);
  if (n === undefined || netmaskPrefix(n) === undefined) throw cur.error(t, 'a netmask like 255.255.255.0');
  return m;
}

/** A line inside `interface X`; returns false when the line is not an interface command. */
export function interfaceSubCommand(ctx: ParseContext, cur: Cursor, iface: Mutable<Interface>): boolean {
  const line = cur.src.line;
  const typed = cur.peek()?.text ?? '';
  const first = (matchKeyword(typed, INTERFACE_WORDS) ?? typed).toLowerCase();
  const second = cur.peek(1)?.text.toLowerCase();
  // IOS abbreviations of the words that matter here (`ip add`, `no shut`, `cry map`)
  const is = (word: string, min: number): boolean =>
    second !== undefined && second.length >= min && word.startsWith(second);
  if (virtualTemplateLine(ctx, cur, iface)) return true;
  if (interfaceNatLine(ctx, cur, iface)) return true;
  switch (first) {
    case 'ip':
      if (is('address', 3)) {
        cur.word('ip');
        cur.word('address');
        if (cur.optionalKeyword(['negotiated', 'dhcp'] as const) !== undefined) {
          cur.rest();
          return true;
        }
        const address = cur.ipv4();
        const mask = netmask(cur);
        if (cur.optionalKeyword(['secondary'] as const) === undefined) {
          iface.address = address;
          iface.netmask = mask;
        }
        cur.end();
        return true;
      }
      if (second === 'mtu') {
        cur.word('ip');
        cur.word('mtu');
        iface.ipMtu = cur.integer(68, 65535, 'an MTU from 68 to 65535');
        cur.end();
        return true;
      }
      if (second === 'tcp' && cur.peek(2)?.text.toLowerCase() === 'adjust-mss') {
        cur.word('ip');
        cur.word('tcp');
        cur.word('adjust-mss');
        iface.tcpAdjustMss = cur.integer(500, 1460, 'a maximum segment size from 500 to 1460');
        cur.end();
        return true;
      }
      if (
        second !== undefined &&
        GLOBAL_IP_WORDS.has(second) &&
        !(second === 'nat' && cur.src.tokens.length === 3)
      ) {
        return false;
      }
      ctx.b.ignore(line, cur.src.text);
      return true;
    case 'crypto':
      if (!is('map', 1) || cur.src.tokens.length !== 3) return false;
      {
        const t = cur.src.tokens[2];
        if (t) {
          iface.cryptoMap = t.text;
          ctx.b.noteRef(`interface:${iface.name.toLowerCase()}`, 'crypto-map', t.text, t);
        }
      }
      return true;
    case 'tunnel':
      tunnelCommand(ctx, cur, iface);
      return true;
    case 'keepalive':
      keepaliveCommand(cur, iface);
      return true;
    case 'shutdown':
      iface.shutdown = true;
      return true;
    case 'no':
      if (is('shutdown', 4)) iface.shutdown = false;
      else if (is('crypto', 3) && cur.peek(2)?.text.toLowerCase() === 'map') delete iface.cryptoMap;
      else if (is('keepalive', 4)) delete iface.keepalive;
      else ctx.b.ignore(line, cur.src.text);
      return true;
    case 'exit':
      ctx.mode = { kind: 'global' };
      return true;
    default:
      if (first === '' || INTERFACE_EXIT_WORDS.has(first)) return false;
      // encapsulation, dialer, ppp, bandwidth, ...; anything else is a global command or a typo
      if (!GLOBAL_WORDS.has(first) && matchKeyword(first, INTERFACE_WORDS) === undefined) return false;
      ctx.b.ignore(line, cur.src.text);
      return true;
  }
}

/** IOS defaults of `keepalive` on a tunnel: every 10 s, down after 3 unanswered. */
export const DEFAULT_KEEPALIVE = { period: 10, retries: 3 } as const;

/** `keepalive [SECS [RETRIES]]`. */
function keepaliveCommand(cur: Cursor, iface: Mutable<Interface>): void {
  cur.word('keepalive');
  const period = cur.atEnd() ? DEFAULT_KEEPALIVE.period : cur.integer(1, 32767, 'seconds from 1 to 32767');
  const retries = cur.atEnd() ? DEFAULT_KEEPALIVE.retries : cur.integer(1, 255, 'retries from 1 to 255');
  cur.end();
  iface.keepalive = { period, retries };
}

/** The tunnel modes typed after `tunnel mode` (IOS 12.x/15.x); `gre ip` is the default. */
const TUNNEL_MODES = [
  'gre',
  'ipip',
  'ipsec',
  'ipv6ip',
  'ipv6',
  'mpls',
  'dvmrp',
  'aurp',
  'cayman',
  'eon',
  'nos',
  'iptalk',
] as const;

/** `tunnel source|destination|mode|key|sequence-datagrams|checksum ...`. */
function tunnelCommand(ctx: ParseContext, cur: Cursor, iface: Mutable<Interface>): void {
  cur.word('tunnel');
  const what = cur.keyword([
    'source',
    'destination',
    'mode',
    'key',
    'path-mtu-discovery',
    'protection',
    'checksum',
    'sequence-datagrams',
  ] as const);
  const tunnel: Mutable<TunnelSettings> = { ...iface.tunnel };
  if (what === 'source') {
    // an address, or the interface whose address is used
    const t = cur.word('an interface or address');
    tunnel.source = t.text;
    ctx.b.noteRef(`interface:${iface.name.toLowerCase()}`, 'tunnel-source', t.text, t);
  } else if (what === 'destination') tunnel.destination = cur.ipv4();
  else if (what === 'mode') {
    const first = cur.keyword(TUNNEL_MODES, 'a tunnel mode (gre ip)');
    const more = cur.rest().map((t) => t.text.toLowerCase());
    tunnel.mode = [first, ...more].join(' ');
  } else if (what === 'key') tunnel.key = cur.integer(0, 4294967295, 'a key from 0 to 4294967295');
  else if (what === 'sequence-datagrams') tunnel.sequenceDatagrams = true;
  else if (what === 'checksum') tunnel.checksum = true;
  else cur.rest();
  cur.end();
  iface.tunnel = tunnel;
}

/** PIX `nameif ethernet0 outside security0`. */
export function nameifCommand(ctx: ParseContext, cur: Cursor): void {
  cur.word('nameif');
  const hardware = cur.word('a hardware interface').text;
  const name = cur.word('an interface name').text;
  const sec = cur.peek();
  const m = sec ? /^security(\d{1,3})$/i.exec(sec.text) : null;
  if (!m || Number(m[1]) > 100) throw cur.error(sec, 'a security level (security0-security100)');
  cur.word('');
  cur.end();
  const iface = ctx.b.iface(name, cur.src.line);
  iface.hardware = hardware;
  iface.securityLevel = Number(m[1]);
}
