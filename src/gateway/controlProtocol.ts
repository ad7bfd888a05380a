// The control socket's protocol: newline-delimited JSON over a Unix socket. One request per
// line; each response carries the request's id. `debug` answers with a stream of lines until
// the client closes the connection.

import type { DebugCategory, TypeswanEvent } from '../observe/events.js';

/** The control protocol's version: `hello` reports it; a request may name the version it speaks (`v`). */
export const CONTROL_PROTOCOL_VERSION = 1;

export type ShowWhat =
  | 'isakmp sa'
  | 'isakmp sa detail'
  | 'ikev2 sa'
  | 'ikev2 sa detailed'
  | 'ipsec sa'
  | 'ipsec sa detail'
  | 'map'
  | 'isakmp policy'
  | 'ipsec transform-set'
  | 'session'
  | 'session detail'
  | 'engine connections active'
  | 'debug'
  | 'ip local pool'
  | 'ip nat translations'
  | 'ip nat statistics'
  | 'ca certificates'
  | 'key pubkey-chain rsa'
  | 'key mypubkey rsa'
  | 'ipsec client ezvpn'
  | 'interfaces'
  | 'vpdn';
export const SHOW_WHATS: readonly ShowWhat[] = [
  'isakmp sa',
  'isakmp sa detail',
  'ikev2 sa',
  'ikev2 sa detailed',
  'ipsec sa',
  'ipsec sa detail',
  'map',
  'isakmp policy',
  'ipsec transform-set',
  'session',
  'session detail',
  'engine connections active',
  'debug',
  'ip local pool',
  'ip nat translations',
  'ip nat statistics',
  'ca certificates',
  'key pubkey-chain rsa',
  'key mypubkey rsa',
  'ipsec client ezvpn',
  'interfaces',
  'vpdn',
];
/** What the gateway renders; `show debug` is the control server's (it knows the debug streams). */
export type GatewayShowWhat = Exclude<ShowWhat, 'debug'>;

/** `nat`: `clear ip nat translation *`; `ikev2`: `clear crypto ikev2 sa`. */
export type ClearWhat = 'sa' | 'isakmp' | 'ikev2' | 'nat';
const CLEAR_WHATS: readonly ClearWhat[] = ['sa', 'isakmp', 'ikev2', 'nat'];

/** `initiate crypto map M N` or `initiate peer A`. */
export type InitiateTarget = { readonly map: string; readonly seq: number } | { readonly peer: string };

interface Versioned {
  readonly id: number;
  /** The protocol version the client speaks; absent means 1. */
  readonly v?: number;
}

export type ControlRequest = Versioned &
  (
    | { readonly op: 'hello' }
    | {
        readonly op: 'show';
        readonly what: ShowWhat;
        readonly peer?: string;
        /** `show interfaces NAME`: one interface. */
        readonly interface?: string;
        /** `show crypto key pubkey-chain rsa name NAME`: one named key. */
        readonly name?: string;
      }
    | {
        readonly op: 'clear';
        readonly what: ClearWhat;
        readonly peer?: string;
        /** `clear crypto isakmp CONN-ID`. */
        readonly connId?: number;
      }
    | { readonly op: 'debug'; readonly categories: readonly DebugCategory[] }
    | { readonly op: 'debug-log'; readonly categories: readonly DebugCategory[] }
    | { readonly op: 'undebug' }
    | ({ readonly op: 'initiate' } & InitiateTarget)
    | { readonly op: 'sas'; readonly peer?: string }
    | { readonly op: 'counters' }
    | { readonly op: 'events' }
    | { readonly op: 'reload' }
    | { readonly op: 'ping' }
  );

export type ControlOp = ControlRequest['op'];
export const CONTROL_OPS: readonly ControlOp[] = [
  'hello',
  'show',
  'clear',
  'debug',
  'debug-log',
  'undebug',
  'initiate',
  'sas',
  'counters',
  'events',
  'reload',
  'ping',
];

/** Why a request failed, for programs (the `error` text is for people). */
export type ControlErrorCode =
  'bad-request' | 'unsupported-version' | 'not-found' | 'config-error' | 'failed';

/** The answer to a request (a stream's first message too). */
export type ControlReply =
  | { readonly id: number; readonly ok: true; readonly text: string; readonly data?: unknown }
  | {
      readonly id: number;
      readonly ok: false;
      readonly error: string;
      readonly code?: ControlErrorCode;
      /** The error is the configuration's (a reload kept the running one): the CLI exits 2. */
      readonly configError?: true;
    };

export type ControlResponse =
  | ControlReply
  /** A line of a `debug` stream. */
  | { readonly id: number; readonly line: string }
  /** An event of an `events` stream (observe/events.ts TypeswanEvent, byte arrays as hex). */
  | { readonly id: number; readonly event: unknown };

/** A request the target cannot serve (no such crypto map entry, peer or connection). */
export class ControlNotFound extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ControlNotFound';
  }
}

