// `crypto ipsec transform-set NAME t1 [t2 [t3]]` (+ `mode`), `crypto ipsec security-association lifetime`.

import type { AhIntegrity, EspEncryption, EspIntegrity, TransformSet } from '../policy/model.js';
import type { Mutable } from './builder.js';
import type { ParseContext } from './context.js';
import type { Cursor } from './cursor.js';
import { lifetimeValue, notModelled } from './cryptoShared.js';

export const TRANSFORM_SET_WORDS = ['mode', 'exit'] as const;

const TRANSFORMS = [
  'esp-des',
  'esp-3des',
  'esp-aes',
  'esp-gcm',
  'esp-null',
  'esp-md5-hmac',
  'esp-sha-hmac',
  'esp-sha256-hmac',
  'esp-sha384-hmac',
  'esp-sha512-hmac',
  'ah-md5-hmac',
  'ah-sha-hmac',
  'ah-sha256-hmac',
  'ah-sha384-hmac',
  'ah-sha512-hmac',
  'comp-lzs',
  'comp-deflate', // ours: IOS offers only comp-lzs, strongSwan and Linux only DEFLATE
] as const;

/** Cursor is just after `crypto ipsec`. */
export function ipsecCommand(ctx: ParseContext, cur: Cursor): void {
  const word = cur.keyword([
    'transform-set',
    'security-association',
    'df-bit',
    'nat-transparency',
    'fragmentation',
  ] as const);
  if (word === 'transform-set') return transformSetCommand(ctx, cur);
  if (word === 'security-association') {
    const sub = cur.keyword(['lifetime', 'replay', 'idle-time'] as const);
    if (sub === 'lifetime') {
      lifetimeValue(cur, ctx.b.globalSaLifetime);
      cur.end();
      ctx.mode = { kind: 'global' };
      return;
    }
  }
  notModelled(ctx, cur);
  ctx.mode = { kind: 'global' };
}

function transformSetCommand(ctx: ParseContext, cur: Cursor): void {
  const nameTok = cur.word('a transform set name');
  const ts: Mutable<TransformSet> = { name: nameTok.text, mode: 'tunnel', at: ctx.b.at(cur.src.line) };
  let count = 0;
  while (!cur.atEnd()) {
    const tok = cur.peek();
    const t = cur.keyword(TRANSFORMS, `a transform (${TRANSFORMS.join(', ')})`);
    const clash = (taken: unknown): void => {
      if (taken !== undefined)
        throw cur.error(
          tok,
          'at most one transform of each kind',
          `transform set ${ts.name} already has a transform of the kind of "${t}"`,
        );
    };
    count++;
    if (t.startsWith('ah-')) {
      clash(ts.ah);
      ts.ah = t as AhIntegrity;
    } else if (t.endsWith('-hmac')) {
      clash(ts.espIntegrity);
      ts.espIntegrity = t as EspIntegrity;
    } else if (t === 'comp-lzs' || t === 'comp-deflate') {
      clash(ts.compression);
      ts.compression = t;
    } else {
      clash(ts.espEncryption);
      ts.espEncryption = t as EspEncryption;
      if (t === 'esp-aes' || t === 'esp-gcm') {
        const bits = cur.optionalKeyword(['128', '192', '256'] as const);
        if (bits !== undefined) ts.espKeyBits = Number(bits) as 128 | 192 | 256;
      }
    }
  }
  if (count === 0) throw cur.error(undefined, `a transform (${TRANSFORMS.join(', ')})`);
  if (ts.espEncryption === 'esp-gcm' && ts.espIntegrity !== undefined) {
    throw cur.error(
      undefined,
      'no ESP integrity transform with esp-gcm',
      `esp-gcm authenticates by itself and cannot be combined with ${ts.espIntegrity}`,
    );
  }
  ctx.b.transformSets.set(ts.name, ts);
  ctx.mode = { kind: 'transform-set', ts };
}

export function transformSetSubCommand(ctx: ParseContext, cur: Cursor, ts: Mutable<TransformSet>): void {
  const word = cur.keyword(TRANSFORM_SET_WORDS);
  if (word === 'mode') ts.mode = cur.keyword(['tunnel', 'transport'] as const);
  else ctx.mode = { kind: 'global' };
  cur.end();
}
