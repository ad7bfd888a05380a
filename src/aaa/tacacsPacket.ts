// TACACS+ authentication packets (RFC 8907): the 12-byte header (§4.1), body obfuscation
// (§4.5), START (§5.1), REPLY (§5.2) and CONTINUE (§5.3). Pure functions; decoding throws
// only DecodeError.
//
//  +----------------+----------------+----------------+----------------+
//  |major  | minor  |      type      |     seq_no     |     flags      |
//  +----------------+----------------+----------------+----------------+
//  |                            session_id                             |
//  +----------------+----------------+----------------+----------------+
//  |                              length                               |
//  +----------------+----------------+----------------+----------------+

import { hashOf } from '../crypto/hash.js';
import { DecodeError, EncodeError } from '../wire/errors.js';
import { Reader } from '../wire/reader.js';
import { Writer } from '../wire/writer.js';

export const TAC_PLUS_MAJOR = 0xc;
/** §5.4.2: ASCII login uses minor version 0, PAP minor version 1. */
export const TAC_PLUS_MINOR_DEFAULT = 0x0;
export const TAC_PLUS_MINOR_ONE = 0x1;
export const TAC_PLUS_AUTHEN = 1;
export const TAC_PLUS_HEADER = 12;
/** A body we accept from a server: RFC 8907 allows 2^32-1, nobody needs more than this. */
export const TAC_PLUS_MAX_BODY = 65536;

export const TacFlag = { Unencrypted: 0x01, SingleConnect: 0x04 } as const;
export const AuthenAction = { Login: 1 } as const;
export const AuthenType = { Ascii: 1, Pap: 2 } as const;
export const AuthenService = { Login: 1 } as const;
export const PrivLevel = { User: 1 } as const;

export const AuthenStatus = {
  Pass: 1,
  Fail: 2,
  GetData: 3,
  GetUser: 4,
  GetPass: 5,
  Restart: 6,
  Error: 7,
  Follow: 0x21,
} as const;

export const ReplyFlag = { NoEcho: 0x01 } as const;
export const ContinueFlag = { Abort: 0x01 } as const;

export interface TacacsHeader {
  readonly version: number; // major << 4 | minor
  readonly type: number;
  readonly seqNo: number;
  readonly flags: number;
  readonly sessionId: number;
  readonly length: number;
}

export interface AuthenStart {
  readonly action: number;
  readonly privLvl: number;
  readonly authenType: number;
  readonly authenService: number;
  readonly user: Uint8Array;
  readonly port: Uint8Array;
  readonly remAddr: Uint8Array;
  readonly data: Uint8Array;
}

export interface AuthenReply {
  readonly status: number;
  readonly flags: number;
  readonly serverMsg: Uint8Array;
  readonly data: Uint8Array;
}

export interface AuthenContinue {
  readonly flags: number;
  readonly userMsg: Uint8Array;
  readonly data: Uint8Array;
}

export function decodeHeader(bytes: Uint8Array): TacacsHeader {
  const r = new Reader(bytes);
  const version = r.u8('version');
  if (version >> 4 !== TAC_PLUS_MAJOR) throw new DecodeError(`TACACS+ major version ${version >> 4}`, 0);
  return {
    version,
    type: r.u8('type'),
    seqNo: r.u8('seq_no'),
    flags: r.u8('flags'),
    sessionId: r.u32('session_id'),
    length: r.u32('length'),
  };
}

/**
 * §4.5: pseudo_pad = MD5_1 | MD5_2 | ..., MD5_1 = MD5(session_id, key, version, seq_no),
 * MD5_n = MD5(session_id, key, version, seq_no, MD5_n-1), cut to the body's length; the
 * body is XORed with it (the same operation both ways).
 */
export function obfuscate(body: Uint8Array, header: TacacsHeader, key: Uint8Array): Uint8Array {
  const prefix = new Uint8Array(4 + key.length + 2);
  new DataView(prefix.buffer).setUint32(0, header.sessionId);
  prefix.set(key, 4);
  prefix[4 + key.length] = header.version;
  prefix[5 + key.length] = header.seqNo;
  const out = new Uint8Array(body.length);
  let previous = new Uint8Array(0);
  for (let at = 0; at < body.length; at += 16) {
    previous = hashOf('md5', prefix, previous);
    for (let i = 0; i < 16 && at + i < body.length; i++) out[at + i] = body[at + i]! ^ previous[i]!;
  }
  prefix.fill(0);
  return out;
}

/** A whole packet: header, then the body obfuscated with `key` (clear, flag set, when no key). */
export function encodePacket(
  header: Omit<TacacsHeader, 'length' | 'flags'> & { readonly flags?: number },
  body: Uint8Array,
  key: Uint8Array | undefined,
): Uint8Array {
  const given = header.flags ?? 0;
  const flags = key === undefined ? given | TacFlag.Unencrypted : given & ~TacFlag.Unencrypted;
  const full: TacacsHeader = { ...header, flags, length: body.length };
  const w = new Writer()
    .u8(full.version)
    .u8(full.type)
    .u8(full.seqNo)
    .u8(full.flags)
    .u32(full.sessionId)
    .u32(body.length);
  w.bytes(key === undefined ? body : obfuscate(body, full, key));
  return w.finish();
}

