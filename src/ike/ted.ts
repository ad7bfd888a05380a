// Tunnel Endpoint Discovery (IOS `crypto map M N ipsec-isakmp dynamic D discover`; the
// chapter's Figures 13-53 and 13-54, Examples 13-24 to 13-29; draft-fluhrer-ted-00).
// Interesting traffic of a discover entry has no peer. The initiator sends a probe toward the
// traffic's destination, from the traffic's source, so the gateway in front of the
// destination intercepts it and its answer, addressed to our host, comes back through us:
//
//   probe     HDR(TED, CKY-I, 0), VID, ID(our IKE address, UDP/500), ID(our source proxy)
//   response  HDR(TED, CKY-I, CKY-R), VID, ID(its IKE address, UDP/500), ID(its proxy)
//
// Main mode then runs to the address the response names, for the proxies it allows (the same
// as ours or narrower). The exchange is in the clear and unauthenticated, as in IOS: it only
// says where to run main mode, which authenticates the peer.

import { ipv4TextToNumber } from '../packet/address.js';
import { aclRules } from '../policy/acl.js';
import type { AccessList, CryptoMapEntry, RouterConfig, TrafficSelector } from '../policy/model.js';
import { selectorContains } from '../policy/selector.js';
import { idPayload, PayloadType, payloadsOfType, type IdPayload, type Payload } from '../wire/index.js';
import { idBodyOf, idPayloadOf } from './idBody.js';
import { proxyIdBody, proxyIdRange } from './selectors.js';
import type { Task, TaskResult } from './task.js';
import { recognizeVendorId, vendorIdBytes } from './vendorIds.js';

/** What the gateway asks for: the traffic that hit a discover entry. */
export interface DiscoverRequest {
  /** The dynamic map template (no peer). */
  readonly cryptoMapEntry: CryptoMapEntry;
  /** The ACL line the traffic matched (local = our side). */
  readonly selector: TrafficSelector;
  /** The packet's addresses: the probe goes from `source` to `destination`. */
  readonly source: string;
  readonly destination: string;
  /** Our IKE address (the first ID of the probe, where main mode comes from). */
  readonly localAddress: string;
}

export const IKE_UDP = { protocol: 17, port: 500 } as const;

/** The probe's step: payloads to send; the response's: the discovered peer, or why not. */
export interface TedStep {
  readonly send?: readonly Payload[];
  readonly discovered?: { readonly peer: string; readonly selector: TrafficSelector };
  readonly refused?: string;
}

/** The two ID payloads of a probe or response: an IKE address and a proxy. */
interface TedIds {
  readonly address: string;
  readonly proxy: { start: string; end: string; protocol: number; portStart: number; portEnd: number };
}

function tedIds(payloads: readonly Payload[]): TedIds | string {
  const ids = payloadsOfType(payloads, PayloadType.ID);
  const [first, second] = ids;
  if (first === undefined || second === undefined) return `${ids.length} ID payloads, 2 needed`;
  if (first.identification.kind !== 'ipv4') return 'the first ID is no IPv4 address';
  const proxy = proxyIdRange(idBodyOf(second));
  if (proxy === undefined) return 'the second ID is no proxy identity';
  return { address: first.identification.address, proxy };
}

function proxyPayload(
  start: string,
  end: string,
  protocol: number,
  portStart: number,
  portEnd: number,
): IdPayload {
  return idPayloadOf(proxyIdBody(start, end, protocol, portStart, portEnd));
}

function tedPayloads(address: string, proxy: IdPayload): Payload[] {
  return [
    { type: PayloadType.VID, data: vendorIdBytes('Unity') },
    idPayload({ kind: 'ipv4', address }, IKE_UDP.protocol, IKE_UDP.port),
    proxy,
  ];
}

export function vendorIdNames(payloads: readonly Payload[]): string[] {
  return payloadsOfType(payloads, PayloadType.VID).map((p) => recognizeVendorId(p.data) ?? 'unknown');
}

/** The initiator's probe (strongSwan's task_t shape: build the probe, process a response). */
export class TedProbe implements Task<[], [readonly Payload[]], TedStep> {
  constructor(readonly request: DiscoverRequest) {}

