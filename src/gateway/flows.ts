// Builds `show crypto ipsec sa` views: one flow per protect rule (what IOS prints even before
// any SA exists), with the SAs negotiated for it and their counters.

import type { EspSaView, IpsecFlowView, SaCounters } from '../observe/show/views.js';
import { zeroCounters } from '../observe/show/views.js';
import { identText } from '../policy/proxyId.js';
import type { TrafficSelector } from '../policy/model.js';
import type { IpsecSa } from '../policy/sa.js';
import { selectorContains } from '../policy/selector.js';
import { iosTransformName } from '../ipsec/transform.js';
import type { DataPlaneCounters } from './ports.js';
import type { PolicyRule } from './spdFromConfig.js';

export interface InstalledSa {
  readonly sa: IpsecSa;
  readonly installedAt: number;
  readonly connId: number;
  readonly flowId: number;
  readonly peer: string;
  /** Installed with an ESP pair of the same negotiation (AH+ESP): packets are counted on ESP. */
  readonly bundleHasEsp: boolean;
}

/** `show crypto ipsec sa` identities ("10.1.1.0/255.255.255.0/0/0") are policy's proxy-ID text. */
export { identText };

export function localIdent(s: TrafficSelector): string {
  return identText(s.localStart, s.localEnd, s.protocol, s.localPortStart, s.localPortEnd);
}

export function remoteIdent(s: TrafficSelector): string {
  return identText(s.remoteStart, s.remoteEnd, s.protocol, s.remotePortStart, s.remotePortEnd);
}

function ivSize(sa: IpsecSa): number {
  switch (sa.cipher) {
    case 'des-cbc':
    case '3des-cbc':
      return 8;
    case 'aes-cbc':
      return 16;
    case 'aes-ctr':
    case 'aes-gcm-8':
    case 'aes-gcm-12':
    case 'aes-gcm-16':
      return 8;
    default:
      return 0;
  }
}

/** The IPComp SA beside an ESP SA that carries it: its CPI, the ESP SA's lifetime. */
function pcpView(sa: IpsecSa, esp: EspSaView): EspSaView | undefined {
  if (sa.ipcomp === undefined) return undefined;
  return {
    ...esp,
    spi: sa.ipcomp.cpi,
    transform: sa.ipcomp.algorithm === 'lzs' ? 'comp-lzs' : 'comp-deflate',
    ivSize: 0,
    replayDetection: false,
    ipcomp: true,
  };
}

export interface FlowInputs {
  readonly rules: readonly PolicyRule[];
  readonly installed: readonly InstalledSa[];
  readonly counters: (spi: number, direction: 'inbound' | 'outbound') => DataPlaneCounters | undefined;
  /** Packets dropped while waiting for IKE, per rule index (IOS counts them as send errors). */
  readonly acquireDrops: ReadonlyMap<number, number>;
  /** Counters of SAs already deleted (rekeyed, cleared, expired), per rule index: IOS keeps
   * counting per flow across rekeys. */
  readonly retired: ReadonlyMap<number, SaCounters>;
  readonly now: number;
  readonly mtu: number;
}

function saView(i: InstalledSa, cryptoMap: string, bytes: number, now: number): EspSaView {
  return {
    spi: i.sa.spi,
    transform: iosTransformName(i.sa),
    mode: i.sa.mode,
    ...(i.sa.udpEncapsulation !== undefined ? { udpEncapsulated: true } : {}),
    slot: 0,
    connId: i.connId,
    flowId: i.flowId,
    cryptoMap,
    remainingKilobytes: Math.max(0, i.sa.lifetime.kilobytes - Math.ceil(bytes / 1024)),
    remainingSeconds: Math.max(0, Math.round(i.installedAt + i.sa.lifetime.seconds - now)),
    ivSize: i.sa.protocol === 'esp' ? ivSize(i.sa) : 0,
    replayDetection: i.sa.integrity !== 'none' || i.sa.cipher?.startsWith('aes-gcm') === true,
  };
}

/** The protect rule (index) an SA belongs to: same peer, selectors inside the rule's; -1 if none. */
export function ruleIndexFor(rules: readonly PolicyRule[], i: Pick<InstalledSa, 'sa' | 'peer'>): number {
  return rules.findIndex(
    (r) =>
      r.rule.action === 'protect' &&
      r.rule.peer === i.peer &&
      selectorContains(r.rule.selector, i.sa.selector),
  );
}