/** What a control server serves: one router's gateway (or a fake in tests). */
export interface ControlTarget {
  show(
    what: GatewayShowWhat,
    options: { readonly peer?: string; readonly interface?: string; readonly name?: string },
  ): { readonly text: string; readonly data: unknown };
  clear(what: ClearWhat, options: { readonly peer?: string; readonly connId?: number }): string;
  /** Streams debug lines of the given categories to `emit`; returns the unsubscribe. */
  debug(categories: readonly DebugCategory[], emit: (line: string) => void): () => void;
  /** Re-reads the configuration file (`typeswan reload`, SIGHUP). */
  reload?(): ReloadResult;
  /** Asks IKE for the entry's (or the peer's) tunnels, as traffic would; throws ControlNotFound. */
  initiate?(target: InitiateTarget): { readonly text: string; readonly peers: readonly string[] };
  /** The SA list (observe/show/saViews.ts SaListView) and its `list-sas` text. */
  sas?(options: { readonly peer?: string }): { readonly text: string; readonly data: unknown };
  counters?(): { readonly text: string; readonly data: unknown };
  /** Every event on the bus, as JSON-ready objects; returns the unsubscribe. */
  events?(emit: (event: TypeswanEvent) => void): () => void;
  /** The debug categories the daemon writes to its own log (`start --debug`, `debug ... --log`). */
  logDebug?: {
    get(): readonly DebugCategory[];
    set(categories: readonly DebugCategory[]): void;
  };
}

/**
 * A reload's outcome: the running configuration is replaced only when `ok`; `warnings` are
 * the new configuration's (`file:line: message`, as `typeswan check` prints them).
 */
export type ReloadResult =
  | { readonly ok: true; readonly text: string; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly error: string };

/** Longest request line accepted; longer ones close the connection. */
export const MAX_REQUEST_BYTES = 64 * 1024;

/** Where `typeswan start` listens and `show`/`debug`/`clear` connect unless `--control` says otherwise. */
export function defaultControlPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env['TYPESWAN_CONTROL'] !== undefined && env['TYPESWAN_CONTROL'] !== '') return env['TYPESWAN_CONTROL'];
  return '/run/typeswan.sock';
}

const DEBUG_CATEGORIES: readonly DebugCategory[] = ['isakmp', 'ipsec', 'engine', 'vpdn'];

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

type Parsed =
  ControlRequest | { readonly error: string; readonly id: number; readonly code: ControlErrorCode };

function categoriesOf(raw: unknown): readonly DebugCategory[] | undefined {
  if (!Array.isArray(raw)) return undefined;
  const categories = DEBUG_CATEGORIES.filter((c) => raw.includes(c));
  return categories.length === 0 || categories.length !== raw.length ? undefined : categories;
}

/** Validates one request line; returns a typed request or an error message. */
export function parseRequest(line: string): Parsed {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { error: 'request is not JSON', id: 0, code: 'bad-request' };
  }
  if (!isRecord(value)) return { error: 'request is not an object', id: 0, code: 'bad-request' };
  const id = typeof value['id'] === 'number' && Number.isInteger(value['id']) ? value['id'] : 0;
  const bad = (error: string): Parsed => ({ error, id, code: 'bad-request' });
  const v = value['v'];
  if (v !== undefined && v !== CONTROL_PROTOCOL_VERSION)
    return {
      error: `protocol version ${JSON.stringify(v)} is not supported (this gateway speaks ${CONTROL_PROTOCOL_VERSION})`,
      id,
      code: 'unsupported-version',
    };
  const peer = typeof value['peer'] === 'string' ? value['peer'] : undefined;
  const withPeer = peer === undefined ? {} : { peer };
  switch (value['op']) {
    case 'show': {
      const what = SHOW_WHATS.find((w) => w === value['what']);
      if (what === undefined) return bad(`unknown show target ${JSON.stringify(value['what'])}`);
      const iface = value['interface'];
      if (iface !== undefined && typeof iface !== 'string') return bad('interface must be a string');
      const name = value['name'];
      if (name !== undefined && typeof name !== 'string') return bad('name must be a string');
      return {
        id,
        op: 'show',
        what,
        ...withPeer,
        ...(iface !== undefined ? { interface: iface } : {}),
        ...(name !== undefined ? { name } : {}),
      };
    }
    case 'clear': {
      const what = CLEAR_WHATS.find((w) => w === value['what']);
      if (what === undefined) return bad(`unknown clear target ${JSON.stringify(value['what'])}`);
      const connId = value['connId'];
      if (connId === undefined) return { id, op: 'clear', what, ...withPeer };
      if (what !== 'isakmp' || typeof connId !== 'number' || !Number.isInteger(connId) || connId < 0)
        return bad('connId is a non-negative integer, for clear isakmp');
      return { id, op: 'clear', what, connId, ...withPeer };
    }
    case 'debug':
    case 'debug-log': {
      const categories = categoriesOf(value['categories']);
      if (categories === undefined)
        return bad(
          `categories: a list of ${DEBUG_CATEGORIES.join(', ')}, got ${JSON.stringify(value['categories'])}`,
        );
      return { id, op: value['op'], categories };
    }
    case 'initiate': {
      if (peer !== undefined) return { id, op: 'initiate', peer };
      const map = value['map'];
      const seq = value['seq'];
      if (typeof map !== 'string' || typeof seq !== 'number' || !Number.isInteger(seq))
        return bad('initiate needs map and seq, or peer');
      return { id, op: 'initiate', map, seq };
    }
    case 'sas':
      return { id, op: 'sas', ...withPeer };
    case 'hello':
    case 'undebug':
    case 'counters':
    case 'events':
    case 'reload':
    case 'ping':
      return { id, op: value['op'] };
    default:
      return bad(`unknown op ${JSON.stringify(value['op'])}`);
  }
}

/** A request before the client numbers it. */
export type ControlRequestBody = ControlRequest extends infer R
  ? R extends ControlRequest
    ? Omit<R, 'id'>
    : never
  : never;
