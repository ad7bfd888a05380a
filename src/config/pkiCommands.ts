// `crypto ca identity|trustpoint`, `crypto ca certificate chain` with its hex blocks, and
// `crypto key pubkey-chain rsa` with `named-key|addressed-key` and `key-string ... quit`.

import { parseIpv4 } from '../policy/ipv4.js';
import type { CertificateBlock, PublicKeyEntry, Trustpoint } from '../policy/model.js';
import type { Mutable } from './builder.js';
import type { ParseContext } from './context.js';
import type { Cursor } from './cursor.js';
import { decodeCertificateHex, decodePublicKeyHex } from './hexBlock.js';

export const CA_WORDS = ['enrollment', 'crl', 'revocation-check', 'rsakeypair', 'exit'] as const;
export const CHAIN_WORDS = ['certificate', 'exit'] as const;
export const PUBKEY_CHAIN_WORDS = ['named-key', 'addressed-key', 'exit'] as const;
export const PUBKEY_WORDS = ['address', 'key-string', 'named-key', 'addressed-key', 'exit'] as const;

/** Cursor is just after `crypto ca` or `crypto pki`. */
export function caCommand(ctx: ParseContext, cur: Cursor): void {
  const line = cur.src.line;
  const word = cur.keyword(['identity', 'trustpoint', 'certificate'] as const);
  if (word === 'certificate') {
    const sub = cur.keyword(['chain', 'query', 'map'] as const);
    if (sub !== 'chain') {
      cur.rest();
      ctx.b.ignore(line, cur.src.text);
      ctx.mode = { kind: 'global' };
      return;
    }
    const tp = cur.word('a trustpoint name').text;
    cur.end();
    ctx.mode = { kind: 'chain', trustpoint: tp };
    return;
  }
  const name = cur.word('a CA identity name').text;
  cur.end();
  let tp = ctx.b.trustpoints.get(name);
  if (!tp) {
    tp = { name, kind: word } satisfies Mutable<Trustpoint>;
    ctx.b.trustpoints.set(name, tp);
  }
  ctx.mode = { kind: 'ca', trustpoint: tp };
}

export function caSubCommand(ctx: ParseContext, cur: Cursor, tp: Mutable<Trustpoint>): void {
  const word = cur.keyword(CA_WORDS);
  if (word === 'enrollment') {
    const what = cur.keyword(['url', 'mode', 'retry', 'terminal', 'selfsigned', 'http-proxy'] as const);
    if (what === 'url') tp.enrollmentUrl = cur.word('an enrollment URL').text;
    else if (what === 'mode') tp.enrollmentMode = cur.word('an enrollment mode').text;
    else if (what === 'retry') {
      const r = cur.keyword(['count', 'period'] as const);
      const n = cur.integer(1, 100, 'a number (1-100)');
      if (r === 'count') tp.enrollmentRetryCount = n;
    } else cur.rest();
  } else if (word === 'crl') {
    const what = cur.keyword(['optional', 'query', 'best-effort'] as const);
    if (what === 'optional') tp.crlOptional = true;
    else cur.rest();
  } else if (word === 'rsakeypair') {
    tp.rsakeypair = cur.word('a key label').text;
    cur.rest(); // optional key sizes
  } else if (word === 'revocation-check') {
    const methods = cur.rest().map((t) => t.text.toLowerCase());
    if (methods.includes('none')) tp.crlOptional = true;
  } else {
    ctx.mode = { kind: 'global' };
  }
  cur.end();
}

function certificateRole(word: string | undefined): CertificateBlock['role'] {
  switch (word) {
    case undefined:
    case 'self-signed':
      return 'router';
    case 'ca':
      return 'ca';
    case 'ra-sign':
    case 'ra-encrypt':
    case 'ra-general':
      return 'ra';
    default:
      return 'unknown';
  }
}

/** `certificate [ca|ra-sign|ra-encrypt|self-signed] SERIAL`, then hex words until `quit`. */
export function chainSubCommand(ctx: ParseContext, cur: Cursor, trustpoint: string): void {
  const word = cur.keyword(CHAIN_WORDS);
  if (word === 'exit') {
    ctx.mode = { kind: 'global' };
    cur.end();
    return;
  }
  const role = cur.optionalKeyword([
    'ca',
    'ra-sign',
    'ra-encrypt',
    'ra-general',
    'self-signed',
    'rollover',
  ] as const);
  const serial = cur.word('a certificate serial number').text;
  cur.end();
  const line = cur.src.line;
  ctx.hex = {
    header: cur.src,
    words: [],
    finish: (hex, terminated) => {
      const decoded = decodeCertificateHex(hex);
      const block: CertificateBlock = {
        trustpoint,
        serial,
        role: certificateRole(role),
        ...('der' in decoded ? { der: decoded.der } : {}),
        at: ctx.b.at(line),
      };
      ctx.b.certificates.push(block);
      if ('problem' in decoded) {
        ctx.b.warn(line, `certificate ${serial} of ${trustpoint}: ${decoded.problem}; it cannot be used`);
      } else if (!terminated) {
        ctx.b.warn(line, `certificate ${serial} of ${trustpoint}: no "quit" after the hex block`);
      }
    },
  };
}

/** Cursor is just after `crypto key`. */
export function keyCommand(ctx: ParseContext, cur: Cursor): void {
  const word = cur.keyword(['pubkey-chain', 'generate', 'zeroize', 'import', 'export'] as const);
  if (word !== 'pubkey-chain') {
    cur.rest();
    ctx.b.ignore(cur.src.line, cur.src.text);
    ctx.mode = { kind: 'global' };
    return;
  }
  cur.keyword(['rsa'] as const);
  cur.end();
  ctx.mode = { kind: 'pubkey-chain' };
}

/** Lines under `crypto key pubkey-chain rsa` (and under one of its keys). */
export function pubkeySubCommand(
  ctx: ParseContext,
  cur: Cursor,
  key: Mutable<PublicKeyEntry> | undefined,
): void {
  const word = cur.keyword(key ? PUBKEY_WORDS : PUBKEY_CHAIN_WORDS);
  const line = cur.src.line;
  switch (word) {
    case 'named-key':
    case 'addressed-key': {
      const nameTok = cur.word(word === 'named-key' ? 'a key name' : 'an IPv4 address');
      const entry: Mutable<PublicKeyEntry> = { kind: word, name: nameTok.text, at: ctx.b.at(line) };
      if (word === 'addressed-key') {
        if (parseIpv4(nameTok.text) === undefined) throw cur.error(nameTok, 'an IPv4 address');
        entry.address = nameTok.text;
      }
      const usage = cur.optionalKeyword(['encryption', 'signature'] as const);
      if (usage !== undefined) entry.usage = usage;
      cur.end();
      ctx.b.publicKeys.push(entry);
      ctx.mode = { kind: 'pubkey', key: entry };
      return;
    }
    case 'address':
      if (key) key.address = cur.ipv4();
      break;
    case 'key-string': {
      cur.end();
      if (!key) return;
      ctx.hex = {
        header: cur.src,
        words: [],
        finish: (hex, terminated) => {
          const decoded = decodePublicKeyHex(hex);
          if ('der' in decoded) key.der = decoded.der;
          else ctx.b.warn(line, `public key ${key.name}: ${decoded.problem}; it cannot be used`);
          if ('der' in decoded && !terminated)
            ctx.b.warn(line, `public key ${key.name}: no "quit" after the hex block`);
        },
      };
      return;
    }
    case 'exit':
      ctx.mode = key ? { kind: 'pubkey-chain' } : { kind: 'global' };
      break;
  }
  cur.end();
}
