// The line driver: skips terminal noise, tracks sub-modes, hands each line to the command
// parser of its mode, and falls back to global commands the way IOS leaves a sub-mode.

import { ConfigBuilder } from './builder.js';
import { addAclEntry, parseAccessListCommand } from './aclCommands.js';
import type { ParseContext } from './context.js';
import { CLIENT_GROUP_WORDS, clientGroupCommand, vpngroupCommand } from './clientGroupCommands.js';
import { ikev2Command, ikev2SubCommand, ikev2Words } from './ikev2Commands.js';
import { POLICY_WORDS, isakmpCommand, policyCommand } from './isakmpCommands.js';
import { MAP_WORDS, dynamicMapCommand, mapCommand, mapSubCommand } from './mapCommands.js';
import { TRANSFORM_SET_WORDS, ipsecCommand, transformSetSubCommand } from './transformSetCommands.js';
import { Cursor, describeOptions, matchKeyword } from './cursor.js';
import {
  AAA_GROUP_WORDS,
  aaaCommand,
  aaaGroupSubCommand,
  aaaServerCommand,
  radiusCommand,
  tacacsCommand,
  usernameCommand,
} from './aaaCommands.js';
import {
  pixGlobalCommand,
  pixNatCommand,
  pixStaticCommand,
  ROUTE_MAP_WORDS,
  routeMapCommand,
  routeMapSubCommand,
} from './natCommands.js';
import { interfaceSubCommand, nameifCommand } from './interfaceCommands.js';
import { ipCommand } from './ipCommands.js';
import { vpdnCommand, vpdnGroupCommand, vpdnGroupSubCommand } from './vpdnCommands.js';
import { loggingCommand, serviceCommand } from './loggingCommands.js';
import { ConfigError } from './errors.js';
import { nearestKeyword } from './suggest.js';
import {
  GLOBAL_WORDS,
  INTERFACE_EXIT_WORDS,
  KNOWN_COMMANDS,
  OTHER_SUBMODE_OPENERS,
  OTHER_SUBMODE_WORDS,
  PREFERRED_ABBREVIATIONS,
} from './words.js';
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
  if (/^Cryptochecksum:[0-9a-f]*$/i.test(first)) return true; // PIX `write terminal` ends with it
  return /^(Building configuration\.\.\.|Current configuration\b.*|--More--|Using \d+ out of \d+ bytes)$/i.test(
    src.text.trim(),
  );
}

