// The operator's views of the SA list (saViews.ts): IOS `show crypto isakmp sa detail`,
// `show crypto session [detail]`, `show crypto engine connections active` and `show debug`
// in the IOS 12.x layouts, the per-SA lines `show crypto ipsec sa detail` adds, and
// `typeswan list-sas`, laid out as strongSwan's `swanctl --list-sas`.

import type { DebugCategory } from '../events.js';
import { hex8 } from './ipsecSa.js';
import type { IkeSaDetailView, IpsecSaDetailView, SaDirectionView, SaListView } from './saViews.js';

/** IOS "23:59:30": hours may pass 24 (a lifetime of several days). */
function hms(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(Math.floor(s / 3600))}:${two(Math.floor((s % 3600) / 60))}:${two(s % 60)}`;
}

const AUTH_CODES: Readonly<Record<string, string>> = {
  'pre-share': 'psk',
  'rsa-sig': 'rsig',
  'rsa-encr': 'renc',
  'rsa-encr-revised': 'rrev',
};

function capabilities(sa: IkeSaDetailView): string {
  return `${sa.dpd ? 'D' : ''}${sa.natT ? 'N' : ''}`;
}

/** `show crypto isakmp sa detail` (IOS 12.3), then the swanctl details of each SA. */
export function formatIsakmpSaDetail(sas: readonly IkeSaDetailView[]): string {
  const row = (cells: readonly string[]): string =>
    `${(cells[0] ?? '').padEnd(12)}${(cells[1] ?? '').padEnd(8)}${(cells[2] ?? '').padEnd(16)}${(cells[3] ?? '').padEnd(16)}${(cells[4] ?? '').padEnd(5)}${(cells[5] ?? '').padEnd(5)}${(cells[6] ?? '').padEnd(5)}${(cells[7] ?? '').padEnd(3)}${(cells[8] ?? '').padEnd(9)}${cells[9] ?? ''}`.trimEnd();
  const lines = [
    'Codes: C - IKE configuration mode, D - Dead Peer Detection',
    '       K - Keepalives, N - NAT-traversal',
    '       X - IKE Extended Authentication',
    '       psk - Preshared key, rsig - RSA signature',
    '       renc - RSA encryption',
    '',
    row([
      'f_vrf/i_vrf',
      'Conn-id',
      'Local',
      'Remote',
      'Encr',
      'Hash',
      'Auth',
      'DH',
      'Lifetime',
      'Capabilities',
    ]),
  ];
  for (const sa of sas) {
    lines.push(
      row([
        '/',
        String(sa.connId),
        sa.local,
        sa.remote,
        sa.encryption ?? '',
        sa.hash ?? '',
        AUTH_CODES[sa.authentication ?? ''] ?? '',
        sa.group !== undefined ? String(sa.group) : '',
        hms(sa.lifetimeRemaining),
        capabilities(sa),
      ]),
      `  State ${sa.state}, ${sa.role}, ${sa.exchange} mode, local ${sa.local}/${sa.localPort} remote ${sa.remote}/${sa.remotePort}${sa.peerId !== undefined ? `, peer id ${sa.peerId}` : ''}`,
      `  Cookies ${sa.initiatorCookie}_i ${sa.responderCookie}_r, ${timing(sa.establishedSecondsAgo, sa.rekeyInSeconds, sa.lifetimeRemaining)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function timing(ago: number | undefined, rekey: number | undefined, expires: number): string {
  return [
    ago !== undefined ? `established ${ago}s ago` : 'not established',
    ...(rekey !== undefined ? [`rekeying in ${rekey}s`] : []),
    `expires in ${expires}s`,
  ].join(', ');
}

function directionLine(label: 'in ' | 'out', d: SaDirectionView): string {
  return `${label} ${d.protocol.toUpperCase()} 0x${hex8(d.spi)}, conn-id ${d.connId}, ${d.bytes} bytes, ${d.packets} packets${d.errors > 0 ? `, ${d.errors} errors` : ''}`;
}

/** What `show crypto ipsec sa detail` adds under each SA (by its SPI): swanctl's timings and counts. */
export function ipsecSaDetailLines(list: readonly IpsecSaDetailView[]): (spi: number) => string[] {
  const bySpi = new Map<number, { sa: IpsecSaDetailView; d: SaDirectionView }>();
  for (const sa of list) for (const d of [...sa.inbound, ...sa.outbound]) bySpi.set(d.spi, { sa, d });
  return (spi) => {
    const found = bySpi.get(spi);
    if (found === undefined) return [];
    const { sa, d } = found;
    return [
      `    sa age: ${sa.installedSecondsAgo} s, ${sa.rekeyInSeconds !== undefined ? `rekey in ${sa.rekeyInSeconds} s, ` : ''}expires in ${sa.expiresInSeconds} s`,
      `    bytes: ${d.bytes}, packets: ${d.packets}, errors: ${d.errors}${sa.pfsGroup !== undefined ? `, PFS (Y/N): Y, DH group: group${sa.pfsGroup}` : ', PFS (Y/N): N'}`,
      ...(sa.udpEncapsulation !== undefined
        ? [
            `    UDP encapsulation: local port ${sa.udpEncapsulation.localPort}, remote port ${sa.udpEncapsulation.remotePort}`,
          ]
        : []),
    ];
  };
}

type SessionStatus = 'UP-ACTIVE' | 'UP-IDLE' | 'UP-NO-IKE' | 'DOWN-NEGOTIATING';

interface Session {
  readonly peer: string;
  readonly interface: string;
  readonly ike: readonly IkeSaDetailView[];
  readonly ipsec: readonly IpsecSaDetailView[];
}

function sessions(list: SaListView): Session[] {
  const peers = [...new Set([...list.ike.map((s) => s.remote), ...list.ipsec.map((s) => s.peer)])];
  return peers.map((peer) => {
    const ike = list.ike.filter((s) => s.remote === peer);
    const ipsec = list.ipsec.filter((s) => s.peer === peer);
    return {
      peer,
      interface:
        ike.find((s) => s.interface)?.interface ?? ipsec.find((s) => s.interface)?.interface ?? 'unknown',
      ike,
      ipsec,
    };
  });
}

function status(s: Session): SessionStatus {
  const active = s.ike.some((i) => i.state === 'QM_IDLE');
  if (s.ipsec.length > 0) return active ? 'UP-ACTIVE' : 'UP-NO-IKE';
  return active ? 'UP-IDLE' : 'DOWN-NEGOTIATING';
}

/** `show crypto session [detail]` (IOS 12.3(4)T and later). */
export function formatCryptoSession(list: SaListView, detail: boolean): string {
  const lines = ['Crypto session current status', ''];
  if (detail)
    lines.push(
      'Code: C - IKE Configuration mode, D - Dead Peer Detection',
      'K - Keepalives, N - NAT-traversal, X - IKE Extended Authentication',
      '',
    );
  for (const s of sessions(list)) {
    const port = s.ike[0]?.remotePort ?? s.ipsec[0]?.udpEncapsulation?.remotePort ?? 500;
    const uptime = Math.max(
      0,
      ...s.ike.map((i) => i.establishedSecondsAgo ?? 0),
      ...s.ipsec.map((i) => i.installedSecondsAgo),
    );
    lines.push(`Interface: ${s.interface}`);
    if (detail) lines.push(`Uptime: ${hms(uptime)}`);
    lines.push(`Session status: ${status(s)}`);
    if (detail) {
      lines.push(
        `Peer: ${s.peer} port ${port} fvrf: (none) ivrf: (none)`,
        `      Phase1_id: ${s.ike[0]?.peerId ?? s.peer}`,
        '      Desc: (none)',
      );
    } else lines.push(`Peer: ${s.peer} port ${port}`);
    for (const ike of s.ike) {
      lines.push(
        `  IKE SA: local ${ike.local}/${ike.localPort} remote ${ike.remote}/${ike.remotePort} ${ike.state === 'QM_IDLE' ? 'Active' : 'Inactive'}`,
      );
      if (detail)
        lines.push(
          `          Capabilities:${capabilities(ike) || '(none)'} connid:${ike.connId} lifetime:${hms(ike.lifetimeRemaining)}`,
        );
    }
    for (const flow of [...new Set(s.ipsec.map((i) => i.flow))]) {
      const sas = s.ipsec.filter((i) => i.flow === flow);
      lines.push(
        `  IPSEC FLOW: ${flow}`,
        `        Active SAs: ${sas.reduce((n, i) => n + i.inbound.length + i.outbound.length, 0)}, origin: crypto map`,
      );
      if (detail) {
        const sum = (ds: readonly SaDirectionView[], key: 'packets' | 'errors'): number =>
          ds.reduce((n, d) => n + d[key], 0);
        const inbound = sas.flatMap((i) => i.inbound.filter((d) => d.protocol === i.inbound[0]?.protocol));
        const outbound = sas.flatMap((i) => i.outbound.filter((d) => d.protocol === i.outbound[0]?.protocol));
        const newest = sas[sas.length - 1];
        const life = newest === undefined ? '0/0' : `${newest.remainingKilobytes}/${newest.expiresInSeconds}`;
        lines.push(
          `        Inbound:  #pkts dec'ed ${sum(inbound, 'packets')} drop ${sum(inbound, 'errors')} life (KB/Sec) ${life}`,
          `        Outbound: #pkts enc'ed ${sum(outbound, 'packets')} drop ${sum(outbound, 'errors')} life (KB/Sec) ${life}`,
        );
      }
    }
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

const IKE_CIPHERS: Readonly<Record<string, string>> = {
  des: 'DES_56_CBC',
  '3des': '3DES_56_CBC',
  aes: 'AES_128_CBC',
  aes192: 'AES_192_CBC',
  aes256: 'AES_256_CBC',
};
const IKE_HASHES: Readonly<Record<string, string>> = {
  md5: 'HMAC_MD5',
  sha: 'HMAC_SHA',
  sha256: 'HMAC_SHA256',
  sha384: 'HMAC_SHA384',
  sha512: 'HMAC_SHA512',
};
const ESP_WORDS: Readonly<Record<string, string>> = {
  'esp-des': 'DES_56_CBC',
  'esp-3des': '3DES_56_CBC',
  'esp-aes': 'AES_128_CBC',
  'esp-aes 192': 'AES_192_CBC',
  'esp-aes 256': 'AES_256_CBC',
  'esp-gcm': 'AES_GCM',
  'esp-null': 'NULL',
  'esp-md5-hmac': 'HMAC_MD5',
  'esp-sha-hmac': 'HMAC_SHA',
  'esp-sha256-hmac': 'HMAC_SHA256',
  'ah-md5-hmac': 'HMAC_MD5',
  'ah-sha-hmac': 'HMAC_SHA',
};

/** IOS names the algorithms hash first, joined by '+', in an 18-character column. */
function engineAlgorithm(words: readonly string[]): string {
  const names = words.map((w) => ESP_WORDS[w] ?? w.toUpperCase());
  const hashes = names.filter((n) => n.startsWith('HMAC'));
  const ciphers = names.filter((n) => !n.startsWith('HMAC'));
  return [...hashes, ...ciphers].join('+').slice(0, 18);
}

/** The transform words of "esp-aes 256 esp-sha-hmac": key sizes stay with their cipher. */
function transformWords(transform: string): string[] {
  const words: string[] = [];
  for (const w of transform.split(/\s+/).filter((x) => x !== '')) {
    if (/^\d+$/.test(w) && words.length > 0) words[words.length - 1] += ` ${w}`;
    else words.push(w);
  }
  return words;
}

/** `show crypto engine connections active` (IOS 12.2): one row per IKE SA and per IPsec SA. */
export function formatEngineConnections(list: SaListView): string {
  const row = (
    id: string,
    iface: string,
    ip: string,
    state: string,
    alg: string,
    enc: string,
    dec: string,
  ): string =>
    `${id.padStart(5)} ${iface.padEnd(15)} ${ip.padEnd(15)} ${state.padEnd(6)} ${alg.padEnd(18)}${enc.padStart(9)}${dec.padStart(9)}`;
  const lines = [row('ID', 'Interface', 'IP-Address', 'State', 'Algorithm', 'Encrypt', 'Decrypt')];
  for (const sa of list.ike) {
    const alg = [IKE_HASHES[sa.hash ?? ''], IKE_CIPHERS[sa.encryption ?? '']]
      .filter((x) => x !== undefined)
      .join('+');
    lines.push(row(String(sa.connId), sa.interface ?? '<none>', sa.local, 'set', alg.slice(0, 18), '0', '0'));
  }
  let id = 0;
  for (const sa of list.ipsec) {
    const alg = engineAlgorithm(transformWords(sa.transform));
    // Each SA is one engine connection: IOS numbers them from 2000 up, inbound before outbound.
    for (const d of sa.inbound)
      lines.push(
        row(String(2000 + id++), sa.interface ?? '<none>', sa.local, 'set', alg, '0', String(d.packets)),
      );
    for (const d of sa.outbound)
      lines.push(
        row(String(2000 + id++), sa.interface ?? '<none>', sa.local, 'set', alg, String(d.packets), '0'),
      );
  }
  return `${lines.join('\n')}\n`;
}

const DEBUG_NAMES: readonly [DebugCategory, string][] = [
  ['isakmp', 'Crypto ISAKMP debugging is on'],
  ['engine', 'Crypto Engine debugging is on'],
  ['ipsec', 'Crypto IPSEC debugging is on'],
];

/** `show debug`, the layout of Example 13-3; nothing when no debugging is on. */
export function formatShowDebug(on: readonly DebugCategory[]): string {
  if (on.length === 0) return '';
  return `${['Cryptographic Subsystem:', ...DEBUG_NAMES.filter(([c]) => on.includes(c)).map(([, t]) => `  ${t}`)].join('\n')}\n`;
}

/** `typeswan list-sas`: swanctl --list-sas's layout with IOS names. */
export function formatSaList(list: SaListView): string {
  const lines: string[] = [];
  for (const ike of list.ike) {
    lines.push(
      `${ike.remote}: conn-id ${ike.connId}, ${ike.state}, IKEv1 ${ike.exchange} mode, ${ike.role}, ${ike.initiatorCookie}_i ${ike.responderCookie}_r`,
      `  local  ${ike.local}[${ike.localPort}]`,
      `  remote ${ike.remote}[${ike.remotePort}]${ike.peerId !== undefined ? ` id ${ike.peerId}` : ''}${ike.natT ? ' (NAT-T)' : ''}`,
      ...(ike.encryption !== undefined
        ? [`  ${ike.encryption}/${ike.hash ?? '-'}/${ike.authentication ?? '-'}/group ${ike.group ?? '-'}`]
        : []),
      `  ${timing(ike.establishedSecondsAgo, ike.rekeyInSeconds, ike.lifetimeRemaining)}`,
    );
    for (const sa of list.ipsec.filter((s) => s.peer === ike.remote)) lines.push(...ipsecLines(sa));
  }
  const orphans = list.ipsec.filter((s) => !list.ike.some((i) => i.remote === s.peer));
  for (const sa of orphans) lines.push(`${sa.peer}: no IKE SA`, ...ipsecLines(sa));
  return lines.length === 0 ? 'no SAs\n' : `${lines.join('\n')}\n`;
}

function ipsecLines(sa: IpsecSaDetailView): string[] {
  return [
    `  ${sa.cryptoMap !== undefined ? `crypto map ${sa.cryptoMap}${sa.seq !== undefined ? ` ${sa.seq}` : ''}` : 'IPsec SA'}: ISAKMP conn-id ${sa.ikeConnId}, ${sa.mode.toUpperCase()}${sa.udpEncapsulation !== undefined ? `, UDP-encaps ${sa.udpEncapsulation.localPort}/${sa.udpEncapsulation.remotePort}` : ''}, ${sa.transform}${sa.pfsGroup !== undefined ? `, PFS group ${sa.pfsGroup}` : ''}`,
    `    installed ${sa.installedSecondsAgo}s ago, ${sa.rekeyInSeconds !== undefined ? `rekeying in ${sa.rekeyInSeconds}s, ` : ''}expires in ${sa.expiresInSeconds}s`,
    ...sa.inbound.map((d) => `    ${directionLine('in ', d)}`),
    ...sa.outbound.map((d) => `    ${directionLine('out', d)}`),
    `    local  ${sa.localProxy}`,
    `    remote ${sa.remoteProxy}`,
  ];
}
