// Users and AAA for XAUTH: `username`, `aaa authentication|authorization`, `radius-server`,
// `tacacs-server`, PIX `aaa-server`.

import type { ParseContext } from './context.js';
import type { Cursor } from './cursor.js';
import type { Mutable, ParsedAaaGroup, ParsedRadiusServer, ParsedTacacsServer } from './builder.js';
import type { AaaGroupMember } from '../policy/model.js';

export function usernameCommand(ctx: ParseContext, cur: Cursor): void {
  cur.word('username');
  const name = cur.word('a user name').text;
  const tokens = cur.rest();
  const idx = tokens.findIndex((t) => ['password', 'secret'].includes(t.text.toLowerCase()));
  if (idx < 0) return;
  const after = tokens.slice(idx + 1);
  const typeTok = after.length >= 2 && /^\d$/.test(after[0]?.text ?? '') ? after[0] : undefined;
  const pw = after
    .slice(typeTok ? 1 : 0)
    .map((t) => t.text)
    .join(' ');
  if (pw === '') throw cur.error(undefined, 'a password');
  ctx.b.users.push({ name, password: pw, ...(typeTok ? { passwordType: Number(typeTok.text) } : {}) });
}

export function aaaCommand(ctx: ParseContext, cur: Cursor): void {
  const line = cur.src.line;
  cur.word('aaa');
  const what = cur.peek()?.text.toLowerCase();
  const service = cur.peek(1)?.text.toLowerCase();
  if (
    (what === 'authentication' && (service === 'login' || service === 'ppp')) ||
    (what === 'authorization' && service === 'network')
  ) {
    cur.word('');
    cur.word('');
    const list = cur.word('a list name (or default)').text;
    const methods: string[] = [];
    const rest = cur.rest();
    for (let i = 0; i < rest.length; i++) {
      const t = rest[i]?.text ?? '';
      if (t.toLowerCase() === 'group' && rest[i + 1]) {
        methods.push(`group ${rest[i + 1]?.text ?? ''}`);
        i++;
      } else methods.push(t);
    }
    if (methods.length === 0)
      throw cur.error(undefined, 'an authentication method (local, group radius, ...)');
    ctx.b.aaa.push({ list, methods, service: service ?? '' });
    return;
  }
  if (what === 'group' && service === 'server') {
    cur.word('');
    cur.word('');
    const protocol = cur.keyword(['radius', 'tacacs+'] as const);
    const name = cur.word('a server group name').text;
    cur.end();
    let group = ctx.b.aaaGroupServers.find((g) => g.name === name);
    if (group === undefined) {
      group = { name, protocol, servers: [] };
      ctx.b.aaaGroupServers.push(group);
    }
    ctx.mode = { kind: 'aaa-group', group };
    return;
  }
  cur.rest();
  ctx.b.ignore(line, cur.src.text);
}

/** The key of a `... key K` option: the rest of the line, as IOS reads it. */
function keyRest(cur: Cursor): string {
  const key = cur
    .rest()
    .map((t) => t.text)
    .join(' ');
  if (key === '') throw cur.error(undefined, 'a key');
  return key;
}

type Forms = Readonly<Record<string, (cur: Cursor) => void>>;

/** Options in any order until the end of the line. */
function options(cur: Cursor, forms: Forms): void {
  const names = Object.keys(forms);
  while (!cur.atEnd()) forms[cur.keyword(names)]?.(cur);
}

/** `WORD FORM ...` for one of `forms`; any other form is valid IOS we do not use. */
function serverCommand(ctx: ParseContext, cur: Cursor, word: string, forms: Forms): void {
  const line = cur.src.line;
  cur.word(word);
  const form = cur.optionalKeyword(Object.keys(forms));
  if (form === undefined) {
    cur.rest();
    ctx.b.ignore(line, cur.src.text);
    return;
  }
  forms[form]?.(cur);
  cur.end();
}

/** What `aaa group server` takes; other lines of the sub-mode (`deadtime`, `ip vrf ...`) are ignored. */
export const AAA_GROUP_WORDS: readonly string[] = ['server', 'server-private'];

/**
 * In `aaa group server radius NAME`: `server A [auth-port P] [acct-port P]` and
 * `server-private A [auth-port P] [acct-port P] [timeout N] [retransmit N] key K`; in
 * `aaa group server tacacs+ NAME`: `server A` and `server-private A [port P] [timeout N] key K`.
 */
