// IOS `debug crypto isakmp` / `debug crypto ipsec` lines for the IKE engine's events, in the
// wording of the chapter's Examples 13-3 and 13-5 ("ISAKMP (0:1): sending packet to
// 172.16.172.20 (I) MM_NO_STATE"). Refusals also say what mismatched (STYLE.md §6).

import type { IkeEvent, SaPairSummary } from '../ike/index.js';
import type { TrafficSelector } from '../policy/model.js';
import { proxyIdText } from '../policy/proxyId.js';
import { Phase1Attr } from '../wire/index.js';
import { phase1AttributeText } from './decodeVocabulary.js';
import { modeConfigLines, xauthLines } from './debugRemoteAccess.js';
import { tedLines } from './debugTed.js';

const ENC: Readonly<Record<string, string>> = {
  des: 'DES-CBC',
  '3des': '3DES-CBC',
  aes: 'AES-CBC',
  aes192: 'AES-CBC',
  aes256: 'AES-CBC',
};
const HASH: Readonly<Record<string, string>> = {
  md5: 'MD5',
  sha: 'SHA',
  sha256: 'SHA256',
  sha384: 'SHA384',
  sha512: 'SHA512',
};
const AUTH: Readonly<Record<string, string>> = {
  'pre-share': 'pre-share',
  'rsa-sig': 'RSA sig',
  'rsa-encr': 'RSA encr',
  'rsa-encr-revised': 'RSA revised encr',
};
const VID: Readonly<Record<string, string>> = {
  'RFC 3947': 'NAT-T RFC 3947',
  'draft-ietf-ipsec-nat-t-ike-03': 'NAT-T v3',
  'draft-ietf-ipsec-nat-t-ike-02': 'NAT-T v2',
  'draft-ietf-ipsec-nat-t-ike-02\\n': 'NAT-T v2',
  XAuth: 'XAUTH',
};
const MISMATCH: Readonly<Record<string, string>> = {
  encryption: 'Encryption algorithm offered does not match policy!',
  hash: 'Hash algorithm offered does not match policy!',
  authentication: 'Authentication method offered does not match policy!',
  group: 'Diffie-Hellman group offered does not match policy!',
  lifetime: 'Life duration offered is longer than policy!',
};

/** A policy's method by its IOS keyword, another by its IANA name (65001: XAUTHInitPreShared). */
function authLabel(method: string): string {
  const known = AUTH[method];
  if (known !== undefined) return known;
  return /^\d+$/.test(method)
    ? phase1AttributeText(Phase1Attr.AUTHENTICATION_METHOD, Number(method)).replace(/^auth /, '')
    : method;
}

function tag(connId: number): string {
  return `ISAKMP (0:${connId}):`;
}

