// `crypto map ...` and `crypto dynamic-map ...`: entries, their `set`/`match` lines (sub-mode
// or PIX one-liners such as `crypto map newmap 20 set peer A`) and the per-map settings.

import { parseIpv4 } from '../policy/ipv4.js';
import type { DhGroup, SaLifetime } from '../policy/model.js';
import type { Mutable, MutableDynamicEntry, MutableMapEntry } from './builder.js';
import type { ParseContext } from './context.js';
import { Cursor } from './cursor.js';
import { DH_GROUPS, lifetimeValue, notModelled } from './cryptoShared.js';

export const MAP_WORDS = ['set', 'match', 'description', 'reverse-route', 'exit'] as const;

/** A `set ...` / `match address ...` line for a map or dynamic-map entry (cursor at the keyword). */
export function mapSubCommand(
  ctx: ParseContext,
  cur: Cursor,
  entry: MutableMapEntry | MutableDynamicEntry,
): void {
  const owner = 'kind' in entry ? `map:${entry.map}:${entry.seq}` : `dynamic:${entry.name}:${entry.seq}`;
  const word = cur.keyword(MAP_WORDS);
  switch (word) {
    case 'set': {
      const what = cur.keyword([
        'peer',
        'transform-set',
        'pfs',
        'security-association',
        'isakmp-profile',
        'ikev2-profile',
        'reverse-route',
        'nat',
      ] as const);
      if (what === 'isakmp-profile' || what === 'reverse-route' || what === 'nat') {
        notModelled(ctx, cur);
        return;
      }
      if (what === 'ikev2-profile') {
        const name = cur.word('an IKEv2 profile name');
        ctx.b.noteRef(owner, 'ikev2-profile', name.text, name);
        entry.ikev2Profile = name.text;
      } else if (what === 'peer') {
        const t = cur.word('an IPv4 address or a host name');
        let address = parseIpv4(t.text) !== undefined ? t.text : undefined;
        if (address === undefined) {
          address = ctx.b.hosts.find((h) => h.name.toLowerCase() === t.text.toLowerCase())?.address;
          if (address === undefined) throw cur.error(t, 'an IPv4 address or a name defined by `ip host`');
        }
        cur.optionalKeyword(['default'] as const);
        if (!entry.peers.includes(address)) entry.peers.push(address);
      } else if (what === 'transform-set') {
        const names = cur.rest();
        if (names.length === 0) throw cur.error(undefined, 'a transform set name');
        if (names.length > 6) throw cur.error(names[6], 'at most six transform sets');
        entry.transformSets = [];
        for (const n of names) {
          ctx.b.noteRef(owner, 'transform-set', n.text, n);
          entry.transformSets.push(n.text);
        }
      } else if (what === 'pfs') {
        const options = DH_GROUPS.map((g) => `group${g}`);
        const g = cur.atEnd() ? 'group1' : cur.keyword(options);
        entry.pfsGroup = Number(g.slice('group'.length)) as DhGroup;
      } else {
        if (cur.keyword(['lifetime', 'level', 'idle-time', 'replay', 'dummy'] as const) !== 'lifetime') {
          notModelled(ctx, cur);
          return;
        }
        const lifetime: Partial<Mutable<SaLifetime>> = { ...entry.lifetime };
        lifetimeValue(cur, lifetime);
        entry.lifetime = lifetime;
      }
      break;
    }
    case 'match': {
      cur.keyword(['address'] as const);
      const acl = cur.word('an access-list number or name');
      ctx.b.noteRef(owner, 'acl', acl.text, acl);
      entry.matchAddress = acl.text;
      break;
    }
    case 'description':
    case 'reverse-route':
      cur.rest();
      break;
    case 'exit':
      ctx.mode = { kind: 'global' };
      break;
  }
  cur.end();
}

