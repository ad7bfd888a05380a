// Everything the engine reports (DESIGN.md principle 5). Plain data: observe renders these
// as IOS `debug crypto isakmp` / `debug crypto ipsec` lines (src/observe/debugIsakmp.ts),
// JSON or counters. State names are the chapter's (Examples 13-3 and 13-5).

import type { Phase1Check } from '../policy/proposal.js';
import type { Phase2Check } from '../policy/proposalPhase2.js';
import type { TrafficSelector } from '../policy/model.js';

/** `show crypto isakmp sa` states. */
export type IsakmpState =
  | 'MM_NO_STATE'
  | 'MM_SA_SETUP'
  | 'MM_KEY_EXCH'
  | 'AG_INIT_EXCH'
  | 'QM_IDLE'
  | 'MM_NO_STATE (deleted)'
  /** Phase 1.5, as IOS shows a client during XAUTH and Mode Config. */
  | 'CONF_XAUTH'
  | 'CONF_ADDR'
  /** A Tunnel Endpoint Discovery probe and its answer (Examples 13-26 and 13-28). */
  | 'PEER_DISCOVERY';

/** The finer IKE SA machine states the debug prints as "Old State = X New State = Y". */
export type Phase1State =
  | 'IKE_READY'
  | 'IKE_I_MM1'
  | 'IKE_I_MM2'
  | 'IKE_I_MM3'
  | 'IKE_I_MM4'
  | 'IKE_I_MM5'
  | 'IKE_I_MM6'
  | 'IKE_R_MM1'
  | 'IKE_R_MM2'
  | 'IKE_R_MM3'
  | 'IKE_R_MM4'
  | 'IKE_R_MM5'
  | 'IKE_I_AM1'
  | 'IKE_I_AM2'
  | 'IKE_R_AM1'
  | 'IKE_R_AM2'
  | 'IKE_P1_COMPLETE'
  | 'IKE_DEST_SA';

export type QuickModeState =
  'IKE_QM_READY' | 'IKE_QM_I_QM1' | 'IKE_QM_SPI_STARVE' | 'IKE_QM_R_QM2' | 'IKE_QM_PHASE2_COMPLETE';

export type Role = 'I' | 'R' | 'N';

export interface SaPairSummary {
  readonly protocol: 'esp' | 'ah';
  readonly transform: string; // "esp-3des esp-md5-hmac"
  readonly inboundSpi: number;
  readonly outboundSpi: number;
  readonly lifetimeSeconds: number;
  readonly lifetimeKilobytes: number;
}

