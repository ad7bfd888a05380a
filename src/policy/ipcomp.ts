// IPComp terms both the IKE engine and the data plane use (RFC 3173).

export type IpcompAlgorithm = 'deflate' | 'lzs';

/** RFC 3173 §3.3: the CPIs a node chooses for a negotiated association. */
export const CPI_NEGOTIATED_MIN = 256;
export const CPI_NEGOTIATED_MAX = 61439;

/**
 * A CPI a peer may choose for the association it decompresses: a well-known one (1-63: "when
 * negotiating one of the well-known algorithms, the nodes MAY select a CPI in the pre-defined
 * range"), a negotiated one, or a private-use one. 0 and the reserved 64-255 are refused.
 */
export function cpiAcceptable(cpi: number): boolean {
  return Number.isInteger(cpi) && ((cpi >= 1 && cpi <= 63) || (cpi >= CPI_NEGOTIATED_MIN && cpi <= 0xffff));
}