/** Adds one SA's counters to a flow's: outbound ones to encaps, inbound to decaps. An AH SA
 * bundled with ESP adds only its errors (each packet is counted once, on ESP). */
export function addSaCounters(
  into: SaCounters,
  i: Pick<InstalledSa, 'sa' | 'bundleHasEsp'>,
  c: DataPlaneCounters,
): void {
  const packets = !(i.sa.protocol === 'ah' && i.bundleHasEsp);
  if (i.sa.direction === 'outbound') {
    if (packets) {
      into.encaps += c.encaps;
      into.encrypt += c.encrypt;
      into.digest += c.digest;
      into.compressed += c.compressed ?? 0;
      into.notCompressed += c.notCompressed ?? 0;
      into.comprFailed += c.comprFailed ?? 0;
    }
    into.sendErrors += c.sendErrors;
  } else {
    if (packets) {
      into.decaps += c.decaps;
      into.decrypt += c.decrypt;
      into.verify += c.verify;
      into.decompressed += c.decompressed ?? 0;
      into.decompressFailed += c.decompressFailed ?? 0;
    }
    into.recvErrors += c.recvErrors;
  }
}

export function buildFlows(inputs: FlowInputs): IpsecFlowView[] {
  const flows: IpsecFlowView[] = [];
  const claimed = new Set<InstalledSa>();
  inputs.rules.forEach((r, index) => {
    if (r.rule.action !== 'protect') return;
    const sas = inputs.installed.filter((i) => !claimed.has(i) && ruleIndexFor(inputs.rules, i) === index);
    for (const s of sas) claimed.add(s);
    flows.push(flowView(inputs, r, index, sas));
  });
  return flows;
}

function flowView(
  inputs: FlowInputs,
  r: PolicyRule,
  index: number,
  sas: readonly InstalledSa[],
): IpsecFlowView {
  const counters: SaCounters = zeroCounters();
  const views = {
    inEsp: [] as EspSaView[],
    inAh: [] as EspSaView[],
    outEsp: [] as EspSaView[],
    outAh: [] as EspSaView[],
    inPcp: [] as EspSaView[],
    outPcp: [] as EspSaView[],
  };
  let currentOutbound = 0;
  let selector = r.rule.selector;
  const retired = inputs.retired.get(index);
  if (retired !== undefined) {
    for (const key of Object.keys(counters) as (keyof SaCounters)[]) counters[key] += retired[key];
  }
  for (const i of sas) {
    const c = inputs.counters(i.sa.spi, i.sa.direction);
    if (c !== undefined) addSaCounters(counters, i, c);
    const view = saView(i, r.entry.map, c?.bytes ?? 0, inputs.now);
    const pcp = pcpView(i.sa, view);
    if (pcp !== undefined) (i.sa.direction === 'inbound' ? views.inPcp : views.outPcp).push(pcp);
    if (i.sa.direction === 'inbound') (i.sa.protocol === 'esp' ? views.inEsp : views.inAh).push(view);
    else {
      (i.sa.protocol === 'esp' ? views.outEsp : views.outAh).push(view);
      if (i.sa.protocol === 'esp' || currentOutbound === 0) currentOutbound = i.sa.spi;
      selector = i.sa.selector;
    }
  }
  counters.sendErrors += inputs.acquireDrops.get(index) ?? 0;
  const peer = sas[0]?.peer ?? r.rule.peer ?? '0.0.0.0';
  return {
    interface: r.iface.name,
    cryptoMap: r.entry.map,
    localAddress: r.localAddress ?? '0.0.0.0',
    localIdent: localIdent(selector),
    remoteIdent: remoteIdent(selector),
    currentPeer: peer,
    flags: r.entry.dynamic === undefined ? ['origin_is_acl'] : [],
    counters,
    remoteAddress: peer,
    pathMtu: inputs.mtu,
    mediaMtu: inputs.mtu,
    currentOutboundSpi: currentOutbound,
    inboundEsp: views.inEsp,
    inboundAh: views.inAh,
    outboundEsp: views.outEsp,
    outboundAh: views.outAh,
    ...(views.inPcp.length > 0 ? { inboundPcp: views.inPcp } : {}),
    ...(views.outPcp.length > 0 ? { outboundPcp: views.outPcp } : {}),
  };
}
