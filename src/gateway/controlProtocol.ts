// The control socket's protocol: newline-delimited JSON over a Unix socket. One request per
// line; each response carries the request's id. `debug` answers with a stream of lines until
// the client closes the connection.

import type { DebugCategory } from '../observe/events.js';

export type ShowWhat =
  'isakmp sa' | 'ipsec sa' | 'map' | 'isakmp policy' | 'ipsec transform-set' | 'ca certificates';
export const SHOW_WHATS: readonly ShowWhat[] = [
  'isakmp sa',
  'ipsec sa',
  'map',
  'isakmp policy',
  'ipsec transform-set',
  'ca certificates',
];

export type ClearWhat = 'sa' | 'isakmp';

export type ControlRequest =
  | { readonly id: number; readonly op: 'show'; readonly what: ShowWhat; readonly peer?: string }
  | { readonly id: number; readonly op: 'clear'; readonly what: ClearWhat; readonly peer?: string }
  | { readonly id: number; readonly op: 'debug'; readonly categories: readonly DebugCategory[] }
  | { readonly id: number; readonly op: 'reload' }
  | { readonly id: number; readonly op: 'ping' };

export type ControlResponse =
  | { readonly id: number; readonly ok: true; readonly text: string; readonly data?: unknown }
  | {
      readonly id: number;
      readonly ok: false;
      readonly error: string;
      /** The error is the configuration's (a reload kept the running one): the CLI exits 2. */
      readonly configError?: true;
    }
  | { readonly id: number; readonly line: string };

/** What a control server serves: one router's gateway (or a fake in tests). */
export interface ControlTarget {
  show(
    what: ShowWhat,
    options: { readonly peer?: string },
  ): { readonly text: string; readonly data: unknown };
  clear(what: ClearWhat, options: { readonly peer?: string }): string;
  /** Streams debug lines of the given categories to `emit`; returns the unsubscribe. */
  debug(categories: readonly DebugCategory[], emit: (line: string) => void): () => void;
  /** Re-reads the configuration file (`typeswan reload`, SIGHUP). */
  reload?(): ReloadResult;
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

const DEBUG_CATEGORIES: readonly DebugCategory[] = ['isakmp', 'ipsec', 'engine'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Validates one request line; returns a typed request or an error message. */
export function parseRequest(line: string): ControlRequest | { readonly error: string; readonly id: number } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { error: 'request is not JSON', id: 0 };
  }
  if (!isRecord(value)) return { error: 'request is not an object', id: 0 };
  const id = typeof value['id'] === 'number' && Number.isInteger(value['id']) ? value['id'] : 0;
  const peer = typeof value['peer'] === 'string' ? value['peer'] : undefined;
  switch (value['op']) {
    case 'show': {
      const what = SHOW_WHATS.find((w) => w === value['what']);
      if (what === undefined) return { error: `unknown show target ${JSON.stringify(value['what'])}`, id };
      return peer === undefined ? { id, op: 'show', what } : { id, op: 'show', what, peer };
    }
    case 'clear': {
      const what = value['what'] === 'sa' || value['what'] === 'isakmp' ? value['what'] : undefined;
      if (what === undefined) return { error: `unknown clear target ${JSON.stringify(value['what'])}`, id };
      return peer === undefined ? { id, op: 'clear', what } : { id, op: 'clear', what, peer };
    }
    case 'debug': {
      const raw = value['categories'];
      if (!Array.isArray(raw)) return { error: 'debug needs categories', id };
      const categories = DEBUG_CATEGORIES.filter((c) => raw.includes(c));
      if (categories.length === 0 || categories.length !== raw.length)
        return { error: `unknown debug category in ${JSON.stringify(raw)}`, id };
      return { id, op: 'debug', categories };
    }
    case 'reload':
      return { id, op: 'reload' };
    case 'ping':
      return { id, op: 'ping' };
    default:
      return { error: `unknown op ${JSON.stringify(value['op'])}`, id };
  }
}

/** A request before the client numbers it. */
export type ControlRequestBody = ControlRequest extends infer R
  ? R extends ControlRequest
    ? Omit<R, 'id'>
    : never
  : never;
