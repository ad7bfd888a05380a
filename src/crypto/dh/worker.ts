// The worker thread behind gateway/dhWorkers.ts: runs computeDh for each request it is posted
// and posts the result back under the request's id. Every failure is an answer, never a throw.

import { parentPort } from 'node:worker_threads';
import { computeDh, type DhRequest, type DhResult } from './compute.js';

export interface DhJob {
  readonly id: number;
  readonly request: DhRequest;
}
export interface DhAnswer {
  readonly id: number;
  readonly result: DhResult;
}

parentPort?.on('message', (job: DhJob) => {
  let result: DhResult;
  try {
    result = computeDh(job.request);
  } catch (e) {
    result = { ok: false, reason: e instanceof Error ? e.message : String(e) };
  }
  const answer: DhAnswer = { id: job.id, result };
  // The private value came as a copy and dies with the request; it is wiped here all the same.
  job.request.privateValue.fill(0);
  parentPort?.postMessage(answer);
});
