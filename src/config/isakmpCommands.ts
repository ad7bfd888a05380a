// `crypto isakmp ...` (IOS) / `isakmp ...` (PIX) and the `crypto isakmp policy N` sub-mode.
// The same functions serve IOS sub-mode lines, the chapter's one-line form
// (`crypto isakmp policy 1 authentication rsa-encr`) and the PIX one-liners
// (`isakmp policy 10 hash md5`).

import { netmaskPrefix, parseIpv4 } from '../policy/ipv4.js';
import type { DhGroup, IkeEncryption, IsakmpPolicy } from '../policy/model.js';
import type { Mutable } from './builder.js';
import type { ParseContext } from './context.js';
import type { Cursor } from './cursor.js';
import { openClientGroup } from './clientGroupCommands.js';
import { DH_GROUPS, notModelled } from './cryptoShared.js';

export const POLICY_WORDS = ['encryption', 'hash', 'authentication', 'group', 'lifetime', 'exit'] as const;

/** Misprints in the chapter that IOS itself would not accept; read with a warning. */
const MISPRINTS: Readonly<Record<string, string>> = { 'rsa-enr': 'rsa-encr' };

function misprint<K extends string>(ctx: ParseContext, cur: Cursor, options: readonly K[]): K | undefined {
  const t = cur.peek();
  const fixed =
    t && Object.hasOwn(MISPRINTS, t.text.toLowerCase()) ? MISPRINTS[t.text.toLowerCase()] : undefined;
  const k = fixed === undefined ? undefined : options.find((o) => o === fixed);
  if (t && k !== undefined) {
    cur.word('');
    ctx.b.warn(t.line, `"${t.text}" read as "${k}" (a misprint: IOS spells it ${k})`);
  }
  return k;
}

/** One policy attribute; the cursor is at the attribute keyword. */
export function policyCommand(ctx: ParseContext, cur: Cursor, policy: Mutable<IsakmpPolicy>): void {
  const word = cur.keyword(POLICY_WORDS);
  switch (word) {
    case 'encryption': {
      const alg = cur.keyword(['des', '3des', 'aes'] as const);
      let enc: IkeEncryption = alg;
      if (alg === 'aes') {
        const bits = cur.optionalKeyword(['128', '192', '256'] as const);
        enc = bits === '192' ? 'aes192' : bits === '256' ? 'aes256' : 'aes';
      }
      policy.encryption = enc;
      break;
    }
    case 'hash':
      policy.hash = cur.keyword(['md5', 'sha', 'sha256', 'sha384', 'sha512'] as const);
      break;
    case 'authentication': {
      const options = ['pre-share', 'rsa-sig', 'rsa-encr'] as const;
      const method = misprint(ctx, cur, options) ?? cur.keyword(options);
      // RFC 2409 §5.3 revised mode: no IOS keyword, so typeswan reads `rsa-encr revised`.
      policy.authentication =
        method === 'rsa-encr' && cur.optionalKeyword(['revised'] as const) ? 'rsa-encr-revised' : method;
      break;
    }
    case 'group':
      policy.group = Number(
        cur.keyword(DH_GROUPS, `a Diffie-Hellman group (${DH_GROUPS.join(', ')})`),
      ) as DhGroup;
      break;
    case 'lifetime':
      policy.lifetimeSeconds = cur.integer(60, 86400, 'a lifetime in seconds (60-86400)');
      break;
    case 'exit':
      ctx.mode = { kind: 'global' };
      break;
  }
  cur.end();
}

// ------------------------------------------------------------------ crypto isakmp / isakmp (PIX)

