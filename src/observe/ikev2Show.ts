// `show crypto ikev2 sa` as IOS 15 prints it:
//
//  IPv4 Crypto IKEv2  SA
//
// Tunnel-id Local                 Remote                fvrf/ivrf            Status
// 1         192.0.2.1/500         192.0.2.2/500         none/none            READY
//       Encr: AES-CBC, keysize: 256, PRF: SHA256, Hash: SHA256, DH Grp:14, Auth sign: PSK, Auth verify: PSK
//       Life/Active Time: 86400/17 sec
//
//  IPv6 Crypto IKEv2  SA

import type { Ikev2SaInfo } from '../ikev2/engine.js';

const STATUS: Readonly<Record<string, string>> = {
  CONNECTING: 'IN-NEG',
  ESTABLISHED: 'READY',
  DELETING: 'DELETE',
};

const CIPHER: Readonly<Record<string, string>> = {
  'aes-cbc': 'AES-CBC',
  'aes-gcm-16': 'AES-GCM',
  'aes-gcm-12': 'AES-GCM',
  'aes-gcm-8': 'AES-GCM',
  '3des-cbc': '3DES',
  'aes-ctr': 'AES-CTR',
};

const HASH: Readonly<Record<string, string>> = {
  md5: 'MD5',
  sha1: 'SHA1',
  sha256: 'SHA256',
  sha384: 'SHA384',
  sha512: 'SHA512',
  'hmac-md5-96': 'MD596',
  'hmac-sha1-96': 'SHA96',
  'hmac-sha256-128': 'SHA256',
  'hmac-sha384-192': 'SHA384',
  'hmac-sha512-256': 'SHA512',
};

const STATUS_DESCRIPTION: Readonly<Record<string, string>> = {
  CONNECTING: 'Negotiation in progress',
  ESTABLISHED: 'Negotiation done',
  DELETING: 'Deleting IKE SA',
};

const NAT_T: Readonly<Record<Ikev2SaInfo['nat'], string>> = {
  none: 'NAT-T is not detected',
  local: 'NAT-T is detected inside',
  remote: 'NAT-T is detected outside',
};

/** Two columns, the second at column 34 as IOS aligns "Remote ...". */
const pair = (left: string, right: string): string => `      ${left.padEnd(34)}${right}`;

function detailLines(sa: Ikev2SaInfo): string[] {
  const [local, remote] = sa.role === 'initiator' ? [sa.spiI, sa.spiR] : [sa.spiR, sa.spiI];
  // A window of one (RFC 7296 §2.3): the request in flight is the last one numbered.
  const ours = String(sa.nextRequestId);
  const theirs = String(sa.nextPeerRequestId);
  return [
    `      CE id: 0, Session-id: ${sa.id}`,
    `      Status Description: ${STATUS_DESCRIPTION[sa.state] ?? sa.state}`,
    `      Local spi: ${local.toUpperCase()}       Remote spi: ${remote.toUpperCase()}`,
    `      Local id: ${sa.localId}`,
    `      Remote id: ${sa.peerId ?? ''}`,
    pair(`Local req msg id:  ${ours}`, `Remote req msg id:  ${theirs}`),
    pair(`Local next msg id: ${ours}`, `Remote next msg id: ${theirs}`),
    pair(`Local req queued:  ${ours}`, `Remote req queued:  ${theirs}`),
    pair('Local window:      1', 'Remote window:      1'),
    '      DPD configured for 0 seconds, retry 0',
    '      Fragmentation not configured.',
    '      Extended Authentication not configured.',
    `      ${NAT_T[sa.nat]}`,
    '      Cisco Trust Security SGT is disabled',
    `      Initiator of SA : ${sa.role === 'initiator' ? 'Yes' : 'No'}`,
  ];
}

function row(sa: Ikev2SaInfo, index: number, detailed: boolean): string[] {
  const local = `${sa.localAddress}/${sa.localPort}`;
  const remote = `${sa.peerAddress}/${sa.peerPort}`;
  const head = `${String(index).padEnd(10)}${local.padEnd(22)}${remote.padEnd(22)}${'none/none'.padEnd(21)}${STATUS[sa.state] ?? sa.state}`;
  if (sa.encryption === undefined) return [head];
  const cipher = CIPHER[sa.encryption] ?? sa.encryption.toUpperCase();
  const hash = sa.integrity ? (HASH[sa.integrity] ?? sa.integrity) : 'None';
  return [
    head,
    `      Encr: ${cipher}, keysize: ${sa.keyBits ?? 0}, PRF: ${HASH[sa.prf ?? ''] ?? sa.prf}, Hash: ${hash}, DH Grp:${sa.dhGroup ?? 0}, Auth sign: PSK, Auth verify: PSK`,
    `      Life/Active Time: ${sa.lifetimeSeconds}/${sa.activeSeconds} sec`,
    ...(detailed ? detailLines(sa) : []),
  ];
}

/** `show crypto ikev2 sa [detailed]`. */
export function formatIkev2Sa(sas: readonly Ikev2SaInfo[], detailed = false): string {
  const v4 = sas.filter((s) => !s.localAddress.includes(':'));
  const v6 = sas.filter((s) => s.localAddress.includes(':'));
  const block = (title: string, list: readonly Ikev2SaInfo[]): string[] =>
    list.length === 0
      ? [` ${title} Crypto IKEv2  SA `, '']
      : [
          ` ${title} Crypto IKEv2  SA `,
          '',
          `${'Tunnel-id'.padEnd(10)}${'Local'.padEnd(22)}${'Remote'.padEnd(22)}${'fvrf/ivrf'.padEnd(21)}Status `,
          ...list.flatMap((sa) => [...row(sa, sa.id, detailed), '']),
        ];
  return [...block('IPv4', v4), ...block('IPv6', v6)].join('\n') + '\n';
}
