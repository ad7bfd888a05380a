// IKE on UDP 4500, RFC 3948 §2.2: a 4-byte zero non-ESP marker precedes the ISAKMP message;
// anything else there is ESP (non-zero SPI) or a NAT-keepalive (single 0xff byte, §2.3).

export const NON_ESP_MARKER_LENGTH = 4;

export type Udp4500Kind = 'ike' | 'esp' | 'keepalive';

export function classifyUdp4500(payload: Uint8Array): Udp4500Kind {
  if (payload.length === 1 && payload[0] === 0xff) return 'keepalive';
  if (payload.length >= 4 && payload[0] === 0 && payload[1] === 0 && payload[2] === 0 && payload[3] === 0) {
    return 'ike';
  }
  return 'esp';
}

/** The ISAKMP message inside a UDP-4500 payload, or undefined for ESP and keepalives. */
export function stripNonEspMarker(payload: Uint8Array): Uint8Array | undefined {
  return classifyUdp4500(payload) === 'ike' ? payload.subarray(NON_ESP_MARKER_LENGTH) : undefined;
}

export function addNonEspMarker(message: Uint8Array): Uint8Array {
  const out = new Uint8Array(NON_ESP_MARKER_LENGTH + message.length);
  out.set(message, NON_ESP_MARKER_LENGTH);
  return out;
}
