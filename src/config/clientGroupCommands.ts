// The VPN client groups whose Mode Config settings a gateway hands out: IOS
// `crypto isakmp client configuration group NAME` with its sub-commands, and the PIX 6.x
// one-liners `vpngroup NAME ...`. Both fill the same ClientGroup; the group's key is a
// pre-shared key found by the client's ID_KEY_ID (aggressive mode).

import type { ClientGroup } from '../policy/model.js';
import type { Mutable } from './builder.js';
import type { ParseContext } from './context.js';
import type { Cursor } from './cursor.js';

export const CLIENT_GROUP_WORDS = [
  'key',
  'dns',
  'wins',
  'domain',
  'pool',
  'acl',
  'save-password',
  'include-local-lan',
  'max-users',
  'exit',
] as const;

const VPNGROUP_WORDS = [
  'address-pool',
  'dns-server',
  'wins-server',
  'default-domain',
  'split-tunnel',
  'idle-time',
  'password',
] as const;

/** A domain name as a DNS label sequence: letters, digits, hyphens, dots; at most 255 characters. */
const DOMAIN = /^(?=.{1,255}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}))*\.?$/;

/** One or two server addresses (IOS `dns A [B]`, PIX `dns-server A [B]`). */
function servers(cur: Cursor, what: string): string[] {
  const first = cur.ipv4(`a ${what} server address`);
  const list = [first];
  if (!cur.atEnd()) list.push(cur.ipv4(`a second ${what} server address`));
  cur.end();
  return list;
}

export function isDomainName(text: string): boolean {
  return DOMAIN.test(text);
}

function domainName(cur: Cursor): string {
  const t = cur.word('a domain name');
  if (!isDomainName(t.text)) throw cur.error(t, 'a domain name like example.com (at most 255 characters)');
  cur.end();
  return t.text;
}

function groupKey(ctx: ParseContext, cur: Cursor, group: string, line: number): void {
  const key = cur.word('the group key').text;
  cur.end();
  ctx.b.keys.push({ key, group, noXauth: false, noConfigMode: false, at: ctx.b.at(line) });
}

function lines(
  g: Mutable<ClientGroup>,
  field: keyof NonNullable<ClientGroup['sourceLines']>,
  line: number,
): void {
  g.sourceLines = { ...g.sourceLines, [field]: line };
}

/** `pool P` / `address-pool P`: the group's own `ip local pool`. */
function groupPool(ctx: ParseContext, cur: Cursor, g: Mutable<ClientGroup>, line: number): void {
  const pool = cur.word('an address pool name');
  cur.end();
  ctx.b.noteRef(`group:${g.name}`, 'pool', pool.text, pool);
  g.pool = pool.text;
  lines(g, 'pool', line);
}

/** `acl N` / `split-tunnel ACL`: the split tunnel list. */
function splitAcl(ctx: ParseContext, cur: Cursor, g: Mutable<ClientGroup>, line: number): void {
  const acl = cur.word('an access list number or name');
  cur.end();
  ctx.b.noteRef(`group:${g.name}`, 'acl', acl.text, acl);
  g.splitAcl = acl.text;
  lines(g, 'splitAcl', line);
}

/** `crypto isakmp client configuration group NAME` opens the group (cursor after NAME). */
export function openClientGroup(ctx: ParseContext, group: string, line: number): void {
  ctx.b.clientGroup(group, line);
  ctx.mode = { kind: 'client-group', group, line };
}

type Setting = Exclude<(typeof CLIENT_GROUP_WORDS)[number], 'exit'> | 'idle-time';

/** The PIX names of the same settings. */
const VPNGROUP_SETTINGS: Readonly<Record<(typeof VPNGROUP_WORDS)[number], Setting>> = {
  'address-pool': 'pool',
  'dns-server': 'dns',
  'wins-server': 'wins',
  'default-domain': 'domain',
  'split-tunnel': 'acl',
  'idle-time': 'idle-time',
  password: 'key',
};

/** One setting of group `g`; the cursor is after its keyword. */
function groupSetting(
  ctx: ParseContext,
  cur: Cursor,
  g: Mutable<ClientGroup>,
  word: Setting,
  line: number,
): void {
  switch (word) {
    case 'key':
      return groupKey(ctx, cur, g.name, line);
    case 'dns':
      g.dns = servers(cur, 'DNS');
      return;
    case 'wins':
      g.wins = servers(cur, 'WINS');
      return;
    case 'domain':
      g.domain = domainName(cur);
      return;
    case 'pool':
      return groupPool(ctx, cur, g, line);
    case 'acl':
      return splitAcl(ctx, cur, g, line);
    case 'save-password':
      cur.end();
      g.savePassword = true;
      return;
    case 'include-local-lan':
      cur.end();
      g.includeLocalLan = true;
      lines(g, 'includeLocalLan', line);
      return;
    case 'max-users':
      g.maxUsers = cur.integer(1, 5000, 'a number of users (1-5000)');
      cur.end();
      lines(g, 'maxUsers', line);
      return;
    case 'idle-time':
      g.idleSeconds = cur.integer(60, 86400, 'an idle time in seconds (60-86400)');
      cur.end();
      lines(g, 'idleSeconds', line);
      return;
  }
}

/** One line inside `crypto isakmp client configuration group NAME`. */
export function clientGroupCommand(ctx: ParseContext, cur: Cursor, group: string): void {
  const line = cur.src.line;
  const word = cur.keyword(CLIENT_GROUP_WORDS);
  if (word === 'exit') {
    cur.end();
    ctx.mode = { kind: 'global' };
    return;
  }
  groupSetting(ctx, cur, ctx.b.clientGroup(group, line), word, line);
}

/** PIX `vpngroup NAME SETTING ...` (cursor at `vpngroup`). */
export function vpngroupCommand(ctx: ParseContext, cur: Cursor): void {
  const line = cur.src.line;
  cur.word('vpngroup');
  const name = cur.word('a VPN group name').text;
  const word = cur.keyword(VPNGROUP_WORDS);
  groupSetting(ctx, cur, ctx.b.clientGroup(name, line), VPNGROUP_SETTINGS[word], line);
}
