// Traffic selectors between the policy model (one selector, local = our side) and TSi/TSr
// (RFC 7296 §2.9), and the responder's narrowing: it accepts when what the initiator proposes
// contains what our crypto ACL protects, and answers with ours, the narrower pair.

import type { TrafficSelector as PolicySelector } from '../policy/model.js';
import { describeSelector, mirrorSelector, selectorContains } from '../policy/selector.js';
import { isIpv6Text } from '../packet/address.js';
import { TsType, type TrafficSelector, type TrafficSelectorPayload } from '../wire/ikev2/index.js';

function side(
  start: string,
  end: string,
  protocol: number,
  portStart: number,
  portEnd: number,
): TrafficSelector {
  return {
    tsType: isIpv6Text(start) ? TsType.IPV6_ADDR_RANGE : TsType.IPV4_ADDR_RANGE,
    protocol,
    startPort: portStart,
    endPort: portEnd,
    startAddress: start,
    endAddress: end,
  };
}

/** TSi and TSr for a selector seen from the initiator (local = the initiator's side). */
export function selectorPayloads(s: PolicySelector): {
  tsi: TrafficSelectorPayload;
  tsr: TrafficSelectorPayload;
} {
  return {
    tsi: {
      type: 44,
      selectors: [side(s.localStart, s.localEnd, s.protocol, s.localPortStart, s.localPortEnd)],
    },
    tsr: {
      type: 45,
      selectors: [side(s.remoteStart, s.remoteEnd, s.protocol, s.remotePortStart, s.remotePortEnd)],
    },
  };
}

/**
 * The first selector of TSi and of TSr as one policy selector from the initiator's view;
 * undefined for a type we do not read or selectors of different IP protocols.
 */
export function payloadSelector(
  tsi: TrafficSelectorPayload,
  tsr: TrafficSelectorPayload,
): PolicySelector | undefined {
  const [i] = tsi.selectors;
  const [r] = tsr.selectors;
  if (!i || !r || 'raw' in i || 'raw' in r || i.protocol !== r.protocol) return undefined;
  return {
    protocol: i.protocol,
    localStart: i.startAddress,
    localEnd: i.endAddress,
    localPortStart: i.startPort,
    localPortEnd: i.endPort,
    remoteStart: r.startAddress,
    remoteEnd: r.endAddress,
    remotePortStart: r.startPort,
    remotePortEnd: r.endPort,
  };
}

export type Narrowed = { readonly selector: PolicySelector } | { readonly refused: string };

/**
 * The responder's answer to TSi/TSr: our selector (local = our side) when theirs contains it.
 * Every selector of each payload is tried (the first may be the packet that triggered, §2.9).
 */
export function narrow(
  ours: PolicySelector,
  tsi: TrafficSelectorPayload,
  tsr: TrafficSelectorPayload,
): Narrowed {
  const wanted = mirrorSelector(ours); // from the initiator's view
  for (const i of tsi.selectors) {
    for (const r of tsr.selectors) {
      const offered = payloadSelector({ type: 44, selectors: [i] }, { type: 45, selectors: [r] });
      if (offered && selectorContains(offered, wanted)) return { selector: ours };
    }
  }
  const theirs = payloadSelector(tsi, tsr);
  return {
    refused: `proposed ${theirs ? describeSelector(mirrorSelector(theirs)) : 'unreadable selectors'}, ours ${describeSelector(ours)}`,
  };
}

/** The initiator's check of the answer: within what it proposed. */
export function acceptNarrowed(
  proposed: PolicySelector,
  tsi: TrafficSelectorPayload,
  tsr: TrafficSelectorPayload,
): Narrowed {
  const answer = payloadSelector(tsi, tsr);
  if (!answer) return { refused: 'unreadable selectors in the answer' };
  const ours = { ...answer };
  if (!selectorContains(proposed, ours)) {
    return { refused: `answered ${describeSelector(ours)}, proposed ${describeSelector(proposed)}` };
  }
  return { selector: ours };
}
