// The SA list behind `typeswan list-sas`, `show crypto isakmp sa detail`, `show crypto ipsec
// sa detail`, `show crypto session` and `show crypto engine connections active`: what
// strongSwan's `swanctl --list-sas` shows (algorithms, ports, ages, rekey times, bytes and
// packets), assembled by the gateway from the IKE engine and the data plane. Times are
// seconds; the same objects are the `--json` output and the control API's `sas` data.

export interface IkeSaDetailView {
  readonly connId: number;
  readonly state: string; // QM_IDLE, MM_KEY_EXCH, ...
  readonly role: 'initiator' | 'responder';
  readonly exchange: 'main' | 'aggressive';
  readonly interface?: string;
  readonly local: string;
  readonly localPort: number;
  readonly remote: string;
  readonly remotePort: number;
  readonly natT: boolean;
  readonly initiatorCookie: string;
  readonly responderCookie: string;
  readonly peerId?: string;
  readonly encryption?: string; // the IOS policy words: des, 3des, aes, aes256 ...
  readonly hash?: string;
  readonly authentication?: string;
  readonly group?: number;
  /** Dead peer detection configured (`crypto isakmp keepalive`). */
  readonly dpd: boolean;
  readonly establishedSecondsAgo?: number;
  readonly rekeyInSeconds?: number;
  readonly lifetimeRemaining: number;
}

export interface SaDirectionView {
  /** The SA's crypto engine connection (`show crypto ipsec sa`'s "conn id"); 0 when not installed. */
  readonly connId: number;
  readonly protocol: 'esp' | 'ah';
  readonly spi: number;
  readonly bytes: number;
  readonly packets: number;
  readonly errors: number;
}

export interface IpsecSaDetailView {
  /** The ISAKMP SA the quick mode ran over. */
  readonly ikeConnId: number;
  readonly peer: string;
  readonly local: string;
  readonly interface?: string;
  readonly cryptoMap?: string;
  readonly seq?: number;
  readonly transformSet?: string;
  readonly transform: string; // "esp-3des esp-md5-hmac"
  readonly mode: 'tunnel' | 'transport';
  readonly pfsGroup?: number;
  /** RFC 3948 UDP encapsulation: the outer ports. */
  readonly udpEncapsulation?: { readonly localPort: number; readonly remotePort: number };
  readonly localProxy: string; // "10.1.1.0/255.255.255.0/0/0"
  readonly remoteProxy: string;
  /** For `show crypto session`'s "IPSEC FLOW: permit ip A/M B/M". */
  readonly flow: string;
  readonly installedSecondsAgo: number;
  readonly rekeyInSeconds?: number;
  readonly expiresInSeconds: number;
  readonly lifetimeKilobytes: number;
  /** IOS "remaining key lifetime" in kilobytes, of the outbound SA. */
  readonly remainingKilobytes: number;
  readonly inbound: readonly SaDirectionView[];
  readonly outbound: readonly SaDirectionView[];
}

export interface SaListView {
  readonly ike: readonly IkeSaDetailView[];
  readonly ipsec: readonly IpsecSaDetailView[];
}
