// The typed configuration model: what an IOS or PIX configuration means for IPsec.
// Produced by src/config (parsers) or loaded from JSON; consumed by the IKE engine, the
// data plane and the gateway. Everything here is plain data (JSON-serializable): addresses
// are dotted strings, lifetimes are numbers, no classes, no Buffers.

/** Where a model element came from, so later errors can name the file and line. */
import type { NatConfig, RouteMapEntry } from './natModel.js';
export interface SourceRef {
  readonly file: string;
  readonly line: number;
}

import type { Ikev2Settings } from './ikev2Model.js';

export type Ipv4 = string; // dotted quad, e.g. "172.16.172.20"

// ---------------------------------------------------------------- ISAKMP (phase 1)

export type IkeEncryption = 'des' | '3des' | 'aes' | 'aes192' | 'aes256';
export type IkeHash = 'md5' | 'sha' | 'sha256' | 'sha384' | 'sha512';
/** `rsa-encr-revised`: RFC 2409 §5.3's revised mode (method 5), typeswan's `authentication rsa-encr revised`. */
export type IkeAuthentication = 'pre-share' | 'rsa-sig' | 'rsa-encr' | 'rsa-encr-revised';
/** Diffie-Hellman group numbers (IANA / RFC 2409 / RFC 3526 / RFC 5903 / RFC 8031). */
export type DhGroup = 1 | 2 | 5 | 14 | 15 | 16 | 17 | 18 | 19 | 20 | 21 | 31;

/** `crypto isakmp policy N` (IOS) or `isakmp policy N ...` (PIX). */
export interface IsakmpPolicy {
  readonly priority: number; // 1..10000; 65535 is the IOS default policy
  readonly encryption: IkeEncryption; // default des
  readonly hash: IkeHash; // default sha
  readonly authentication: IkeAuthentication; // default rsa-sig
  readonly group: DhGroup; // default 1
  readonly lifetimeSeconds: number; // default 86400
  readonly at?: SourceRef;
}

/** `crypto isakmp key K address A [netmask M] [no-xauth] [no-config-mode]` or `... hostname H`. */
export interface PresharedKey {
  readonly key: string;
  /** Present for address keys; 0.0.0.0 with mask 0.0.0.0 is the wildcard. */
  readonly address?: Ipv4;
  readonly netmask?: Ipv4; // default 255.255.255.255
  /** Present for hostname keys (aggressive mode identity lookup). */
  readonly hostname?: string;
  /**
   * `crypto isakmp client configuration group NAME` / `key K`: the key of the VPN clients that
   * identify as ID_KEY_ID NAME (aggressive mode, group authentication).
   */
  readonly group?: string;
  readonly noXauth: boolean;
  readonly noConfigMode: boolean;
  readonly at?: SourceRef;
}

/** `crypto isakmp identity address|hostname|dn` (dn: the certificate's subject, ID_DER_ASN1_DN). */
export type IsakmpIdentity = 'address' | 'hostname' | 'dn';

export interface IsakmpGlobal {
  readonly identity: IsakmpIdentity; // default address
  /**
   * `crypto isakmp keepalive SECS [RETRY] [periodic|on-demand]` (DPD, RFC 3706); absent when not
   * configured. `mode` absent means on-demand, the IOS default.
   */
  readonly keepalive?: {
    readonly seconds: number;
    readonly retry: number;
    readonly mode?: 'periodic' | 'on-demand';
  };
  /** `crypto isakmp client configuration address-pool local P`. */
  readonly clientAddressPool?: string;
  /** `isakmp enable IF` (PIX); IOS enables ISAKMP wherever a crypto map is applied. */
  readonly enabledInterfaces: readonly string[];
  /** Added (config): PIX `isakmp client configuration address-pool local P IF` names the interface. */
  readonly clientAddressPoolInterface?: string;
  /** Added (config): lines of the commands above, for messages naming them. */
  readonly sourceLines?: {
    readonly identity?: number;
    readonly keepalive?: number;
    readonly clientAddressPool?: number;
  };
}

