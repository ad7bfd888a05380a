// The SA list (observe/show/saViews.ts) from what the IKE engine lists, the data plane's
// per-SA counters and the SPD's rules (for the interface and crypto map entry).

import type { IkeSaInfo, IpsecSaInfo } from '../ike/types.js';
import type {
  IkeSaDetailView,
  IpsecSaDetailView,
  SaDirectionView,
  SaListView,
} from '../observe/show/saViews.js';
import type { TrafficSelector } from '../policy/model.js';
import type { IpsecSa } from '../policy/sa.js';
import { localIdent, remoteIdent } from './flows.js';
import type { DataPlaneCounters } from './ports.js';
import type { PolicyRule } from './spdFromConfig.js';

export interface SaListInputs {
  readonly ike: readonly IkeSaInfo[];
  readonly ipsec: readonly IpsecSaInfo[];
  readonly rules: readonly PolicyRule[];
  readonly counters: (spi: number, direction: 'inbound' | 'outbound') => DataPlaneCounters | undefined;
  /** The gateway's engine connection id of an installed SA. */
  readonly connId: (spi: number, direction: 'inbound' | 'outbound') => number | undefined;
  readonly dpd: boolean;
  readonly now: number;
}

const seconds = (t: number): number => Math.max(0, Math.round(t));

function interfaceFor(rules: readonly PolicyRule[], peer: string, map?: string): PolicyRule | undefined {
  return (
    rules.find((r) => r.rule.peer === peer && (map === undefined || r.entry.map === map)) ??
    rules.find((r) => r.entry.peers.includes(peer))
  );
}

function ikeView(s: IkeSaInfo, inputs: SaListInputs): IkeSaDetailView {
  const iface = interfaceFor(inputs.rules, s.dst)?.iface.name;
  return {
    connId: s.connId,
    state: s.state,
    role: s.role,
    exchange: s.exchange,
    ...(iface !== undefined ? { interface: iface } : {}),
    local: s.src,
    localPort: s.localPort,
    remote: s.dst,
    remotePort: s.peerPort,
    natT: s.natT,
    initiatorCookie: s.initiatorCookie,
    responderCookie: s.responderCookie,
    ...(s.peerId !== undefined ? { peerId: s.peerId } : {}),
    ...(s.encryption !== undefined ? { encryption: s.encryption } : {}),
    ...(s.hash !== undefined ? { hash: s.hash } : {}),
    ...(s.authentication !== undefined ? { authentication: s.authentication } : {}),
    ...(s.group !== undefined ? { group: s.group } : {}),
    dpd: inputs.dpd,
    ...(s.establishedAt !== undefined
      ? { establishedSecondsAgo: seconds(inputs.now - s.establishedAt) }
      : {}),
    ...(s.rekeyAt !== undefined ? { rekeyInSeconds: seconds(s.rekeyAt - inputs.now) } : {}),
    lifetimeRemaining: s.lifetimeRemaining,
  };
}

function direction(sa: IpsecSa, inputs: SaListInputs): SaDirectionView {
  const c = inputs.counters(sa.spi, sa.direction);
  return {
    connId: inputs.connId(sa.spi, sa.direction) ?? 0,
    protocol: sa.protocol,
    spi: sa.spi,
    bytes: c?.bytes ?? 0,
    packets: (sa.direction === 'inbound' ? c?.decaps : c?.encaps) ?? 0,
    errors: (sa.direction === 'inbound' ? c?.recvErrors : c?.sendErrors) ?? 0,
  };
}

/** IOS `show crypto session`'s flow: "permit ip 10.1.1.0/255.255.255.0 host 10.1.2.1". */
export function flowText(s: TrafficSelector): string {
  const side = (ident: string, start: string, end: string, port: number): string => {
    const [address = '', mask = ''] = ident.split('/');
    const where = start === end ? `host ${start}` : `${address}/${mask}`;
    return port === 0 ? where : `${where} port ${port}`;
  };
  const single = (a: number, b: number): number => (a === b ? a : 0);
  return [
    'permit',
    s.protocol === 0 ? 'ip' : String(s.protocol),
    side(localIdent(s), s.localStart, s.localEnd, single(s.localPortStart, s.localPortEnd)),
    side(remoteIdent(s), s.remoteStart, s.remoteEnd, single(s.remotePortStart, s.remotePortEnd)),
  ].join(' ');
}

function ipsecView(s: IpsecSaInfo, inputs: SaListInputs): IpsecSaDetailView | undefined {
  const first = s.pairs[0]?.outbound;
  if (first === undefined) return undefined;
  const rule = interfaceFor(inputs.rules, s.peer, s.cryptoMap);
  const encap = first.udpEncapsulation;
  const outbound = s.pairs.map((p) => direction(p.outbound, inputs));
  const sent = outbound.reduce((n, d) => n + d.bytes, 0);
  return {
    ikeConnId: s.connId,
    peer: s.peer,
    local: s.local,
    ...(rule !== undefined ? { interface: rule.iface.name, seq: rule.entry.seq } : {}),
    ...(s.cryptoMap !== undefined ? { cryptoMap: s.cryptoMap } : {}),
    ...(s.transformSet !== undefined ? { transformSet: s.transformSet } : {}),
    transform: s.transform,
    mode: first.mode,
    ...(s.pfsGroup !== undefined ? { pfsGroup: s.pfsGroup } : {}),
    ...(encap !== undefined
      ? { udpEncapsulation: { localPort: encap.localPort, remotePort: encap.remotePort } }
      : {}),
    localProxy: localIdent(s.selector),
    remoteProxy: remoteIdent(s.selector),
    flow: flowText(s.selector),
    installedSecondsAgo: seconds(inputs.now - s.createdAt),
    ...(s.rekeyAt !== undefined ? { rekeyInSeconds: seconds(s.rekeyAt - inputs.now) } : {}),
    expiresInSeconds: s.remainingSeconds,
    lifetimeKilobytes: first.lifetime.kilobytes,
    remainingKilobytes: Math.max(0, first.lifetime.kilobytes - Math.ceil(sent / 1024)),
    inbound: s.pairs.map((p) => direction(p.inbound, inputs)),
    outbound,
  };
}

export function buildSaList(inputs: SaListInputs, peer?: string): SaListView {
  const ipsec = inputs.ipsec
    .map((s) => ipsecView(s, inputs))
    .filter((v): v is IpsecSaDetailView => v !== undefined);
  return {
    ike: inputs.ike.map((s) => ikeView(s, inputs)).filter((s) => peer === undefined || s.remote === peer),
    ipsec: ipsec.filter((s) => peer === undefined || s.peer === peer),
  };
}