function crypto(ctx: ParseContext, cur: Cursor): void {
  cur.word('crypto');
  const what = cur.keyword(['isakmp', 'ikev2', 'ipsec', 'map', 'dynamic-map', 'ca', 'pki', 'key'] as const);
  switch (what) {
    case 'ikev2':
      return ikev2Command(ctx, cur);
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

/**
 * The command a line's first word names: the word itself or the one known command it is an
 * unambiguous prefix of (IOS reads `int` as `interface`). Undefined for an indented line of a
 * sub-mode we do not model; a ConfigError for anything else, with the nearest command.
 */
function commandWord(ctx: ParseContext, cur: Cursor, src: SourceLine): string | undefined {
  const tok = src.tokens[0];
  const text = tok?.text ?? '';
  const known = matchKeyword(text, KNOWN_COMMANDS);
  if (known !== undefined) return known.toLowerCase();
  if (src.indent > 0 && matchKeyword(text, OTHER_SUBMODE_WORDS) !== undefined) return undefined;
  const lower = text.toLowerCase();
  const preferred = PREFERRED_ABBREVIATIONS.get(lower);
  if (preferred !== undefined) return preferred;
  const candidates = /\d/.test(text) ? [] : KNOWN_COMMANDS.filter((k) => k.toLowerCase().startsWith(lower));
  if (candidates.length > 1) {
    throw cur.error(
      tok,
      'a command',
      `ambiguous command ${JSON.stringify(text)}: could be ${candidates.slice(0, 6).join(', ')}${candidates.length > 6 ? ', ...' : ''}`,
    );
  }
  const suggestion = nearestKeyword(text, KNOWN_COMMANDS);
  throw new ConfigError({
    file: ctx.file,
    line: src.line,
    column: tok?.column ?? 1,
    found: text,
    expected: 'an IOS or PIX command',
    message: `unknown command ${JSON.stringify(text)}`,
    source: src.text,
    ...(suggestion !== undefined ? { suggestion } : {}),
  });
}

function globalCommand(ctx: ParseContext, src: SourceLine): void {
  const cur = new Cursor(ctx.file, src);
  ctx.mode = { kind: 'global' };
  const first = commandWord(ctx, cur, src);
  if (first === undefined) {
    ctx.b.ignore(src.line, src.text);
    return;
  }
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
    case 'vpdn':
      if (ctx.dialect === 'ios') return vpdnCommand(ctx, cur);
      break;
    case 'vpdn-group':
      if (ctx.dialect === 'ios') return vpdnGroupCommand(ctx, cur);
      break;
    case 'aaa':
      return aaaCommand(ctx, cur);
    case 'radius-server':
      return radiusCommand(ctx, cur);
    case 'tacacs-server':
      return tacacsCommand(ctx, cur);
    case 'aaa-server':
      if (ctx.dialect === 'pix') return aaaServerCommand(ctx, cur);
      break;
    case 'nameif':
      if (ctx.dialect === 'pix') return nameifCommand(ctx, cur);
      break;
    case 'vpngroup':
      if (ctx.dialect === 'pix') return vpngroupCommand(ctx, cur);
      break;
    case 'banner':
      ctx.banner = bannerDelimiter(src);
      break;
    case 'service':
      if (serviceCommand(ctx, cur, false)) return;
      break;
    case 'logging':
      if (loggingCommand(ctx, cur)) return;
      break;
    case 'route-map':
      if (ctx.dialect === 'ios') return routeMapCommand(ctx, cur);
      break;
    case 'nat':
      if (ctx.dialect === 'pix') return pixNatCommand(ctx, cur);
      break;
    case 'global':
      if (ctx.dialect === 'pix') return pixGlobalCommand(ctx, cur);
      break;
    case 'static':
      if (ctx.dialect === 'pix') return pixStaticCommand(ctx, cur);
      break;
    case 'no':
      cur.word('no');
      if (matchKeyword(cur.peek()?.text ?? '', ['service']) !== undefined && serviceCommand(ctx, cur, true))
        return;
      break;
  }
  // Not about IPsec (routing, lines, logging, fixups, NAT, ...): accepted and counted.
  ctx.b.ignore(src.line, src.text);
  if (OTHER_SUBMODE_OPENERS.has(first)) ctx.mode = { kind: 'other' };
}

/**
 * `banner motd ^C` opens a text that ends at the next `^C` (or whatever character follows the
 * banner type); undefined when the text closes on the same line.
 */
function bannerDelimiter(src: SourceLine): string | undefined {
  const m =
    /^\s*\S+\s+(?:(?:motd|exec|incoming|login|prompt-timeout|slip-ppp|config-save)\s+)?(\^C|\S)(.*)$/i.exec(
      src.text,
    );
  if (!m) return undefined;
  const delimiter = m[1] ?? '';
  return (m[2] ?? '').includes(delimiter) ? undefined : delimiter;
}

function feedBanner(ctx: ParseContext, src: SourceLine): boolean {
  const delimiter = ctx.banner;
  if (delimiter === undefined) return false;
  if (src.text.includes(delimiter)) ctx.banner = undefined;
  if (!src.blank) ctx.b.ignore(src.line, src.text);
  return true;
}

/** A line of a sub-mode we do not model, or false when it is a global command. */
function otherSubModeLine(ctx: ParseContext, src: SourceLine): boolean {
  const first = src.tokens[0]?.text ?? '';
  const lower = first.toLowerCase();
  if (src.indent > 0) {
    if (INTERFACE_EXIT_WORDS.has(lower) || lower === 'crypto') return false;
  } else if (
    KNOWN_COMMANDS.some((k) => k.toLowerCase() === lower) ||
    matchKeyword(first, OTHER_SUBMODE_WORDS) === undefined
  ) {
    return false;
  }
  ctx.b.ignore(src.line, src.text);
  return true;
}

/** A word (or IOS abbreviation) that starts a global command and so ends a sub-mode. */
function startsGlobalCommand(word: string): boolean {
  return GLOBAL_WORDS.has(word.toLowerCase()) || matchKeyword(word, KNOWN_COMMANDS) !== undefined;
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
    case 'route-map':
      return ROUTE_MAP_WORDS;
    case 'acl':
      return ['permit', 'deny', 'remark'];
    case 'chain':
      return CHAIN_WORDS;
    case 'pubkey-chain':
      return PUBKEY_CHAIN_WORDS;
    case 'pubkey':
      return PUBKEY_WORDS;
    case 'aaa-group':
      return AAA_GROUP_WORDS;
    case 'client-group':
      return CLIENT_GROUP_WORDS;
    case 'ikev2':
      return ikev2Words(ctx.mode.block);
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
    case 'other':
      return otherSubModeLine(ctx, src);
    case 'vpdn-group':
      return vpdnGroupSubCommand(ctx, cur, mode.group) || otherSubModeLine(ctx, src);
    case 'broken':
      return src.indent > 0 && !GLOBAL_WORDS.has(first.toLowerCase());
    case 'interface':
      return interfaceSubCommand(ctx, cur, mode.iface);
    case 'route-map':
      if (isModeWord) {
        routeMapSubCommand(ctx, cur, mode.entry);
        return true;
      }
      break;
    case 'ca':
      if (matchKeyword(first, CA_WORDS) !== undefined) caSubCommand(ctx, cur, mode.trustpoint);
      else if (startsGlobalCommand(first)) return false;
      else ctx.b.ignore(src.line, src.text); // other trustpoint settings
      return true;
    case 'aaa-group':
      if (isModeWord) {
        aaaGroupSubCommand(cur, mode.group);
        return true;
      }
      if (src.indent > 0 && !startsGlobalCommand(first)) {
        ctx.b.ignore(src.line, src.text); // deadtime, ip vrf forwarding, ...
        return true;
      }
      break;
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
        else if (mode.kind === 'client-group') clientGroupCommand(ctx, cur, mode.group);
        else if (mode.kind === 'ikev2') ikev2SubCommand(ctx, cur, mode.block);
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
  if (startsGlobalCommand(first)) return false;
  // In a crypto sub-mode an unknown word is a mistake, not a command we may skip.
  throw cur.error(firstTok, words ? describeOptions(words) : 'a command', undefined, [
    ...(words ?? []),
    ...KNOWN_COMMANDS,
  ]);
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

/** What the line driver found: the model being built and every error, in line order. */
export interface ParsedLines {
  readonly builder: ConfigBuilder;
  /** Every error, up to MAX_ERRORS. */
  readonly errors: readonly ConfigError[];
  /** Set when reading stopped at MAX_ERRORS errors: the line of the last one. */
  readonly stoppedAtLine?: number;
  /** Lines read as commands (not blank, not comments, not terminal noise). */
  readonly commandLines: number;
}

/** Reading stops there: a garbage file costs bounded time and memory. */
export const MAX_ERRORS = 1000;

export function parseLines(text: string, file: string, dialect: 'ios' | 'pix'): ParsedLines {
  const ctx: ParseContext = {
    file,
    dialect,
    b: new ConfigBuilder(file, dialect),
    mode: { kind: 'global' },
    hex: undefined,
    banner: undefined,
  };
  const errors: ConfigError[] = [];
  let stoppedAtLine: number | undefined;
  let commandLines = 0;
  for (const src of lexLines(text)) {
    if (feedBanner(ctx, src)) continue;
    if (feedHex(ctx, src)) continue;
    if (src.blank || src.comment || isTerminalNoise(src)) continue;
    commandLines++;
    if (src.joinedLine !== undefined) {
      ctx.b.warn(
        src.line,
        `line ${src.joinedLine} read as the end of this line (a keyword wrapped in print)`,
      );
    }
    try {
      if (!subModeCommand(ctx, src)) globalCommand(ctx, src);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      errors.push(error);
      if (errors.length >= MAX_ERRORS) {
        stoppedAtLine = src.line;
        break;
      }
      // IOS stays in a sub-mode after a bad line in it; a bad global command opens nothing.
      if (ctx.mode.kind === 'global') ctx.mode = { kind: 'broken' };
      continue;
    }
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
  return { builder: ctx.b, errors, commandLines, ...(stoppedAtLine !== undefined ? { stoppedAtLine } : {}) };
}