// ---------------------------------------------------------------- IPsec (phase 2)

export type EspEncryption =
  | 'esp-des'
  | 'esp-3des'
  | 'esp-aes' // key size in EspTransform.keyBits: 128 (default), 192, 256
  | 'esp-gcm' // AES-GCM, 16-byte ICV; keyBits 128 (default), 192, 256
  | 'esp-null';
export type EspIntegrity =
  'esp-md5-hmac' | 'esp-sha-hmac' | 'esp-sha256-hmac' | 'esp-sha384-hmac' | 'esp-sha512-hmac';
export type AhIntegrity =
  'ah-md5-hmac' | 'ah-sha-hmac' | 'ah-sha256-hmac' | 'ah-sha384-hmac' | 'ah-sha512-hmac';
export type IpsecMode = 'tunnel' | 'transport';

/** `crypto ipsec transform-set NAME t1 [t2 [t3]]` with `mode transport|tunnel`. */
export interface TransformSet {
  readonly name: string;
  readonly ah?: AhIntegrity;
  readonly espEncryption?: EspEncryption;
  readonly espKeyBits?: 128 | 192 | 256;
  readonly espIntegrity?: EspIntegrity;
  /** IPComp: `comp-lzs` (IOS) or `comp-deflate` (typeswan's, for peers with DEFLATE only). */
  readonly compression?: 'comp-lzs' | 'comp-deflate';
  readonly mode: IpsecMode; // default tunnel
  readonly at?: SourceRef;
}

export interface SaLifetime {
  readonly seconds: number; // IOS default 3600
  readonly kilobytes: number; // IOS default 4608000
}

// ---------------------------------------------------------------- access lists

export type AclProtocol = 'ip' | 'tcp' | 'udp' | 'icmp' | 'gre' | 'esp' | 'ahp' | number;

export interface AclAddress {
  /** `any` is 0.0.0.0 with wildcard 255.255.255.255; `host A` has wildcard 0.0.0.0. */
  readonly address: Ipv4;
  readonly wildcard: Ipv4; // IOS wildcard (inverse) mask; PIX netmasks are converted
}

export type PortMatch =
  | { readonly op: 'eq' | 'neq' | 'lt' | 'gt'; readonly port: number }
  | { readonly op: 'range'; readonly from: number; readonly to: number };

export interface AclEntry {
  readonly action: 'permit' | 'deny';
  readonly protocol: AclProtocol;
  readonly source: AclAddress;
  readonly sourcePort?: PortMatch;
  readonly destination: AclAddress;
  readonly destinationPort?: PortMatch;
  readonly at?: SourceRef;
}

/** Numbered (`access-list 101 ...`) or named (`ip access-list extended NAME`). */
export interface AccessList {
  readonly name: string; // "101" or the name
  readonly entries: readonly AclEntry[];
}

// ---------------------------------------------------------------- crypto maps

export interface CryptoMapEntry {
  readonly map: string;
  readonly seq: number;
  /** `ipsec-isakmp` (static) or `ipsec-isakmp dynamic D [discover]` (a dynamic-map reference). */
  readonly kind: 'ipsec-isakmp' | 'dynamic';
  readonly dynamicMap?: string;
  readonly discover?: boolean; // TED
  readonly peers: readonly Ipv4[]; // `set peer`, in order of preference
  readonly transformSets: readonly string[]; // `set transform-set`, names, in order
  readonly pfsGroup?: DhGroup; // `set pfs groupN`
  readonly lifetime?: Partial<SaLifetime>; // `set security-association lifetime`
  readonly matchAddress?: string; // ACL name
  /** Added (ikev2): `set ikev2-profile P`: the entry negotiates with IKEv2 under this profile. */
  readonly ikev2Profile?: string;
  readonly at?: SourceRef;
}

/** `crypto dynamic-map NAME SEQ` entries: the same fields, peers usually absent. */
export type DynamicMapEntry = Omit<CryptoMapEntry, 'kind' | 'dynamicMap' | 'discover'>;

