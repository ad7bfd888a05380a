// The adapter interfaces the gateway drives. Two families implement them: `net/virtual`
// (in-memory, for the lab and tests) and `net/host` (Linux: UDP sockets, TUN, raw IP sockets).
// Adapters carry bytes and nothing else: no protocol logic lives behind these interfaces.

export interface UdpDatagram {
  readonly srcAddress: string;
  readonly srcPort: number;
  readonly dstAddress: string;
  readonly dstPort: number;
  /** The UDP payload as received: on port 4500 it still starts with the non-ESP marker. */
  readonly data: Uint8Array;
}

/** A bound UDP endpoint (IKE on 500, IKE + ESP-in-UDP on 4500). */
export interface UdpEndpoint {
  readonly localAddress: string;
  readonly localPort: number;
  send(dstAddress: string, dstPort: number, data: Uint8Array): void;
  onReceive(handler: (datagram: UdpDatagram) => void): void;
  close(): void;
}

/** Raw IP for ESP (50), AH (51) and cleartext GRE (47): whole IPv4 packets out and in. */
export interface RawIpEndpoint {
  readonly localAddress: string;
  /** Sends a complete IPv4 packet (header included) whose protocol is ESP, AH or GRE. */
  sendPacket(packet: Uint8Array): void;
  onPacket(handler: (packet: Uint8Array) => void): void;
  close(): void;
}

/**
 * The outside interface as NAT sees it (`ip nat outside`): every packet that arrives there is
 * offered to the handler first, which keeps (returns true for) those a translation owns.
 */
export interface OutsideTap {
  /** The IP protocols whose packets reach the handler; absent: every protocol. */
  readonly protocols?: readonly number[];
  onPacket(handler: (packet: Uint8Array) => boolean): void;
  close(): void;
}

/** The protected side: where cleartext IP packets come from and go back to (TUN, virtual LAN). */
export interface PacketTunnel {
  readonly name: string;
  writePacket(packet: Uint8Array): void;
  onPacket(handler: (packet: Uint8Array) => void): void;
  /** A GRE tunnel interface's line protocol: routes through it come and go with it. */
  setLinkUp?(up: boolean): void;
  close(): void;
}

/** The time source adapters hand to the engines (seconds, fractional). */
export interface Clock {
  now(): number;
}

/** One timer the gateway re-arms after each engine call; the lab's is virtual time. */
export interface Scheduler {
  readonly clock: Clock;
  setTimer(atSeconds: number, callback: () => void): { cancel(): void };
}
