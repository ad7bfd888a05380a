// The line driver: skips terminal noise, tracks sub-modes, hands each line to the command
// parser of its mode, and falls back to global commands the way IOS leaves a sub-mode.

import { ConfigBuilder } from './builder.js';
import { addAclEntry, parseAccessListCommand } from './aclCommands.js';
import type { ParseContext } from './context.js';
import { POLICY_WORDS, isakmpCommand, policyCommand } from './isakmpCommands.js';
import { MAP_WORDS, dynamicMapCommand, mapCommand, mapSubCommand } from './mapCommands.js';
import { TRANSFORM_SET_WORDS, ipsecCommand, transformSetSubCommand } from './transformSetCommands.js';
import { Cursor, describeOptions, matchKeyword } from './cursor.js';
import { aaaCommand, aaaServerCommand, radiusCommand, usernameCommand } from './aaaCommands.js';
import { interfaceSubCommand, nameifCommand } from './interfaceCommands.js';
import { ipCommand } from './ipCommands.js';
import { GLOBAL_WORDS } from './words.js';
import { lexLines, type SourceLine } from './lexer.js';
import {
  CA_WORDS,
  CHAIN_WORDS,
  PUBKEY_CHAIN_WORDS,
  PUBKEY_WORDS,
  caCommand,
  caSubCommand,
  chainSubCommand,
  keyCommand,
  pubkeySubCommand,
} from './pkiCommands.js';

