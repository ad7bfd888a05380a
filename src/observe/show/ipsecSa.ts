// `show crypto ipsec sa [peer A]`, the layout of Examples 13-4 and 13-27 (IOS 12.2): per
// interface a header, then per flow its identities, counters, endpoints and SAs.

import type { EspSaView, IpsecFlowView } from './views.js';

export function hex8(spi: number): string {
  return (spi >>> 0).toString(16).toUpperCase();
}

/** Lines `show crypto ipsec sa detail` adds under an SA (none for the plain command). */
export type SaDetailLines = (spi: number) => readonly string[];

function saBlock(sa: EspSaView, detail: SaDetailLines | undefined): string[] {
  return [
    `  spi: 0x${hex8(sa.spi)}(${sa.spi >>> 0})`,
    `    transform: ${sa.transform} ,`,
    `    in use settings ={${sa.mode === 'tunnel' ? 'Tunnel' : 'Transport'}${sa.udpEncapsulated === true ? ' UDP-Encaps' : ''}, }`,
    `    slot: ${sa.slot}, conn id: ${sa.connId}, flow_id: ${sa.flowId}, crypto map: ${sa.cryptoMap}`,
    `    sa timing: remaining key lifetime (k/sec): (${sa.remainingKilobytes}/${sa.remainingSeconds})`,
    ...(sa.ivSize > 0 ? [`    IV size: ${sa.ivSize} bytes`] : []),
    ...(sa.ipcomp === true
      ? []
      : [`    replay detection support: ${sa.replayDetection ? 'Y' : 'N'}`, ...(detail?.(sa.spi) ?? [])]),
  ];
}

function saList(title: string, sas: readonly EspSaView[], detail: SaDetailLines | undefined): string[] {
  return [`${title}:`, ...sas.flatMap((sa) => saBlock(sa, detail)), ''];
}

export function formatIpsecFlow(flow: IpsecFlowView, detail?: SaDetailLines): string[] {
  const c = flow.counters;
  return [
    `local ident (addr/mask/prot/port): (${flow.localIdent})`,
    `remote ident (addr/mask/prot/port): (${flow.remoteIdent})`,
    `current_peer: ${flow.currentPeer}`,
    `  PERMIT, flags={${flow.flags.map((f) => `${f},`).join('')}}`,
    `  #pkts encaps: ${c.encaps}, #pkts encrypt: ${c.encrypt}, #pkts digest ${c.digest}`,
    `  #pkts decaps: ${c.decaps}, #pkts decrypt: ${c.decrypt}, #pkts verify ${c.verify}`,
    `  #pkts compressed: ${c.compressed}, #pkts decompressed: ${c.decompressed}`,
    `  #pkts not compressed: ${c.notCompressed}, #pkts compr. failed: ${c.comprFailed}, #pkts decompress failed: ${c.decompressFailed}`,
    `  #send errors ${c.sendErrors}, #recv errors ${c.recvErrors}`,
    '',
    `local crypto endpt.: ${flow.localAddress}, remote crypto endpt.: ${flow.remoteAddress}`,
    `path mtu ${flow.pathMtu}, media mtu ${flow.mediaMtu}`,
    `current outbound spi: ${hex8(flow.currentOutboundSpi)}`,
    '',
    ...saList('inbound esp sas', flow.inboundEsp, detail),
    ...saList('inbound ah sas', flow.inboundAh, detail),
    ...saList('inbound pcp sas', flow.inboundPcp ?? [], detail),
    ...saList('outbound esp sas', flow.outboundEsp, detail),
    ...saList('outbound ah sas', flow.outboundAh, detail),
    ...saList('outbound pcp sas', flow.outboundPcp ?? [], detail),
  ];
}

/** Flows grouped by interface and crypto map in the order given. */
export function formatIpsecSa(flows: readonly IpsecFlowView[], detail?: SaDetailLines): string {
  const lines: string[] = [];
  let header = '';
  for (const flow of flows) {
    const key = `${flow.interface}/${flow.cryptoMap}/${flow.localAddress}`;
    if (key !== header) {
      header = key;
      lines.push(
        '',
        `interface: ${flow.interface}`,
        `  Crypto map tag: ${flow.cryptoMap}, local addr. ${flow.localAddress}`,
        '',
      );
    }
    lines.push(...formatIpsecFlow(flow, detail));
  }
  return `${lines.join('\n')}\n`;
}
