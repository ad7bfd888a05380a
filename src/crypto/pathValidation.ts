// RFC 5280 path validation of a peer's certificate for IKE: pkijs's
// CertificateChainValidationEngine (signatures, validity, name chaining, basicConstraints,
// keyCertSign, CRLs), plus the leaf's keyUsage and pathLenConstraint, which it leaves out.
// pkijs is asynchronous (WebCrypto); the IKE engine is a synchronous state machine, so the
// check runs in a worker thread and this thread waits on a shared flag for its answer
// (bounded by a timeout). The worker starts on first use and does not keep the process alive.

import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';

export interface PathRequest {
  readonly leaf: Uint8Array;
  /** Further certificates the peer sent (intermediate CAs), in any order. */
  readonly intermediates: readonly Uint8Array[];
  /** The trust points' CA certificates. */
  readonly anchors: readonly Uint8Array[];
  /** DER CRLs for the path's issuers. */
  readonly crls: readonly Uint8Array[];
  /** Milliseconds since the epoch. */
  readonly now: number;
  /** A certificate of the path without a CRL fails (not `crl optional`). */
  readonly crlRequired: boolean;
  readonly purpose: 'signature' | 'encryption' | 'any';
}

export type PathFailureCode =
  | 'malformed'
  | 'untrusted'
  | 'expired'
  | 'revoked'
  | 'no-crl'
  | 'not-ca'
  | 'key-usage'
  | 'path-length'
  | 'invalid';

export type PathResult =
  | { readonly ok: true; readonly depth: number }
  | { readonly ok: false; readonly code: PathFailureCode; readonly reason: string };

const TIMEOUT_MS = 5000;

interface Running {
  readonly worker: Worker;
  readonly port: MessagePort;
  readonly flag: Int32Array;
}
let running: Running | undefined;

function workerUrl(): URL {
  // Compiled: pathWorker.js beside this file; run from source through tsx: pathWorker.ts.
  const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
  return new URL(`./pathWorker.${ext}`, import.meta.url);
}

function start(): Running {
  if (running) return running;
  const shared = new SharedArrayBuffer(4);
  const { port1, port2 } = new MessageChannel();
  const w = new Worker(workerUrl(), { workerData: { flag: shared, port: port2 }, transferList: [port2] });
  w.unref();
  port1.unref();
  const r: Running = { worker: w, port: port1, flag: new Int32Array(shared) };
  const forget = (): void => {
    if (running === r) running = undefined; // the next request starts a new worker
  };
  w.on('error', forget);
  w.on('exit', forget);
  running = r;
  return r;
}

function isPathResult(v: unknown): v is PathResult {
  return typeof v === 'object' && v !== null && 'ok' in v;
}

/** Validates the path synchronously; never throws for what the peer sent. */
export function validatePath(req: PathRequest): PathResult {
  const r = start();
  Atomics.store(r.flag, 0, 0);
  r.port.postMessage(req);
  if (Atomics.wait(r.flag, 0, 0, TIMEOUT_MS) === 'timed-out') {
    running = undefined;
    void r.worker.terminate();
    return { ok: false, code: 'invalid', reason: 'path validation timed out' };
  }
  const answer: unknown = receiveMessageOnPort(r.port)?.message;
  return isPathResult(answer)
    ? answer
    : { ok: false, code: 'invalid', reason: 'path validation gave no answer' };
}