/** The clear body of a packet whose header is `header` (bytes after the header). */
export function openBody(header: TacacsHeader, body: Uint8Array, key: Uint8Array | undefined): Uint8Array {
  const clear = (header.flags & TacFlag.Unencrypted) !== 0;
  if (clear !== (key === undefined))
    throw new DecodeError(
      clear ? 'unobfuscated packet, but a key is configured' : 'obfuscated packet, but no key',
      3,
    );
  return key === undefined ? body : obfuscate(body, header, key);
}

function field(v: Uint8Array, max: number, what: string): Uint8Array {
  if (v.length > max) throw new EncodeError(`${what} longer than ${max} bytes`);
  return v;
}

export function encodeStart(s: AuthenStart): Uint8Array {
  return new Writer()
    .u8(s.action)
    .u8(s.privLvl)
    .u8(s.authenType)
    .u8(s.authenService)
    .u8(field(s.user, 255, 'user').length)
    .u8(field(s.port, 255, 'port').length)
    .u8(field(s.remAddr, 255, 'rem_addr').length)
    .u8(field(s.data, 255, 'data').length)
    .bytes(s.user)
    .bytes(s.port)
    .bytes(s.remAddr)
    .bytes(s.data)
    .finish();
}

export function decodeStart(body: Uint8Array): AuthenStart {
  const r = new Reader(body, TAC_PLUS_HEADER);
  const action = r.u8('action');
  const privLvl = r.u8('priv_lvl');
  const authenType = r.u8('authen_type');
  const authenService = r.u8('authen_service');
  const userLen = r.u8('user_len');
  const portLen = r.u8('port_len');
  const remLen = r.u8('rem_addr_len');
  const dataLen = r.u8('data_len');
  const start: AuthenStart = {
    action,
    privLvl,
    authenType,
    authenService,
    user: r.bytesCopy(userLen, 'user'),
    port: r.bytesCopy(portLen, 'port'),
    remAddr: r.bytesCopy(remLen, 'rem_addr'),
    data: r.bytesCopy(dataLen, 'data'),
  };
  r.end('START');
  return start;
}

export function encodeReply(p: AuthenReply): Uint8Array {
  return new Writer()
    .u8(p.status)
    .u8(p.flags)
    .u16(field(p.serverMsg, 0xffff, 'server_msg').length)
    .u16(field(p.data, 0xffff, 'data').length)
    .bytes(p.serverMsg)
    .bytes(p.data)
    .finish();
}

export function decodeReply(body: Uint8Array): AuthenReply {
  const r = new Reader(body, TAC_PLUS_HEADER);
  const status = r.u8('status');
  const flags = r.u8('flags');
  const msgLen = r.u16('server_msg_len');
  const dataLen = r.u16('data_len');
  const reply = {
    status,
    flags,
    serverMsg: r.bytesCopy(msgLen, 'server_msg'),
    data: r.bytesCopy(dataLen, 'data'),
  };
  r.end('REPLY');
  return reply;
}

export function encodeContinue(p: AuthenContinue): Uint8Array {
  return new Writer()
    .u16(field(p.userMsg, 0xffff, 'user_msg').length)
    .u16(field(p.data, 0xffff, 'data').length)
    .u8(p.flags)
    .bytes(p.userMsg)
    .bytes(p.data)
    .finish();
}

export function decodeContinue(body: Uint8Array): AuthenContinue {
  const r = new Reader(body, TAC_PLUS_HEADER);
  const msgLen = r.u16('user_msg_len');
  const dataLen = r.u16('data_len');
  const flags = r.u8('flags');
  const cont = { flags, userMsg: r.bytesCopy(msgLen, 'user_msg'), data: r.bytesCopy(dataLen, 'data') };
  r.end('CONTINUE');
  return cont;
}

/**
 * Cuts whole packets off a TCP byte stream. `push` returns the packets complete so far;
 * a header that does not decode or a body longer than `maxBody` throws DecodeError.
 */
export class PacketStream {
  private buffered = new Uint8Array(0);

  constructor(private readonly maxBody = TAC_PLUS_MAX_BODY) {}

  push(data: Uint8Array): { header: TacacsHeader; body: Uint8Array }[] {
    const joined = new Uint8Array(this.buffered.length + data.length);
    joined.set(this.buffered);
    joined.set(data, this.buffered.length);
    const out: { header: TacacsHeader; body: Uint8Array }[] = [];
    let at = 0;
    while (joined.length - at >= TAC_PLUS_HEADER) {
      const header = decodeHeader(joined.subarray(at, at + TAC_PLUS_HEADER));
      if (header.length > this.maxBody)
        throw new DecodeError(`TACACS+ body of ${header.length} bytes`, at + 8);
      if (joined.length - at - TAC_PLUS_HEADER < header.length) break;
      out.push({ header, body: joined.slice(at + TAC_PLUS_HEADER, at + TAC_PLUS_HEADER + header.length) });
      at += TAC_PLUS_HEADER + header.length;
    }
    this.buffered = joined.slice(at);
    return out;
  }
}