/** Lines a terminal capture adds around the configuration. */
function isTerminalNoise(src: SourceLine): boolean {
  const first = src.tokens[0]?.text ?? '';
  if (/^[A-Za-z][\w.-]*(\([\w-]+\))?[#>]/.test(first)) return true; // router1#write terminal
  return /^(Building configuration\.\.\.|Current configuration\b.*|--More--|Using \d+ out of \d+ bytes)$/i.test(
    src.text.trim(),
  );
}

function crypto(ctx: ParseContext, cur: Cursor): void {
  cur.word('crypto');
  const what = cur.keyword(['isakmp', 'ipsec', 'map', 'dynamic-map', 'ca', 'pki', 'key'] as const);
  switch (what) {
    case 'isakmp':
      return isakmpCommand(ctx, cur);
    case 'ipsec':
      return ipsecCommand(ctx, cur);
    case 'map':
      return mapCommand(ctx, cur);
    case 'dynamic-map':
      return dynamicMapCommand(ctx, cur);
    case 'ca':
    case 'pki':
      return caCommand(ctx, cur);
    case 'key':
      return keyCommand(ctx, cur);
  }
}

function globalCommand(ctx: ParseContext, src: SourceLine): void {
  const cur = new Cursor(ctx.file, src);
  const first = src.tokens[0]?.text.toLowerCase() ?? '';
  ctx.mode = { kind: 'global' };
  switch (first) {
    case 'crypto':
      return crypto(ctx, cur);
    case 'isakmp':
      if (ctx.dialect === 'pix') {
        cur.word('isakmp');
        return isakmpCommand(ctx, cur);
      }
      break;
    case 'hostname':
      cur.word('hostname');
      ctx.b.hostname = cur.word('a host name').text;
      cur.end();
      return;
    case 'interface':
      if (ctx.dialect === 'ios') {
        cur.word('interface');
        const name = cur.word('an interface name');
        ctx.mode = { kind: 'interface', iface: ctx.b.iface(name.text, src.line) };
        return;
      }
      break; // PIX `interface ethernet0 auto`: hardware settings only
    case 'access-list':
      return parseAccessListCommand(ctx, cur);
    case 'ip':
      return ipCommand(ctx, cur);
    case 'username':
      return usernameCommand(ctx, cur);
    case 'aaa':
      return aaaCommand(ctx, cur);
    case 'radius-server':
      return radiusCommand(ctx, cur);
    case 'aaa-server':
      if (ctx.dialect === 'pix') return aaaServerCommand(ctx, cur);
      break;
    case 'nameif':
      if (ctx.dialect === 'pix') return nameifCommand(ctx, cur);
      break;
  }
  // Not about IPsec (routing, lines, logging, fixups, NAT, ...): accepted and listed.
  ctx.b.ignore(src.line, src.text);
}

/** Sub-mode keywords, for "expected one of ..." when an indented line fits nowhere. */
function modeWords(ctx: ParseContext): readonly string[] | undefined {
  switch (ctx.mode.kind) {
    case 'policy':
      return POLICY_WORDS;
    case 'transform-set':
      return TRANSFORM_SET_WORDS;
    case 'map':
    case 'dynamic':
      return MAP_WORDS;
    case 'acl':
      return ['permit', 'deny', 'remark'];
    case 'chain':
      return CHAIN_WORDS;
    case 'pubkey-chain':
      return PUBKEY_CHAIN_WORDS;
    case 'pubkey':
      return PUBKEY_WORDS;
    default:
      return undefined;
  }
}

/** Handles the line in the current sub-mode; false when it belongs to global level. */
function subModeCommand(ctx: ParseContext, src: SourceLine): boolean {
  const cur = new Cursor(ctx.file, src);
  const firstTok = src.tokens[0];
  const first = firstTok?.text ?? '';
  const mode = ctx.mode;
  const words = modeWords(ctx);
  const isModeWord = words !== undefined && matchKeyword(first, words) !== undefined;
  switch (mode.kind) {
    case 'global':
      return false;
    case 'interface':
      return interfaceSubCommand(ctx, cur, mode.iface);
    case 'ca':
      if (matchKeyword(first, CA_WORDS) !== undefined) caSubCommand(ctx, cur, mode.trustpoint);
      else if (GLOBAL_WORDS.has(first.toLowerCase())) return false;
      else ctx.b.ignore(src.line, src.text); // other trustpoint settings
      return true;
    case 'acl':
      if (/^\d+$/.test(first) || isModeWord) {
        addAclEntry(ctx, cur, mode.name, mode.standard);
        return true;
      }
      break;
    default:
      if (isModeWord) {
        if (mode.kind === 'policy') policyCommand(ctx, cur, mode.policy);
        else if (mode.kind === 'transform-set') transformSetSubCommand(ctx, cur, mode.ts);
        else if (mode.kind === 'map' || mode.kind === 'dynamic') mapSubCommand(ctx, cur, mode.entry);
        else if (mode.kind === 'chain') chainSubCommand(ctx, cur, mode.trustpoint);
        else if (mode.kind === 'pubkey-chain') pubkeySubCommand(ctx, cur, undefined);
        else if (mode.kind === 'pubkey') pubkeySubCommand(ctx, cur, mode.key);
        return true;
      }
      if (
        first.toLowerCase() === 'no' &&
        words &&
        matchKeyword(src.tokens[1]?.text ?? '', words) !== undefined
      ) {
        ctx.b.ignore(src.line, src.text);
        ctx.b.warn(src.line, `"${src.text.trim()}" removes nothing in a configuration read from scratch`);
        return true;
      }
  }
  if (GLOBAL_WORDS.has(first.toLowerCase())) return false;
  // In a crypto sub-mode an unknown word is a mistake, not a command we may skip.
  throw cur.error(firstTok, words ? describeOptions(words) : 'a command');
}

function feedHex(ctx: ParseContext, src: SourceLine): boolean {
  const hex = ctx.hex;
  if (!hex) return false;
  if (src.blank || src.comment) return true;
  const words = src.tokens.map((t) => t.text);
  if (words.length === 1 && words[0]?.toLowerCase() === 'quit') {
    ctx.hex = undefined;
    hex.finish(hex.words.join(''), true);
    return true;
  }
  if (words.every((w) => /^[0-9a-f]+$/i.test(w))) {
    hex.words.push(...words);
    return true;
  }
  ctx.hex = undefined;
  hex.finish(hex.words.join(''), false);
  return false;
}

export function parseLines(text: string, file: string, dialect: 'ios' | 'pix'): ConfigBuilder {
  const ctx: ParseContext = {
    file,
    dialect,
    b: new ConfigBuilder(file, dialect),
    mode: { kind: 'global' },
    hex: undefined,
  };
  for (const src of lexLines(text)) {
    if (feedHex(ctx, src)) continue;
    if (src.blank || src.comment || isTerminalNoise(src)) continue;
    if (src.joinedLine !== undefined) {
      ctx.b.warn(
        src.line,
        `line ${src.joinedLine} read as the end of this line (a keyword wrapped in print)`,
      );
    }
    if (!subModeCommand(ctx, src)) globalCommand(ctx, src);
    // `end` closes the configuration; what a capture shows after it (the next prompt, `show`
    // output) is not configuration.
    if (
      ctx.mode.kind === 'global' &&
      src.indent === 0 &&
      src.tokens.length === 1 &&
      src.tokens[0]?.text === 'end'
    )
      break;
  }
  if (ctx.hex) {
    const hex = ctx.hex;
    ctx.hex = undefined;
    hex.finish(hex.words.join(''), false);
  }
  return ctx.b;
}