export type IkeEvent =
  /** IOS "Input = X, Y / Old State = A New State = B"; `node` for quick mode (message ID). */
  | {
      readonly type: 'state';
      readonly connId: number;
      readonly node?: number;
      readonly input: string;
      readonly from: Phase1State | QuickModeState;
      readonly to: Phase1State | QuickModeState;
    }
  | {
      readonly type: 'packet';
      readonly connId: number;
      readonly direction: 'sent' | 'received';
      readonly peer: string;
      readonly localPort: number;
      readonly peerPort: number;
      readonly role: Role;
      /** `show crypto isakmp sa` state at the time, or "NEW SA" for a first message. */
      readonly state: IsakmpState | 'NEW SA';
      readonly exchange: 'ID_PROT' | 'AGGRESSIVE' | 'QUICK_MODE' | 'INFORMATIONAL_V1' | string;
      readonly messageId: number;
      /** charon-style payload list: ["SA", "V", "V"], ["ID", "HASH", "N(INITIAL_CONTACT)"]. */
      readonly payloads: readonly string[];
      readonly retransmission?: boolean;
    }
  /** Our side opens an IKE SA for an IPsec request ("received ke message (1/1)"). */
  | {
      readonly type: 'phase1Start';
      readonly connId: number;
      readonly peer: string;
      readonly localPort: number;
      readonly peerPort: number;
    }
  | {
      readonly type: 'begin';
      readonly connId: number;
      readonly exchange: 'main' | 'aggressive' | 'quick';
      readonly messageId?: number;
    }
  | {
      readonly type: 'processing';
      readonly connId: number;
      readonly payload:
        | 'SA'
        | 'KE'
        | 'NONCE'
        | 'ID'
        | 'HASH'
        | 'CERT'
        | 'CERT_REQ'
        | 'SIG'
        | 'vendor id'
        | 'NOTIFY'
        | 'DELETE'
        | 'NAT-D';
      readonly messageId: number;
    }
  | { readonly type: 'pskFound'; readonly connId: number; readonly match: string }
  | { readonly type: 'pskMissing'; readonly connId: number; readonly peer: string }
  | {
      readonly type: 'phase1Check';
      readonly connId: number;
      readonly check: Phase1Check;
      readonly nextPayload: number;
    }
  | { readonly type: 'phase1NoProposal'; readonly connId: number; readonly peer: string }
  | {
      readonly type: 'phase2Proposal';
      readonly connId: number;
      readonly messageId: number;
      readonly proposalNumber: number;
      readonly transforms: readonly Phase2TransformDescription[];
    }
  | {
      readonly type: 'phase2Check';
      readonly connId: number;
      readonly messageId: number;
      readonly check: Phase2Check;
    }
  | {
      /** IPComp in a quick mode: taken (the two CPIs) or declined, and why. */
      readonly type: 'ipcomp';
      readonly connId: number;
      readonly messageId: number;
      readonly choice?: {
        readonly algorithm: 'lzs' | 'deflate';
        readonly inboundCpi: number;
        readonly outboundCpi: number;
      };
      readonly declined?: string;
    }
  | { readonly type: 'skeyid'; readonly connId: number }
  /** Interesting traffic of a `discover` dynamic map with no peer: TED starts (Example 13-26). */
  | {
      readonly type: 'tedRequest';
      readonly connId: number;
      /** The packet's addresses: the probe goes to its destination. */
      readonly source: string;
      readonly destination: string;
      readonly myAddress: string;
      readonly selector: TrafficSelector;
      readonly transform: string;
      readonly lifetimeSeconds: number;
      readonly lifetimeKilobytes: number;
    }
  /** A discovery response named the gateway protecting the destination, and its proxy. */
  | {
      readonly type: 'tedDiscovered';
      readonly connId: number;
      readonly peer: string;
      readonly selector: TrafficSelector;
    }
  /** A discovery response we could not use; the probe goes on. */
  | { readonly type: 'tedRefused'; readonly connId: number; readonly from: string; readonly reason: string }
  /** No gateway answered the probe: the traffic has no tunnel endpoint. */
  | {
      readonly type: 'tedFailed';
      readonly connId: number;
      readonly destination: string;
      readonly selector: TrafficSelector;
      readonly transmissions: number;
    }
  /** Responder: a probe for a network we protect, answered (Example 13-28). */
  | {
      readonly type: 'tedAnswered';
      readonly connId: number;
      /** The initiator's IKE address (its first ID payload) and where the answer goes. */
      readonly peer: string;
      readonly to: string;
      /** Our view: local = our protected network, remote = the prober's source proxy. */
      readonly selector: TrafficSelector;
    }
  | { readonly type: 'vendorId'; readonly connId: number; readonly name: string }
  /** The method in use: when the policy is chosen (IOS 11.3, Example 13-9), or with the ID's type. */
  | {
      readonly type: 'authMethod';
      readonly connId: number;
      readonly method: string;
      readonly idType?: string;
      /** Encrypted nonces without a router certificate for our key (Example 13-12). */
      readonly noRouterCert?: boolean;
    }
  /** A crypto engine step of phase 1 (`debug crypto engine`, Example 13-9). */
  | {
      readonly type: 'cryptoEngine';
      readonly connId: number;
      readonly operation: 'dh-keypair' | 'dh-shared' | 'skeyid' | 'hmac';
    }
  | {
      readonly type: 'idPayload';
      readonly connId: number;
      readonly idType: number;
      readonly protocol: number;
      readonly port: number;
      readonly length: number;
    }
  | { readonly type: 'authenticated'; readonly connId: number; readonly peer: string }
  /** The peer's certificate passed path validation, CRL and identity checks (Example 13-9). */
  | {
      readonly type: 'certApproved';
      readonly connId: number;
      readonly subject: string;
      readonly warning?: string;
    }
  | { readonly type: 'certRefused'; readonly connId: number; readonly peer: string; readonly reason: string }
  /** An RSA operation of signature authentication: sign HASH_I/R, or verify the peer's SIG. */
  | { readonly type: 'rsa'; readonly connId: number; readonly operation: 'sign' | 'verify' }
  | { readonly type: 'authFailed'; readonly connId: number; readonly peer: string; readonly reason: string }
  | {
      readonly type: 'natDetected';
      readonly connId: number;
      readonly localBehindNat: boolean;
      readonly peerBehindNat: boolean;
      readonly forced: boolean;
    }
  | { readonly type: 'float'; readonly connId: number; readonly localPort: number; readonly peerPort: number }
  | {
      readonly type: 'saRequest';
      readonly local: string;
      readonly remote: string;
      readonly selector: TrafficSelector;
      readonly transform: string;
      readonly lifetimeSeconds: number;
      readonly lifetimeKilobytes: number;
      readonly spi: number;
    }
  | {
      readonly type: 'spiRequest';
      readonly connId: number;
      readonly messageId: number;
      readonly count: number;
    }
  | {
      readonly type: 'ipsecSasCreated';
      readonly connId: number;
      readonly messageId: number;
      readonly local: string;
      readonly remote: string;
      readonly selector: TrafficSelector;
      readonly pairs: readonly SaPairSummary[];
      readonly pfsGroup?: number;
    }
  | {
      readonly type: 'ipsecSasDeleted';
      readonly connId: number;
      readonly peer: string;
      readonly spis: readonly number[];
      readonly reason: string;
    }
  | {
      readonly type: 'nodeDeleted';
      readonly connId: number;
      readonly messageId: number;
      readonly error: boolean;
      readonly reason: string;
    }
  | {
      readonly type: 'ikeSaCreated';
      readonly connId: number;
      readonly peer: string;
      readonly role: 'initiator' | 'responder';
    }
  | { readonly type: 'ikeSaDeleted'; readonly connId: number; readonly peer: string; readonly reason: string }
  | {
      readonly type: 'notifySent';
      readonly connId: number;
      readonly notify: string;
      readonly detail?: string;
      /** RFC 2407 §4.4.1: 1 ISAKMP, 2 AH, 3 ESP. */
      readonly protocol?: number;
    }
  | {
      readonly type: 'notifyReceived';
      readonly connId: number;
      readonly notify: string;
      readonly authenticated: boolean;
      /** RFC 2407 §4.4.1: 1 ISAKMP, 2 AH, 3 ESP. */
      readonly protocol?: number;
    }
  | {
      readonly type: 'deleteReceived';
      readonly connId: number;
      readonly protocol: 'isakmp' | 'esp' | 'ah';
      readonly spis: readonly string[];
    }
  | {
      readonly type: 'responderLifetime';
      readonly connId: number;
      readonly messageId: number;
      readonly seconds: number;
      readonly kilobytes: number;
    }
  | {
      readonly type: 'retransmit';
      readonly connId: number;
      readonly messageId: number;
      readonly count: number;
      readonly peer: string;
      /** `show crypto isakmp sa` state, as IOS prints "retransmitting phase 1 MM_KEY_EXCH...". */
      readonly state?: string;
    }
  | {
      readonly type: 'duplicate';
      readonly connId: number;
      readonly messageId: number;
      readonly resent: boolean;
    }
  | { readonly type: 'drop'; readonly connId: number; readonly peer: string; readonly reason: string }
  | {
      readonly type: 'giveUp';
      readonly connId: number;
      readonly peer: string;
      readonly messageId: number;
      readonly reason: string;
    }
  /** The peer answered with an error notify: phase 1 (messageId 0) or a quick mode ended. */
  | {
      readonly type: 'peerRefused';
      readonly connId: number;
      readonly peer: string;
      readonly messageId: number;
      readonly notify: string;
      readonly authenticated: boolean;
    }
  /** A negotiation we started for traffic ended without SAs: its acquire is over. */
  | {
      readonly type: 'acquireFailed';
      readonly connId: number;
      readonly peer: string;
      readonly selector: TrafficSelector;
      readonly reason: string;
    }
  /** Responder: the proxy identities offered fit no crypto map entry; ours names what we protect. */
  | {
      readonly type: 'proxyIdRefused';
      readonly connId: number;
      readonly messageId: number;
      readonly peer: string;
      readonly ours: string;
      readonly theirs: string;
    }
  /** INVALID-SPI recovery: a notify sent for an SPI we do not hold, or one received for ours. */
  | {
      readonly type: 'invalidSpi';
      readonly connId: number;
      readonly peer: string;
      readonly direction: 'sent' | 'received';
      readonly protocol: 'esp' | 'ah';
      readonly spi: number;
      readonly action: string;
    }
  | {
      readonly type: 'rekey';
      readonly connId: number;
      readonly what: 'ipsec' | 'isakmp';
      readonly spi?: number;
    }
  | {
      readonly type: 'dpd';
      readonly connId: number;
      readonly kind: 'R_U_THERE' | 'R_U_THERE_ACK';
      readonly direction: 'sent' | 'received';
      readonly sequence: number;
    }
  /** RFC 3706 §5.5: no R-U-THERE-ACK after `tries` queries; the peer's SAs are cleared next. */
  | { readonly type: 'peerDead'; readonly connId: number; readonly peer: string; readonly tries: number }
  /** An XAUTH step (remoteAccess.ts); attribute names only, never a value. */
  | {
      readonly type: 'xauth';
      readonly connId: number;
      readonly peer: string;
      readonly step: XauthStep;
      readonly messageId?: number;
      readonly attributes?: readonly string[];
      readonly username?: string;
      readonly list?: string;
      readonly method?: string;
      readonly tries?: number;
      readonly status?: 'OK' | 'FAIL';
      readonly reason?: string;
    }
  /** A Mode Config step (remoteAccess.ts). */
  | {
      readonly type: 'modeConfig';
      readonly connId: number;
      readonly peer: string;
      readonly step: ModeConfigStep;
      readonly messageId?: number;
      readonly attributes?: readonly string[];
      readonly address?: string;
      /** `assigned`: what else the gateway gave the client. */
      readonly received?: ModeConfigReceived;
      /** `reply` and `set` (gateway): what the attributes carry besides the address. */
      readonly given?: ModeConfigReceived & { readonly savePassword?: boolean };
      /** The split tunnel ACL the UNITY_SPLIT_INCLUDE networks came from. */
      readonly splitAcl?: string;
      readonly accepted?: boolean;
      readonly reason?: string;
    };