export interface CryptoMapSettings {
  readonly name: string;
  readonly localAddressInterface?: string; // `crypto map NAME local-address IF`
  readonly clientAuthenticationList?: string; // `crypto map NAME client authentication list L`
  readonly clientConfiguration?: 'initiate' | 'respond';
  readonly isakmpAuthorizationList?: string;
  /** Added (config): every `client configuration address initiate|respond` line (both may be set). */
  readonly clientConfigurationModes?: readonly ('initiate' | 'respond')[];
  /** Added (config): PIX `crypto map NAME client authentication SERVER` (an `aaa-server` group). */
  readonly clientAuthenticationServer?: string;
  /** Added (config): lines of the commands above, for messages naming them. */
  readonly sourceLines?: {
    readonly localAddress?: number;
    readonly clientAuthentication?: number;
    readonly clientConfiguration?: number;
    readonly isakmpAuthorization?: number;
  };
}

// ---------------------------------------------------------------- interfaces, pools, users

export interface Interface {
  readonly name: string; // "Ethernet1/0", PIX "outside"
  readonly address?: Ipv4;
  readonly netmask?: Ipv4;
  readonly cryptoMap?: string; // applied map name
  readonly tunnel?: TunnelSettings;
  /** Added (config): `keepalive [SECS [RETRIES]]` (IOS: 10 s, 3); on a tunnel, GRE keepalives. */
  readonly keepalive?: { readonly period: number; readonly retries: number };
  /** Added (config): `ip mtu N`. */
  readonly ipMtu?: number;
  /** Added (config): `ip tcp adjust-mss N`. */
  readonly tcpAdjustMss?: number;
  readonly shutdown: boolean;
  readonly at?: SourceRef;
  /** Added (config): PIX hardware name from `nameif ethernet0 outside security0`. */
  readonly hardware?: string;
  /** Added (config): PIX security level from `nameif` (0 outside .. 100 inside). */
  readonly securityLevel?: number;
  /** Added (vpdn): `ip unnumbered IF` (a Virtual-Template borrows that interface's address). */
  readonly unnumbered?: string;
  /** Added (vpdn): `peer default ip address pool NAME`. */
  readonly peerPool?: string;
  /** Added (vpdn): `ppp authentication chap|ms-chap [...]`, in order. */
  readonly pppAuthentication?: readonly ('chap' | 'ms-chap')[];
  /** Added (nat): `ip nat inside|outside`. */
  readonly nat?: 'inside' | 'outside';
  /** Added (nat): `ip policy route-map NAME`. */
  readonly policyRouteMap?: string;
}

/**
 * Added (vpdn): `vpdn-group NAME` with `accept dialin l2tp virtual-template N` (IOS 12.0, one
 * line) or `accept-dialin` / `protocol l2tp` / `virtual-template N` (later IOS): an LNS.
 */
export interface VpdnGroup {
  readonly name: string;
  readonly acceptDialin?: { readonly protocol: 'l2tp'; readonly virtualTemplate: number };
  /** `no l2tp tunnel authentication` (false) or `l2tp tunnel authentication` (true, not supported). */
  readonly tunnelAuthentication: boolean;
  /** `l2tp tunnel hello N` seconds (IOS default 60). */
  readonly hello?: number;
  /** `local name X`: the Host Name AVP (default: the hostname). */
  readonly localName?: string;
  readonly at?: SourceRef;
}

/** `tunnel ...` of `interface TunnelN`. */
export interface TunnelSettings {
  /** An address or the name of the interface whose address is the source. */
  readonly source?: string;
  readonly destination?: Ipv4;
  /** `tunnel mode gre ip` (the default when absent), as typed after `mode`. */
  readonly mode?: string;
  /** Added (config): `tunnel key N` (RFC 2890 key, 0..4294967295). */
  readonly key?: number;
  /** Added (config): `tunnel sequence-datagrams` (RFC 2890 §2.2: send sequence numbers, drop out-of-order). */
  readonly sequenceDatagrams?: boolean;
  /** Added (config): `tunnel checksum` (RFC 2784 §2.5: send checksums, require them). */
  readonly checksum?: boolean;
}

