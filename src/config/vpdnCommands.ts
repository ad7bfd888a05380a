// `vpdn enable`, `vpdn-group N` and its lines (Example 13-23: `accept dialin l2tp
// virtual-template 1`, `no l2tp tunnel authentication`; later IOS: `accept-dialin`,
// `protocol l2tp`, `virtual-template 1`), and the Virtual-Template lines an LNS reads
// (`ip unnumbered`, `peer default ip address pool`, `ppp authentication`).

import type { Interface, VpdnGroup } from '../policy/model.js';
import type { Mutable } from './builder.js';
import type { ParseContext } from './context.js';
import { matchKeyword, type Cursor } from './cursor.js';

export const VPDN_GROUP_WORDS = [
  'accept',
  'accept-dialin',
  'protocol',
  'virtual-template',
  'l2tp',
  'local',
  'no',
] as const;

export function vpdnCommand(ctx: ParseContext, cur: Cursor): void {
  cur.word('vpdn');
  if (cur.optionalKeyword(['enable'] as const) !== undefined) {
    cur.end();
    ctx.b.vpdnEnabled = true;
    return;
  }
  cur.rest(); // vpdn search-order, vpdn logging, ...: nothing an LNS of this size needs
  ctx.b.ignore(cur.src.line, cur.src.text);
}

export function vpdnGroupCommand(ctx: ParseContext, cur: Cursor): void {
  cur.word('vpdn-group');
  const name = cur.word('a VPDN group name').text;
  cur.end();
  const group: Mutable<VpdnGroup> = { name, tunnelAuthentication: true, at: ctx.b.at(cur.src.line) };
  ctx.b.vpdnGroups.push(group);
  ctx.mode = { kind: 'vpdn-group', group };
}

/** A line of `vpdn-group`; false when it is none of its words (the driver tries global level). */
export function vpdnGroupSubCommand(ctx: ParseContext, cur: Cursor, group: Mutable<VpdnGroup>): boolean {
  const first = matchKeyword(cur.peek()?.text ?? '', VPDN_GROUP_WORDS);
  switch (first) {
    case 'accept': {
      // IOS 12.0: accept dialin [l2tp|l2f|any] virtual-template N [remote NAME]
      cur.word('accept');
      cur.keyword(['dialin'] as const);
      const protocol = cur.optionalKeyword(['l2tp', 'l2f', 'pptp', 'any'] as const) ?? 'any';
      cur.keyword(['virtual-template'] as const);
      const template = cur.integer(1, 200, 'a virtual-template number');
      cur.rest();
      if (protocol === 'l2tp' || protocol === 'any')
        group.acceptDialin = { protocol: 'l2tp', virtualTemplate: template };
      else ctx.b.warn(cur.src.line, `vpdn-group ${group.name}: ${protocol} is not supported, only L2TP`);
      return true;
    }
    case 'accept-dialin':
      cur.word('accept-dialin');
      cur.end();
      group.acceptDialin = { protocol: 'l2tp', virtualTemplate: group.acceptDialin?.virtualTemplate ?? 0 };
      return true;
    case 'protocol': {
      cur.word('protocol');
      const protocol = cur.keyword(['l2tp', 'l2f', 'pptp', 'any'] as const);
      cur.end();
      if (protocol !== 'l2tp' && protocol !== 'any')
        ctx.b.warn(cur.src.line, `vpdn-group ${group.name}: ${protocol} is not supported, only L2TP`);
      return true;
    }
    case 'virtual-template': {
      cur.word('virtual-template');
      const template = cur.integer(1, 200, 'a virtual-template number');
      cur.end();
      group.acceptDialin = { protocol: 'l2tp', virtualTemplate: template };
      return true;
    }
    case 'local': {
      cur.word('local');
      cur.keyword(['name'] as const);
      group.localName = cur.word('a host name').text;
      cur.end();
      return true;
    }
    case 'l2tp':
    case 'no': {
      const negated = cur.optionalKeyword(['no'] as const) !== undefined;
      if (matchKeyword(cur.peek()?.text ?? '', ['l2tp']) === undefined) return false;
      cur.word('l2tp');
      const what = cur.keyword(['tunnel'] as const);
      void what;
      const setting = cur.keyword([
        'authentication',
        'hello',
        'password',
        'receive-window',
        'retransmit',
        'timeout',
      ] as const);
      if (setting === 'authentication') {
        cur.end();
        group.tunnelAuthentication = !negated;
      } else if (setting === 'hello' && !negated) {
        group.hello = cur.integer(0, 1000, 'seconds between HELLOs (0 to 1000)');
        cur.end();
      } else {
        cur.rest();
        ctx.b.ignore(cur.src.line, cur.src.text);
      }
      return true;
    }
    default:
      return false;
  }
}

/** The Virtual-Template lines; false when the line is not one of them. */
export function virtualTemplateLine(ctx: ParseContext, cur: Cursor, iface: Mutable<Interface>): boolean {
  const words = cur.src.tokens.map((t) => t.text.toLowerCase());
  if (
    words[0] === 'ip' &&
    words[1] !== undefined &&
    'unnumbered'.startsWith(words[1]) &&
    words[1].length >= 3
  ) {
    cur.word('ip');
    cur.word('unnumbered');
    iface.unnumbered = cur.word('an interface name').text;
    cur.end();
    return true;
  }
  if (words[0] === 'peer') {
    // peer default ip address pool NAME
    cur.word('peer');
    cur.keyword(['default'] as const);
    cur.keyword(['ip'] as const);
    cur.keyword(['address'] as const);
    if (cur.optionalKeyword(['pool'] as const) === undefined) {
      cur.rest();
      ctx.b.ignore(cur.src.line, cur.src.text);
      return true;
    }
    const pool = cur.word('a pool name');
    iface.peerPool = pool.text;
    ctx.b.noteRef(`interface:${iface.name.toLowerCase()}`, 'pool', pool.text, pool);
    cur.end();
    return true;
  }
  if (
    words[0] === 'ppp' &&
    words[1] !== undefined &&
    'authentication'.startsWith(words[1]) &&
    words[1].length >= 4
  ) {
    cur.word('ppp');
    cur.word('authentication');
    const methods: ('chap' | 'ms-chap')[] = [];
    for (const t of cur.rest()) {
      const m = matchKeyword(t.text, [
        'chap',
        'ms-chap',
        'ms-chap-v2',
        'pap',
        'eap',
        'callin',
        'default',
      ] as const);
      if (m === 'chap' || m === 'ms-chap') methods.push(m);
      else if (m === 'ms-chap-v2') methods.push('ms-chap');
      else if (m === 'pap' || m === 'eap')
        ctx.b.warn(cur.src.line, `ppp authentication ${m} is not supported (chap, ms-chap are)`);
    }
    iface.pppAuthentication = methods;
    return true;
  }
  return false;
}
