// Users and AAA for XAUTH: `username`, `aaa authentication|authorization`, `radius-server`,
// PIX `aaa-server`.

import type { ParseContext } from './context.js';
import type { Cursor } from './cursor.js';

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
  cur.rest();
  ctx.b.ignore(line, cur.src.text);
}

export function radiusCommand(ctx: ParseContext, cur: Cursor): void {
  const line = cur.src.line;
  cur.word('radius-server');
  const what = cur.peek()?.text.toLowerCase();
  if (what === 'host') {
    cur.word('host');
    const host = cur.ipv4();
    const server: { host: string; key?: string } = { host };
    while (!cur.atEnd()) {
      const opt = cur.word('an option').text.toLowerCase();
      if (opt === 'key')
        server.key = cur
          .rest()
          .map((t) => t.text)
          .join(' ');
      else if (!cur.atEnd() && opt !== 'non-standard') cur.word('a value');
    }
    ctx.b.radiusServers.push(server);
    return;
  }
  if (what === 'key') {
    cur.word('key');
    ctx.b.radiusGlobalKey = cur
      .rest()
      .map((t) => t.text)
      .join(' ');
    return;
  }
  cur.rest();
  ctx.b.ignore(line, cur.src.text);
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
  if (cur.optionalKeyword(['timeout'] as const) !== undefined) cur.integer(1, 3600);
  cur.end();
  group.hosts.push({ interface: m[1] ?? '', host, ...(key !== undefined ? { key } : {}) });
}