/** Cursor is just after `crypto map`. */
export function mapCommand(ctx: ParseContext, cur: Cursor): void {
  const line = cur.src.line;
  const name = cur.word('a crypto map name').text;
  const next = cur.peek();
  if (next && /^\d+$/.test(next.text)) {
    const seq = cur.integer(1, 65535, 'a sequence number (1-65535)');
    const entry = ctx.b.mapEntry(name, seq, line);
    const what = cur.optionalKeyword([
      'ipsec-isakmp',
      'ipsec-manual',
      ...MAP_WORDS.filter((w) => w !== 'exit'),
    ] as const);
    if (what === undefined && !cur.atEnd()) throw cur.error(cur.peek(), 'one of ipsec-isakmp, set, match');
    if (what === 'ipsec-manual') {
      throw cur.error(
        next,
        'ipsec-isakmp',
        'manual keying (ipsec-manual) is not supported; use ipsec-isakmp',
      );
    }
    if (what === 'ipsec-isakmp' || what === undefined) {
      entry.at = ctx.b.at(line);
      if (cur.optionalKeyword(['dynamic'] as const) !== undefined) {
        const d = cur.word('a dynamic map name');
        ctx.b.noteRef(`map:${name}:${seq}`, 'dynamic-map', d.text, d);
        entry.kind = 'dynamic';
        entry.dynamicMap = d.text;
        if (cur.optionalKeyword(['discover'] as const) !== undefined) entry.discover = true;
      }
      cur.end();
      ctx.mode = { kind: 'map', entry };
      return;
    }
    // PIX one-liner: `crypto map NAME SEQ set|match ...` (cursor went past the keyword).
    const back = new Cursor(cur.file, cur.src, cur.position - 1);
    mapSubCommand(ctx, back, entry);
    ctx.mode = { kind: 'global' };
    return;
  }
  const word = cur.keyword(
    ['local-address', 'client', 'isakmp', 'interface'] as const,
    'a sequence number or one of local-address, client, isakmp, interface',
  );
  const settings = ctx.b.settings(name);
  switch (word) {
    case 'local-address': {
      const i = cur.word('an interface name');
      ctx.b.noteRef(`settings:${name}`, 'interface', i.text, i);
      settings.localAddressInterface = i.text;
      settings.sourceLines = { ...settings.sourceLines, localAddress: line };
      break;
    }
    case 'client': {
      const sub = cur.keyword(['authentication', 'configuration'] as const);
      if (sub === 'authentication') {
        settings.sourceLines = { ...settings.sourceLines, clientAuthentication: line };
        if (cur.optionalKeyword(['list'] as const) !== undefined) {
          const l = cur.word('an aaa authentication list name');
          ctx.b.noteRef(`settings:${name}`, 'aaa-list', l.text, l);
          settings.clientAuthenticationList = l.text;
        } else {
          const s = cur.word('an aaa-server name or `list NAME`');
          ctx.b.noteRef(`settings:${name}`, 'aaa-server', s.text, s);
          settings.clientAuthenticationServer = s.text;
        }
      } else {
        cur.keyword(['address'] as const);
        settings.sourceLines = {
          ...settings.sourceLines,
          clientConfiguration: settings.sourceLines?.clientConfiguration ?? line,
        };
        const how = cur.keyword(['initiate', 'respond'] as const);
        settings.clientConfiguration = how;
        // Both may be configured (the chapter does); keep both visible to the gateway.
        const modes = [...(settings.clientConfigurationModes ?? [])];
        if (!modes.includes(how)) modes.push(how);
        settings.clientConfigurationModes = modes;
      }
      break;
    }
    case 'isakmp': {
      cur.keyword(['authorization'] as const);
      cur.keyword(['list'] as const);
      const l = cur.word('an aaa authorization list name');
      settings.isakmpAuthorizationList = l.text;
      settings.sourceLines = { ...settings.sourceLines, isakmpAuthorization: line };
      break;
    }
    case 'interface': {
      const i = cur.word('an interface name');
      const iface = ctx.b.iface(i.text, line);
      iface.cryptoMap = name;
      ctx.b.noteRef(`interface:${iface.name.toLowerCase()}`, 'crypto-map', name, {
        line,
        column: cur.src.tokens[2]?.column ?? 1,
      });
      break;
    }
  }
  cur.end();
  ctx.mode = { kind: 'global' };
}

/** Cursor is just after `crypto dynamic-map`. */
export function dynamicMapCommand(ctx: ParseContext, cur: Cursor): void {
  const name = cur.word('a dynamic map name').text;
  const seq = cur.integer(1, 65535, 'a sequence number (1-65535)');
  const entry = ctx.b.dynamicEntry(name, seq, cur.src.line);
  if (cur.atEnd()) {
    ctx.mode = { kind: 'dynamic', entry };
    return;
  }
  mapSubCommand(ctx, cur, entry);
  ctx.mode = { kind: 'global' };
}