/** Added (config): `ip route NETWORK MASK {INTERFACE [NEXT-HOP] | NEXT-HOP} [DISTANCE]`. */
export interface StaticRoute {
  readonly network: Ipv4;
  readonly mask: Ipv4;
  readonly interface?: string;
  readonly nextHop?: Ipv4;
  /** Administrative distance (1 by default; a floating static route has a higher one). */
  readonly distance: number;
  readonly at?: SourceRef;
}

export interface LocalPool {
  readonly name: string;
  readonly first: Ipv4;
  readonly last: Ipv4;
}

/**
 * Added (config): what Mode Config gives the VPN clients of a group, from IOS `crypto isakmp
 * client configuration group NAME` (`dns`, `wins`, `domain`, `pool`, `acl`, ...) or PIX
 * `vpngroup NAME ...` (`dns-server`, `wins-server`, `default-domain`, `address-pool`,
 * `split-tunnel`, `idle-time`). A client is in the group its ID_KEY_ID names (aggressive mode).
 */
export interface ClientGroup {
  readonly name: string;
  /** At most two of each, as IOS and the PIX take them. */
  readonly dns?: readonly Ipv4[];
  readonly wins?: readonly Ipv4[];
  readonly domain?: string;
  /** The group's `ip local pool`, instead of the ISAKMP one. */
  readonly pool?: string;
  /** Split tunnel: the ACL whose permit entries' sources are the UNITY_SPLIT_INCLUDE networks. */
  readonly splitAcl?: string;
  readonly savePassword?: boolean;
  readonly includeLocalLan?: boolean;
  readonly maxUsers?: number;
  /** PIX `vpngroup NAME idle-time S`. */
  readonly idleSeconds?: number;
  readonly at?: SourceRef;
  /** Lines of the sub-commands, for messages naming them. */
  readonly sourceLines?: {
    readonly pool?: number;
    readonly splitAcl?: number;
    readonly includeLocalLan?: number;
    readonly maxUsers?: number;
    readonly idleSeconds?: number;
  };
}

export interface LocalUser {
  readonly name: string;
  readonly password: string;
  /** Added (config): IOS password type (`password 0 x` clear, `password 7 x` Cisco type 7). */
  readonly passwordType?: number;
}

/** Added (config): PIX `aaa-server TAG protocol P` and `aaa-server TAG (IF) host A [KEY] [timeout N]`. */
export interface AaaServerGroup {
  readonly tag: string;
  readonly protocol?: string; // tacacs+ | radius
  readonly hosts: readonly {
    readonly interface: string;
    readonly host: Ipv4;
    readonly key?: string;
    /** Added (aaa): seconds per try (PIX: four tries before the next server). */
    readonly timeout?: number;
  }[];
}

/**
 * Added (aaa): IOS `aaa group server radius|tacacs+ NAME`, named in login lists as `group NAME`.
 * A `server A [auth-port P]` member is the `radius-server host` / `tacacs-server host` A (its key
 * and timeouts); a `server-private A ... key K` member carries its own.
 */
export interface AaaGroupServer {
  readonly name: string;
  readonly protocol: 'radius' | 'tacacs+';
  readonly servers: readonly AaaGroupMember[];
}

export interface AaaGroupMember {
  readonly host: Ipv4;
  /** `server-private`: the member's own key, timeout and retransmit, not a global host's. */
  readonly private: boolean;
  /** RADIUS `auth-port`, TACACS+ `port`. */
  readonly port?: number;
  readonly key?: string;
  readonly timeout?: number;
  readonly retransmit?: number;
}

/** `radius-server host A [auth-port P] [timeout N] [retransmit N] [key K]`; `key` may come from `radius-server key`. */
export interface RadiusServerEntry {
  readonly host: Ipv4;
  readonly key?: string;
  /** Added (aaa): absent means IOS's 1645. */
  readonly authPort?: number;
  readonly timeout?: number;
  readonly retransmit?: number;
}