/** IOS prints 32-bit TLV durations as "(VPI) of  0x0 0x1 0x51 0x80", small ones as "(basic) of 3600". */
export function lifeDuration(v: number): string {
  if (v <= 0xffff) return `(basic) of ${v}`;
  const b = [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
  return `(VPI) of  ${b.map((x) => `0x${x.toString(16)}`).join(' ')}`;
}

function proxies(s: TrafficSelector): [string, string] {
  return [
    proxyIdText(s.localStart, s.localEnd, s.protocol, s.localPortStart, s.localPortEnd),
    proxyIdText(s.remoteStart, s.remoteEnd, s.protocol, s.remotePortStart, s.remotePortEnd),
  ];
}

function hex8(n: number): string {
  return n.toString(16).toUpperCase().padStart(8, '0');
}

function keyEngine(
  kind: string,
  dir: 'INBOUND' | 'OUTBOUND',
  local: string,
  remote: string,
  s: TrafficSelector,
  protocol: string,
  transform: string,
  life: string,
  spi: number,
  flags: string,
): string[] {
  const [lp, rp] = proxies(s);
  return [
    `IPSEC(${kind}): ,`,
    `  (key eng. msg.) ${dir} local= ${local}, remote= ${remote},`,
    `    local_proxy= ${lp},`,
    `    remote_proxy= ${rp},`,
    `    protocol= ${protocol}, transform= ${transform} ,`,
    `    lifedur= ${life},`,
    `    spi= 0x${hex8(spi)}(${spi}), conn_id= 0, keysize= 0, flags= ${flags}`,
  ];
}

function created(e: Extract<IkeEvent, { type: 'ipsecSasCreated' }>): string[] {
  const lines = [`${tag(e.connId)} Creating IPsec SAs`];
  const s = e.selector;
  for (const p of e.pairs) {
    const signed = p.outboundSpi | 0;
    lines.push(
      `  inbound SA from ${e.remote} to ${e.local}`,
      `   (proxy ${s.remoteStart} to ${s.localStart})`,
      `  has spi 0x${hex8(p.inboundSpi)} and conn_id 0 and flags 4`,
      `  lifetime of ${p.lifetimeSeconds} seconds`,
      `  lifetime of ${p.lifetimeKilobytes} kilobytes`,
      `  outbound SA from ${e.local} to ${e.remote}`,
      `   (proxy ${s.localStart} to ${s.remoteStart})`,
      `  has spi ${signed} and conn_id 0 and flags C`,
      `  lifetime of ${p.lifetimeSeconds} seconds`,
      `  lifetime of ${p.lifetimeKilobytes} kilobytes`,
    );
  }
  lines.push('IPSEC(key_engine): got a queue event...');
  for (const p of e.pairs) {
    const proto = p.protocol === 'ah' ? 'AH' : 'ESP';
    const life = `${p.lifetimeSeconds}s and ${p.lifetimeKilobytes}kb`;
    lines.push(
      ...keyEngine(
        'initialize_sas',
        'INBOUND',
        e.local,
        e.remote,
        s,
        proto,
        p.transform,
        life,
        p.inboundSpi,
        '0x4',
      ),
    );
    lines.push(
      ...keyEngine(
        'initialize_sas',
        'OUTBOUND',
        e.local,
        e.remote,
        s,
        proto,
        p.transform,
        life,
        p.outboundSpi,
        '0xC',
      ),
    );
  }
  for (const p of e.pairs) lines.push(...createSa(e.local, p, 'in'), ...createSa(e.remote, p, 'out'));
  return lines;
}

function createSa(dest: string, p: SaPairSummary, dir: 'in' | 'out'): string[] {
  const spi = dir === 'in' ? p.inboundSpi : p.outboundSpi;
  return [
    'IPSEC(create_sa): sa created,',
    `  (sa) sa_dest= ${dest}, sa_prot= ${p.protocol === 'ah' ? 51 : 50},`,
    `    sa_spi= 0x${hex8(spi)}(${spi}),`,
    `    sa_trans= ${p.transform} , sa_conn_id= 0`,
  ];
}

/** `debug crypto engine` lines of phase 1, as Example 13-9 prints them. */
const ENGINE_LINES: Readonly<
  Record<Extract<IkeEvent, { type: 'cryptoEngine' }>['operation'], (connId: number) => string[]>
> = {
  'dh-keypair': () => ['Crypto engine 0: generate alg param', 'CRYPTO_ENGINE: Dh phase 1 status: 0'],
  'dh-shared': () => ['Crypto engine 0: generate alg param'],
  skeyid: (connId) => [`Crypto engine 0: create ISAKMP SKEYID for conn id ${connId}`],
  hmac: (connId) => [`generate hmac context for conn id ${connId}`],
};

/** The debug lines one event prints (without timestamps). */
export function debugIsakmpLines(e: IkeEvent): string[] {
  switch (e.type) {
    case 'state':
      return [
        e.node !== undefined
          ? `${tag(e.connId)} Node ${e.node}, Input = ${e.input}`
          : `${tag(e.connId)} Input = ${e.input}`,
        `Old State = ${e.from} New State = ${e.to}`,
      ];
    case 'packet': {
      if (e.direction === 'received') {
        const l = [`${tag(e.connId)} received packet from ${e.peer} (${e.role}) ${e.state}`];
        if (e.state === 'NEW SA') l.push(`ISAKMP: local port ${e.localPort}, remote port ${e.peerPort}`);
        return l;
      }
      return [`${tag(e.connId)} sending packet to ${e.peer} (${e.role}) ${e.state}`];
    }
    case 'phase1Start':
      return [
        'ISAKMP: received ke message (1/1)',
        `ISAKMP: local port ${e.localPort}, remote port ${e.peerPort}`,
      ];
    case 'begin':
      if (e.exchange === 'quick')
        return [`${tag(e.connId)} beginning Quick Mode exchange, M-ID of ${e.messageId ?? 0}`];
      return [`${tag(e.connId)} beginning ${e.exchange === 'main' ? 'Main' : 'Aggressive'} Mode exchange`];
    case 'processing':
      if (e.payload === 'vendor id') return [`${tag(e.connId)} processing vendor id payload`];
      return [`${tag(e.connId)} processing ${e.payload} payload. message ID = ${e.messageId}`];
    case 'pskFound':
      return [`${tag(e.connId)} found peer pre-shared key matching ${e.match}`];
    case 'pskMissing':
      return [`${tag(e.connId)} No pre-shared key with ${e.peer}!`];
    case 'phase1Check': {
      const o = e.check.offer;
      const lines = [
        `${tag(e.connId)} Checking ISAKMP transform ${e.check.transformNumber} against priority ${e.check.priority} policy`,
      ];
      lines.push(`ISAKMP:      encryption ${ENC[String(o.encryption)] ?? String(o.encryption)}`);
      if (o.encryption === 'aes' || o.encryption === 'aes192' || o.encryption === 'aes256')
        lines.push(`ISAKMP:      keylength of ${o.encryption === 'aes' ? 128 : o.encryption.slice(3)}`);
      lines.push(
        `ISAKMP:      hash ${HASH[String(o.hash)] ?? String(o.hash)}`,
        `ISAKMP:      default group ${o.group}`,
        `ISAKMP:      auth ${authLabel(String(o.authentication))}`,
      );
      if (o.lifetimeSeconds !== undefined)
        lines.push(
          'ISAKMP:      life type in seconds',
          `ISAKMP:      life duration ${lifeDuration(o.lifetimeSeconds)}`,
        );
      if (o.lifetimeKilobytes !== undefined)
        lines.push(
          'ISAKMP:      life type in kilobytes',
          `ISAKMP:      life duration ${lifeDuration(o.lifetimeKilobytes)}`,
        );
      const m = e.check.mismatch;
      if (!m) lines.push(`${tag(e.connId)} atts are acceptable. Next payload is ${e.nextPayload}`);
      else
        lines.push(
          `${tag(e.connId)} ${MISMATCH[m.attribute] ?? 'attributes do not match policy!'}`,
          `${tag(e.connId)} atts are not acceptable. Next payload is ${e.nextPayload}`,
          `${tag(e.connId)} transform ${e.check.transformNumber}: ${m.attribute} ${m.attribute === 'authentication' ? authLabel(m.theirs) : m.theirs} offered, policy ${e.check.priority} wants ${m.ours}`,
        );
      return lines;
    }
    case 'phase1NoProposal':
      return [
        `${tag(e.connId)} no offers accepted!`,
        `%CRYPTO-6-IKMP_MODE_FAILURE: Processing of Main mode failed with peer at ${e.peer}`,
      ];
    case 'phase2Proposal': {
      const lines = [`${tag(e.connId)} Checking IPsec proposal ${e.proposalNumber}`];
      for (const t of e.transforms)
        lines.push(
          `ISAKMP: transform ${t.number}, ${t.id}`,
          'ISAKMP:   attributes in transform:',
          ...t.attributes.map((a) => `ISAKMP:     ${a}`),
        );
      return lines;
    }
    case 'phase2Check': {
      const m = e.check.mismatch;
      if (!m) return [`${tag(e.connId)} atts are acceptable.`];
      return [
        `${tag(e.connId)} atts are not acceptable.`,
        `${tag(e.connId)} IPsec proposal ${e.check.proposalNumber} vs transform set ${e.check.transformSet}: ${m.attribute} ${m.theirs} offered, we want ${m.ours}`,
      ];
    }
    case 'skeyid':
      return [`${tag(e.connId)} SKEYID state generated`];
    case 'ipcomp':
      return e.choice
        ? [
            `${tag(e.connId)} IPComp ${e.choice.algorithm === 'lzs' ? 'comp-lzs' : 'comp-deflate'} for node ${e.messageId}: inbound CPI 0x${e.choice.inboundCpi.toString(16).toUpperCase()}, outbound CPI 0x${e.choice.outboundCpi.toString(16).toUpperCase()}`,
          ]
        : [`${tag(e.connId)} IPComp not used for node ${e.messageId}: ${e.declined ?? ''}`];
    case 'vendorId':
      // Examples 13-3 and 13-5: IOS names its own vendor ID this way.
      if (e.name === 'Cisco IOS') return [`${tag(e.connId)} speaking to another IOS box!`];
      return [`${tag(e.connId)} vendor ID is ${VID[e.name] ?? e.name}`];
    case 'authMethod':
      return [
        // Example 13-12: IOS 11.3 looks for a DN in its router certificate first.
        ...(e.noRouterCert ? [`${tag(e.connId)} Unable to get router cert to find DN!`] : []),
        e.idType === undefined
          ? `${tag(e.connId)} SA is doing ${e.method} authentication`
          : `${tag(e.connId)} SA is doing ${e.method} authentication using id type ${e.idType}`,
      ];
    case 'cryptoEngine':
      return ENGINE_LINES[e.operation](e.connId);
    case 'idPayload':
      return [
        `ISAKMP (${e.connId}): ID payload`,
        '      next-payload : 8',
        `      type         : ${e.idType}`,
        `      protocol     : ${e.protocol}`,
        `      port         : ${e.port}`,
        `      length       : ${e.length}`,
        `ISAKMP (${e.connId}): Total payload length: ${e.length + 4}`,
      ];
    case 'authenticated':
      return [`${tag(e.connId)} SA has been authenticated with ${e.peer}`];
    case 'certApproved':
      return [
        `${tag(e.connId)} cert approved${e.warning ? ' with warning' : ''}`,
        `${tag(e.connId)} certificate subject ${e.subject}${e.warning ? ` (${e.warning})` : ''}`,
      ];
    case 'certRefused':
      return [
        `%CRYPTO-5-IKMP_INVAL_CERT: Certificate received from ${e.peer} failed validation`,
        `${tag(e.connId)} certificate refused: ${e.reason}`,
      ];
    case 'rsa':
      return [
        e.operation === 'sign'
          ? 'Crypto engine 0: RSA encrypt with private key'
          : 'Crypto engine 0: RSA decrypt with public key',
      ];
    case 'authFailed':
      return [
        `%CRYPTO-4-IKMP_BAD_MESSAGE: IKE message from ${e.peer} failed its sanity check or is malformed`,
        `${tag(e.connId)} authentication failed: ${e.reason}`,
      ];
    case 'natDetected': {
      const what =
        e.localBehindNat && e.peerBehindNat
          ? 'NAT found, both nodes inside NAT'
          : e.localBehindNat
            ? 'NAT found, the node inside NAT'
            : e.peerBehindNat
              ? 'NAT found, the node outside NAT'
              : 'No NAT Found for self or peer';
      return [`${tag(e.connId)} ${what}${e.forced ? ' (UDP encapsulation forced)' : ''}`];
    }
    case 'float':
      return [`${tag(e.connId)} NAT-T: moving to port ${e.localPort}, remote port ${e.peerPort}`];
    case 'saRequest': {
      const life = `${e.lifetimeSeconds}s and ${e.lifetimeKilobytes}kb`;
      return keyEngine(
        'sa_request',
        'OUTBOUND',
        e.local,
        e.remote,
        e.selector,
        'ESP',
        e.transform,
        life,
        e.spi,
        '0x400C',
      );
    }
    case 'spiRequest':
      return [`${tag(e.connId)} asking for ${e.count} spis from ipsec`];
    case 'ipsecSasCreated':
      return created(e);
    case 'ipsecSasDeleted':
      return [
        `IPSEC(delete_sa): deleting SAs with ${e.peer}, spis ${e.spis.map((s) => `0x${hex8(s)}`).join(' ')} (${e.reason})`,
      ];
    case 'nodeDeleted':
      return [
        `${tag(e.connId)} deleting node ${e.messageId} error ${e.error ? 'TRUE' : 'FALSE'} reason "${e.reason}"`,
      ];
    case 'ikeSaCreated':
      return [];
    case 'ikeSaDeleted':
      return [`${tag(e.connId)} deleting SA reason "${e.reason}" with ${e.peer}`];
    case 'notifySent':
      return [
        `${tag(e.connId)} sending NOTIFY ${e.notify} protocol ${e.protocol ?? 1}${e.detail ? ` (${e.detail})` : ''}`,
      ];
    case 'notifyReceived':
      return [
        `${tag(e.connId)} processing NOTIFY ${e.notify} protocol ${e.protocol ?? 1}${e.authenticated ? '' : ' (unauthenticated)'}`,
      ];
    case 'deleteReceived':
      return [`${tag(e.connId)} peer deletes ${e.protocol.toUpperCase()} SA ${e.spis.join(' ')}`];
    case 'responderLifetime':
      return [
        `${tag(e.connId)} responder lifetime ${e.seconds}s and ${e.kilobytes}kb for node ${e.messageId}`,
      ];
    case 'retransmit':
      return [
        `${tag(e.connId)} retransmitting ${e.messageId === 0 ? 'phase 1' : `phase 2 node ${e.messageId}`}${e.state !== undefined ? ` ${e.state}` : ''}... (retransmission ${e.count})`,
      ];
    case 'duplicate':
      return [
        `${tag(e.connId)} received duplicate packet, message ID = ${e.messageId}${e.resent ? ', resending last reply' : ''}`,
      ];
    case 'drop':
      return [`${tag(e.connId)} dropping packet from ${e.peer}: ${e.reason}`];
    case 'giveUp':
      return [
        `${tag(e.connId)} peer ${e.peer} not answering, giving up on ${e.messageId === 0 ? 'phase 1' : `node ${e.messageId}`}: ${e.reason}`,
      ];
    case 'peerRefused':
      return [
        `${tag(e.connId)} peer ${e.peer} refused ${e.messageId === 0 ? 'phase 1' : `quick mode ${e.messageId}`}: ${e.notify}${e.authenticated ? '' : ' (unauthenticated notify)'}`,
      ];
    case 'acquireFailed':
      return [
        `IPSEC(sa_request): no SAs with ${e.peer} for ${proxies(e.selector).join(' -> ')}: ${e.reason}`,
      ];
    case 'proxyIdRefused':
      return [
        'IPSEC(validate_transform_proposal): proxy identities not supported',
        `${tag(e.connId)} peer ${e.peer} offered ${e.theirs}; we protect ${e.ours}`,
      ];
    case 'invalidSpi':
      return [
        `${tag(e.connId)} INVALID-SPI ${e.direction === 'sent' ? 'to' : 'from'} ${e.peer}: ${e.protocol.toUpperCase()} SPI 0x${hex8(e.spi)}, ${e.action}`,
      ];
    case 'rekey':
      return [
        `${tag(e.connId)} rekeying ${e.what === 'ipsec' ? `IPsec SA${e.spi !== undefined ? ` 0x${hex8(e.spi)}` : ''}` : 'ISAKMP SA'}`,
      ];
    case 'dpd':
      return [`${tag(e.connId)} DPD ${e.kind} ${e.direction}, sequence ${e.sequence}`];
    case 'peerDead':
      return [
        `${tag(e.connId)} peer ${e.peer} is dead (no R-U-THERE-ACK after ${e.tries} tries): clearing its SAs`,
      ];
    case 'tedRequest':
    case 'tedDiscovered':
    case 'tedRefused':
    case 'tedFailed':
    case 'tedAnswered':
      return tedLines(e);
    case 'xauth':
      return xauthLines(e);
    case 'modeConfig':
      return modeConfigLines(e);
    default:
      return [];
  }
}

/** A whole trace, one line each, with an optional timestamp prefix ("00:04:10: "). */
export function renderDebugIsakmp(events: readonly IkeEvent[], prefix = ''): string {
  return events
    .flatMap((e) =>
      debugIsakmpLines(e).map((l) => (l.startsWith('Old State') || l.startsWith(' ') ? l : prefix + l)),
    )
    .join('\n');
}