  build(): TaskResult<TedStep> {
    const s = this.request.selector;
    const proxy = proxyPayload(s.localStart, s.localEnd, s.protocol, s.localPortStart, s.localPortEnd);
    return { status: 'needMore', step: { send: tedPayloads(this.request.localAddress, proxy) } };
  }

  /**
   * A response: its proxy must overlap our traffic's destination side, and the SA is
   * negotiated for the part both protect (the chapter: "the same ... or a subset"). A response
   * that does not fit is refused and the probe goes on: another gateway may answer.
   */
  process(payloads: readonly Payload[]): TaskResult<TedStep> {
    const ids = tedIds(payloads);
    if (typeof ids === 'string') return { status: 'needMore', step: { refused: ids } };
    const ours = this.request.selector;
    const theirs = ids.proxy;
    if (theirs.protocol !== 0 && ours.protocol !== 0 && theirs.protocol !== ours.protocol)
      return {
        status: 'needMore',
        step: { refused: `it protects protocol ${theirs.protocol}, ours is ${ours.protocol}` },
      };
    const narrowed: TrafficSelector = {
      ...ours,
      remoteStart: theirs.start,
      remoteEnd: theirs.end,
      remotePortStart: theirs.portStart,
      remotePortEnd: theirs.portEnd,
    };
    const selector = selectorContains(ours, narrowed)
      ? narrowed
      : selectorContains(narrowed, ours)
        ? ours
        : undefined;
    if (
      selector === undefined ||
      !inRange(this.request.destination, selector.remoteStart, selector.remoteEnd)
    )
      return {
        status: 'needMore',
        step: {
          refused: `it protects ${theirs.start}-${theirs.end}, not ${this.request.destination} of ${ours.remoteStart}-${ours.remoteEnd}`,
        },
      };
    return { status: 'success', step: { discovered: { peer: ids.address, selector } } };
  }
}

function inRange(a: string, start: string, end: string): boolean {
  const n = ipv4TextToNumber(a);
  const lo = ipv4TextToNumber(start);
  const hi = ipv4TextToNumber(end);
  return n !== undefined && lo !== undefined && hi !== undefined && n >= lo && n <= hi;
}

/** The answer to a probe, or why we do not answer. */
export type TedAnswer =
  | {
      readonly payloads: readonly Payload[];
      /** The prober's IKE address (its first ID). */
      readonly peer: string;
      /** Our view: local = what we protect for it, remote = its source proxy. */
      readonly selector: TrafficSelector;
    }
  | { readonly ignored: string };

/** The ACLs of our `discover` dynamic map entries. */
function discoverAcls(config: RouterConfig): AccessList[] {
  const names = new Set(
    config.cryptoMaps.filter((e) => e.kind === 'dynamic' && e.discover === true).map((e) => e.dynamicMap),
  );
  return config.dynamicMaps
    .filter((d) => names.has(d.name) && d.matchAddress !== undefined)
    .flatMap((d) => config.accessLists.filter((a) => a.name === d.matchAddress));
}

/**
 * Responder (Example 13-28): a probe toward `destination` is ours to answer when a permit
 * line of a discover entry's ACL protects that destination on our side and the probe's source
 * proxy on theirs; we answer with our address and that line's local side as our proxy.
 */
export function answerProbe(
  config: RouterConfig,
  localAddress: string,
  destination: string,
  payloads: readonly Payload[],
): TedAnswer {
  const ids = tedIds(payloads);
  if (typeof ids === 'string') return { ignored: `malformed peer discovery probe: ${ids}` };
  const p = ids.proxy;
  for (const acl of discoverAcls(config)) {
    for (const rule of aclRules(acl)) {
      const s = rule.selector;
      if (rule.action !== 'protect') continue;
      if (!inRange(destination, s.localStart, s.localEnd)) continue;
      const wanted: TrafficSelector = {
        ...s,
        remoteStart: p.start,
        remoteEnd: p.end,
        remotePortStart: p.portStart,
        remotePortEnd: p.portEnd,
      };
      if (!selectorContains(s, wanted)) continue;
      const proxy = proxyPayload(s.localStart, s.localEnd, s.protocol, s.localPortStart, s.localPortEnd);
      return { payloads: tedPayloads(localAddress, proxy), peer: ids.address, selector: wanted };
    }
  }
  return {
    ignored: `peer discovery probe from ${ids.address} for ${p.start}-${p.end} -> ${destination}: no discover entry protects it`,
  };
}