export function aaaGroupSubCommand(cur: Cursor, group: ParsedAaaGroup): void {
  const which = cur.keyword(['server', 'server-private'] as const);
  const member: Mutable<AaaGroupMember> = { host: cur.ipv4(), private: which === 'server-private' };
  const port = (): void => {
    member.port = cur.integer(0, 65535);
  };
  const forms: Record<string, () => void> =
    group.protocol === 'radius' ? { 'auth-port': port, 'acct-port': () => cur.integer(0, 65535) } : { port };
  if (member.private) {
    forms['timeout'] = () => {
      member.timeout = cur.integer(1, 1000);
    };
    if (group.protocol === 'radius')
      forms['retransmit'] = () => {
        member.retransmit = cur.integer(0, 100);
      };
    forms['key'] = () => {
      member.key = keyRest(cur);
    };
  }
  options(cur, forms);
  if (member.private && member.key === undefined) throw cur.error(undefined, '"key" and the server\'s key');
  group.servers.push(member);
}

/**
 * `radius-server host A [auth-port P] [acct-port P] [timeout N] [retransmit N] [key K]`,
 * `radius-server key K`, `radius-server timeout N`, `radius-server retransmit N`.
 */
export function radiusCommand(ctx: ParseContext, cur: Cursor): void {
  serverCommand(ctx, cur, 'radius-server', {
    host: (c) => {
      const server: ParsedRadiusServer = { host: c.ipv4() };
      options(c, {
        'auth-port': () => {
          server.authPort = c.integer(0, 65535);
        },
        'acct-port': () => c.integer(0, 65535),
        timeout: () => {
          server.timeout = c.integer(1, 1000);
        },
        retransmit: () => {
          server.retransmit = c.integer(0, 100);
        },
        key: () => {
          server.key = keyRest(c);
        },
        'non-standard': () => undefined,
      });
      ctx.b.radiusServers.push(server);
    },
    key: (c) => {
      ctx.b.radiusGlobalKey = keyRest(c);
    },
    timeout: (c) => {
      ctx.b.radiusTimeout = c.integer(1, 1000);
    },
    retransmit: (c) => {
      ctx.b.radiusRetransmit = c.integer(0, 100);
    },
  });
}

/** `tacacs-server host A [port P] [timeout N] [single-connection] [key K]`, `tacacs-server key K|timeout N`. */
export function tacacsCommand(ctx: ParseContext, cur: Cursor): void {
  serverCommand(ctx, cur, 'tacacs-server', {
    host: (c) => {
      const server: ParsedTacacsServer = { host: c.ipv4() };
      options(c, {
        port: () => {
          server.port = c.integer(1, 65535);
        },
        timeout: () => {
          server.timeout = c.integer(1, 1000);
        },
        key: () => {
          server.key = keyRest(c);
        },
        'single-connection': () => undefined,
        nat: () => undefined,
      });
      ctx.b.tacacsServers.push(server);
    },
    key: (c) => {
      ctx.b.tacacsGlobalKey = keyRest(c);
    },
    timeout: (c) => {
      ctx.b.tacacsTimeout = c.integer(1, 1000);
    },
  });
}

/** PIX `aaa-server TAG protocol P` / `aaa-server TAG (IF) host A [KEY] [timeout N]`. */
export function aaaServerCommand(ctx: ParseContext, cur: Cursor): void {
  cur.word('aaa-server');
  const tag = cur.word('a server group tag').text;
  let group = ctx.b.aaaServers.get(tag);
  if (!group) {
    group = { tag, hosts: [] };
    ctx.b.aaaServers.set(tag, group);
  }
  const next = cur.word('protocol or (interface)');
  if (next.text.toLowerCase() === 'protocol') {
    group.protocol = cur.word('a protocol (tacacs+, radius)').text;
    cur.end();
    return;
  }
  const m = /^\((.+)\)$/.exec(next.text);
  if (!m) throw cur.error(next, '"protocol" or an interface in parentheses');
  cur.keyword(['host'] as const);
  const host = cur.ipv4();
  let key: string | undefined;
  if (!cur.atEnd() && cur.peek()?.text.toLowerCase() !== 'timeout') key = cur.word('a key').text;
  const timeout = cur.optionalKeyword(['timeout'] as const) !== undefined ? cur.integer(1, 3600) : undefined;
  cur.end();
  group.hosts.push({
    interface: m[1] ?? '',
    host,
    ...(key !== undefined ? { key } : {}),
    ...(timeout !== undefined ? { timeout } : {}),
  });
}