/** Added (aaa): `tacacs-server host A [port P] [timeout N] [key K]`; `key` may come from `tacacs-server key`. */
export interface TacacsServerEntry {
  readonly host: Ipv4;
  readonly key?: string;
  readonly port?: number;
  readonly timeout?: number;
}

/** Added (config): `ip host NAME A` (IOS), used to resolve `set peer NAME` and hostname identities. */
export interface HostEntry {
  readonly name: string;
  readonly address: Ipv4;
}

// ---------------------------------------------------------------- PKI (recorded; used by later issues)

export interface CertificateBlock {
  readonly trustpoint: string;
  readonly serial: string;
  readonly role: 'ca' | 'router' | 'ra' | 'unknown';
  /** DER bytes as lowercase hex, absent when the printed block did not decode. */
  readonly der?: string;
  readonly at?: SourceRef;
}

export interface PublicKeyEntry {
  readonly kind: 'named-key' | 'addressed-key';
  readonly name: string; // name or address
  readonly address?: Ipv4;
  /** Added (config): `named-key NAME encryption|signature`; absent for a general-purpose key. */
  readonly usage?: 'encryption' | 'signature';
  /** DER (SubjectPublicKeyInfo or RSAPublicKey) as lowercase hex, absent when damaged. */
  readonly der?: string;
  readonly at?: SourceRef;
}

export interface Trustpoint {
  readonly name: string;
  readonly enrollmentUrl?: string;
  readonly crlOptional?: boolean;
  /** Added (config): `enrollment mode ra`. */
  readonly enrollmentMode?: string;
  /** Added (config): `enrollment retry count N`. */
  readonly enrollmentRetryCount?: number;
  /** Added (config): `crypto ca identity` (IOS 11.3/12.0) or `crypto ca trustpoint` (later IOS). */
  readonly kind?: 'identity' | 'trustpoint';
  /** Added (config): `rsakeypair LABEL`: the key store label of this trust point's key pair. */
  readonly rsakeypair?: string;
}

// ---------------------------------------------------------------- the whole router

/** A configuration line that is valid but not about IPsec; listed once so users know. */
export interface IgnoredLine {
  readonly line: number;
  readonly text: string;
}

export interface Warning {
  readonly line: number;
  readonly message: string;
}

