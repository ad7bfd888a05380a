// The one event type every typeswan component publishes on the bus (DESIGN.md principle 5):
// IKE engine events as the engine reports them, and the gateway's own events (data-plane
// outcomes, SA installs, held or dropped packets). Plain data, JSON-serializable.

import type { IkeEvent } from '../ike/events.js';

/** What the gateway itself reports (the data plane's outcomes are reported through it). */
export type GatewayEvent =
  | { readonly type: 'started'; readonly interfaces: readonly string[] }
  | { readonly type: 'stopped' }
  | {
      readonly type: 'saInstalled';
      readonly direction: 'inbound' | 'outbound';
      readonly protocol: 'esp' | 'ah';
      readonly spi: number;
      readonly local: string;
      readonly remote: string;
      readonly localProxy: string; // "10.1.1.0/255.255.255.0/0/0"
      readonly remoteProxy: string;
      readonly transform: string; // "esp-3des esp-md5-hmac"
      readonly lifetimeSeconds: number;
      readonly lifetimeKilobytes: number;
      readonly connId: number;
      readonly mode: 'tunnel' | 'transport';
    }
  | {
      readonly type: 'saRemoved';
      readonly protocol: 'esp' | 'ah';
      readonly spi: number;
      readonly destination: string;
      readonly reason: string;
      /** The SA's peer and direction, and what it carried until it was removed. */
      readonly peer?: string;
      readonly direction?: 'inbound' | 'outbound';
      readonly packets?: number;
      readonly bytes?: number;
    }
  | {
      readonly type: 'acquire';
      readonly peer: string;
      readonly cryptoMap: string;
      readonly seq: number;
      readonly held: boolean;
    }
  | {
      readonly type: 'packetDropped';
      readonly direction: 'inbound' | 'outbound';
      readonly reason: string;
      readonly detail?: string;
    }
  | { readonly type: 'icmpSent'; readonly reason: string; readonly destination: string }
  /** A failed or refused negotiation ended a pending acquire; traffic may ask again in `retryIn` s. */
  | {
      readonly type: 'acquireReleased';
      readonly peer: string;
      readonly cryptoMap: string;
      readonly seq: number;
      readonly retryIn: number;
    }
  | { readonly type: 'configReloaded'; readonly file: string }
  /** A crypto map entry with several peers moved to its next peer (gateway/peerFailover.ts). */
  | {
      readonly type: 'peerFailover';
      readonly cryptoMap: string;
      readonly seq: number;
      readonly from: string;
      readonly to: string;
      readonly reason: string;
    }
  /** A GRE tunnel interface's line protocol changed (keepalives answered or not). */
  | {
      readonly type: 'lineProtocol';
      readonly interface: string;
      readonly up: boolean;
      readonly reason: string;
    }
  | { readonly type: 'warning'; readonly message: string }
  /** L2TP and PPP of the LNS or the client (`debug vpdn l2x-events`, `debug ppp negotiation`). */
  | { readonly type: 'vpdn'; readonly text: string }
  /** A remote-access client's SAs are all gone: its Mode Config addresses are free again. */
  | { readonly type: 'addressReleased'; readonly client: string; readonly addresses: readonly string[] };

export type TypeswanEvent =
  | { readonly source: 'ike'; readonly router: string; readonly time: number; readonly event: IkeEvent }
  | {
      readonly source: 'gateway';
      readonly router: string;
      readonly time: number;
      readonly event: GatewayEvent;
    };

/** The `debug crypto ...` categories a subscriber can ask for. */
export type DebugCategory = 'isakmp' | 'ipsec' | 'engine' | 'vpdn';