/** Cursor is just after `crypto isakmp` (or PIX `isakmp`). */
export function isakmpCommand(ctx: ParseContext, cur: Cursor): void {
  const line = cur.src.line;
  const word = cur.keyword([
    'policy',
    'key',
    'identity',
    'keepalive',
    'client',
    'enable',
    'nat-traversal',
    'nat',
    'aggressive-mode',
    'invalid-spi-recovery',
    'xauth',
    'profile',
  ] as const);
  switch (word) {
    case 'policy': {
      const priority = cur.integer(1, 10000, 'a policy priority (1-10000)');
      const policy = ctx.b.policy(priority, line);
      ctx.mode = { kind: 'policy', policy };
      if (!cur.atEnd()) policyCommand(ctx, cur, policy);
      return;
    }
    case 'key':
      return presharedKeyCommand(ctx, cur);
    case 'identity':
      ctx.b.isakmp.identity = cur.keyword(['address', 'hostname', 'dn'] as const);
      ctx.b.isakmp.sourceLines = { ...ctx.b.isakmp.sourceLines, identity: line };
      break;
    case 'keepalive': {
      const seconds = cur.integer(10, 3600, 'keepalive seconds (10-3600)');
      const retry =
        cur.atEnd() || cur.peek()?.text.match(/^\D/) ? 2 : cur.integer(2, 60, 'retry seconds (2-60)');
      const mode = cur.optionalKeyword(['periodic', 'on-demand'] as const);
      ctx.b.isakmp.keepalive = { seconds, retry, ...(mode !== undefined ? { mode } : {}) };
      ctx.b.isakmp.sourceLines = { ...ctx.b.isakmp.sourceLines, keepalive: line };
      break;
    }
    case 'client': {
      cur.keyword(['configuration'] as const);
      if (cur.optionalKeyword(['group'] as const) !== undefined) {
        const group = cur.word('a group name').text;
        cur.end();
        openClientGroup(ctx, group, line);
        return;
      }
      cur.keyword(['address-pool'] as const);
      cur.keyword(['local'] as const);
      const pool = cur.word('an address pool name');
      ctx.b.noteRef('isakmp', 'pool', pool.text, pool);
      ctx.b.isakmp.clientAddressPool = pool.text;
      ctx.b.isakmp.sourceLines = { ...ctx.b.isakmp.sourceLines, clientAddressPool: line };
      if (!cur.atEnd()) ctx.b.isakmp.clientAddressPoolInterface = cur.word('an interface').text;
      break;
    }
    case 'enable': {
      const iface = cur.word('an interface name');
      ctx.b.isakmp.enabledInterfaces.push(iface.text);
      break;
    }
    default:
      notModelled(ctx, cur);
      ctx.mode = { kind: 'global' };
      return;
  }
  ctx.mode = { kind: 'global' };
  cur.end();
}

/** `key [0|6] K address A [[netmask] M] [no-xauth] [no-config-mode]` or `key K hostname H`. */
function presharedKeyCommand(ctx: ParseContext, cur: Cursor): void {
  const line = cur.src.line;
  const typeTok = cur.peek();
  const after = cur.peek(2)?.text.toLowerCase();
  if (
    typeTok &&
    (typeTok.text === '0' || typeTok.text === '6') &&
    (after === 'address' || after === 'hostname')
  ) {
    if (typeTok.text === '6')
      throw cur.error(
        typeTok,
        'an unencrypted key (type 0)',
        "type 6 (encrypted) keys cannot be read without the router's master key; write the key in clear (type 0)",
      );
    cur.word('');
  }
  const key = cur.word('a pre-shared key').text;
  const by = cur.keyword(['address', 'hostname'] as const);
  let entry: {
    key: string;
    address?: string;
    netmask?: string;
    hostname?: string;
    noXauth: boolean;
    noConfigMode: boolean;
  };
  if (by === 'address') {
    const address = cur.ipv4();
    let netmask = address === '0.0.0.0' ? '0.0.0.0' : '255.255.255.255'; // IOS: 0.0.0.0 alone is the wildcard
    const maskKw = cur.optionalKeyword(['netmask'] as const);
    const maskTok = cur.peek();
    if (maskKw !== undefined || (maskTok && parseIpv4(maskTok.text) !== undefined)) {
      netmask = cur.ipv4('a netmask');
      const m = parseIpv4(netmask);
      if (m === undefined || netmaskPrefix(m) === undefined)
        throw cur.error(maskTok, 'a netmask like 255.255.255.0');
    }
    entry = { key, address, netmask, noXauth: false, noConfigMode: false };
  } else {
    entry = { key, hostname: cur.word('a hostname').text, noXauth: false, noConfigMode: false };
  }
  while (!cur.atEnd()) {
    const opt = cur.keyword(['no-xauth', 'no-config-mode'] as const);
    if (opt === 'no-xauth') entry.noXauth = true;
    else entry.noConfigMode = true;
  }
  ctx.b.keys.push({ ...entry, at: ctx.b.at(line) });
  ctx.mode = { kind: 'global' };
}