export interface RouterConfig {
  readonly dialect: 'ios' | 'pix';
  readonly file: string;
  readonly hostname: string;
  readonly isakmpPolicies: readonly IsakmpPolicy[]; // sorted by priority, default 65535 last
  readonly presharedKeys: readonly PresharedKey[];
  readonly isakmp: IsakmpGlobal;
  readonly transformSets: readonly TransformSet[];
  readonly globalSaLifetime: SaLifetime;
  readonly accessLists: readonly AccessList[];
  readonly cryptoMaps: readonly CryptoMapEntry[]; // sorted by map name then seq
  readonly cryptoMapSettings: readonly CryptoMapSettings[];
  readonly dynamicMaps: readonly (DynamicMapEntry & { readonly name: string })[];
  readonly interfaces: readonly Interface[];
  readonly localPools: readonly LocalPool[];
  /** Added (config): the VPN client groups' Mode Config settings. */
  readonly clientGroups?: readonly ClientGroup[];
  readonly users: readonly LocalUser[];
  readonly trustpoints: readonly Trustpoint[];
  readonly certificates: readonly CertificateBlock[];
  readonly publicKeys: readonly PublicKeyEntry[];
  /** `aaa authentication login|ppp LIST METHODS`; `service` (added by config) is login or ppp. */
  readonly aaa: readonly {
    readonly list: string;
    readonly methods: readonly string[];
    readonly service?: string;
  }[];
  readonly radiusServers: readonly RadiusServerEntry[];
  /** Added (aaa): `radius-server timeout N` and `retransmit N` (IOS: 5 s, 3). */
  readonly radiusTimeout?: number;
  readonly radiusRetransmit?: number;
  /** Added (aaa): `tacacs-server host` entries and `tacacs-server timeout N` (IOS: 5 s). */
  readonly tacacsServers?: readonly TacacsServerEntry[];
  readonly tacacsTimeout?: number;
  readonly ignored: readonly IgnoredLine[];
  readonly warnings: readonly Warning[];
  /** Added (config): PIX `aaa-server` groups. */
  readonly aaaServers?: readonly AaaServerGroup[];
  /** Added (aaa): IOS `aaa group server` groups. */
  readonly aaaGroupServers?: readonly AaaGroupServer[];
  /** Added (config): `ip host NAME A` entries. */
  readonly hosts?: readonly HostEntry[];
  /** Added (config): `ip domain-name X` (or `ip domain name X`): the FQDN is hostname.X. */
  readonly domainName?: string;
  /** Added (config): `ip route` lines. */
  readonly staticRoutes?: readonly StaticRoute[];
  /** Added (ikev2): `crypto ikev2 proposal|policy|keyring|profile`. */
  readonly ikev2?: Ikev2Settings;
  /** Added (config): `service timestamps` and `logging buffered`, for the daemon's log lines. */
  readonly logging?: LoggingSettings;
  /** Added (vpdn): `vpdn enable` and the `vpdn-group`s. */
  readonly vpdn?: { readonly enabled: boolean; readonly groups: readonly VpdnGroup[] };
  /** Added (nat): `ip nat ...` and PIX `nat`/`global`/`static` (policy/natModel.ts). */
  readonly nat?: NatConfig;
  /** Added (nat): `route-map` entries, by name then sequence. */
  readonly routeMaps?: readonly RouteMapEntry[];
}

/** How `service timestamps debug|log ...` stamps a message. */
export type TimestampStyle =
  | { readonly kind: 'none' }
  | { readonly kind: 'uptime' }
  | {
      readonly kind: 'datetime';
      readonly msec: boolean;
      readonly localtime: boolean;
      readonly year: boolean;
      readonly showTimezone: boolean;
    };

/** IOS severities, `logging buffered LEVEL`: 0 emergencies .. 7 debugging. */
export const LOG_LEVELS = [
  'emergencies',
  'alerts',
  'critical',
  'errors',
  'warnings',
  'notifications',
  'informational',
  'debugging',
] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

export interface LoggingSettings {
  readonly timestamps: { readonly debug: TimestampStyle; readonly log: TimestampStyle };
  /** `logging buffered [SIZE] [LEVEL]`: messages of this severity and more severe are logged. */
  readonly level?: number;
}

/** IOS 12.x's default, `service timestamps debug uptime` and `service timestamps log uptime`. */
export const DEFAULT_LOGGING: LoggingSettings = {
  timestamps: { debug: { kind: 'uptime' }, log: { kind: 'uptime' } },
};

/** IOS defaults (the chapter: default policy 65535; SA lifetime 3600 s / 4608000 KB). */
export const DEFAULT_ISAKMP_POLICY: IsakmpPolicy = {
  priority: 65535,
  encryption: 'des',
  hash: 'sha',
  authentication: 'rsa-sig',
  group: 1,
  lifetimeSeconds: 86400,
};

export const DEFAULT_SA_LIFETIME: SaLifetime = { seconds: 3600, kilobytes: 4608000 };

// ---------------------------------------------------------------- selectors

/**
 * One traffic selector (an ACL permit line, a quick-mode proxy identity pair, an SA's
 * selectors): inclusive IPv4 ranges, protocol 0 = any, ports 0..65535 = any.
 * "local"/"remote" are from the point of view of the router that holds it.
 */
export interface TrafficSelector {
  readonly protocol: number;
  readonly localStart: Ipv4;
  readonly localEnd: Ipv4;
  readonly localPortStart: number;
  readonly localPortEnd: number;
  readonly remoteStart: Ipv4;
  readonly remoteEnd: Ipv4;
  readonly remotePortStart: number;
  readonly remotePortEnd: number;
}