/** A client's Mode Config beside its address: servers, domain, Cisco Unity split-include. */
export interface ModeConfigReceived {
  readonly netmask?: string;
  readonly dns: readonly string[];
  readonly wins: readonly string[];
  readonly domain?: string;
  /** UNITY_SPLIT_INCLUDE: the only networks to send through the tunnel. */
  readonly splitInclude: readonly { readonly address: string; readonly mask: string }[];
  /** UNITY_LOCAL_LAN: networks that stay outside the tunnel (the client's local LAN). */
  readonly localLan: readonly { readonly address: string; readonly mask: string }[];
}

/**
 * Server: need, request (REQUEST out), reply (REPLY in), verify (asking AAA), accepted,
 * rejected, set (SET STATUS out), ack, failed. Client: asked (REQUEST in), status (SET in), failed.
 */
export type XauthStep =
  | 'need'
  | 'request'
  | 'reply'
  | 'verify'
  | 'accepted'
  | 'rejected'
  | 'set'
  | 'ack'
  | 'failed'
  | 'asked'
  | 'status';

/** Server: set (push), ack, request (the client's REQUEST), reply, failed. Client: asking, assigned. */
export type ModeConfigStep = 'set' | 'ack' | 'request' | 'reply' | 'failed' | 'asking' | 'assigned';

/** One transform of a phase-2 proposal, as the debug prints it (Example 13-3). */
export interface Phase2TransformDescription {
  readonly number: number;
  readonly protocol: 'esp' | 'ah' | 'ipcomp';
  readonly id: string; // "ESP_3DES", "AH_SHA"
  readonly attributes: readonly string[]; // "encaps is 1", "SA life type in seconds", ...
}
