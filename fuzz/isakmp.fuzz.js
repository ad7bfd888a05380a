// Jazzer.js fuzz target for the ISAKMP codec (compiled: run `npm run build` first).
// Invariants: decoding any bytes either returns a message or throws DecodeError (with an
// offset inside the input); an accepted message re-encodes to exactly the same bytes; the
// same holds for the payload chain read as a decrypted body (decodePayloads + padding).

import {
  DecodeError,
  decodeMessage,
  decodePayloads,
  encodeMessage,
  encodePayloads,
} from '../dist/src/wire/index.js';

function sameBytes(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function expectDecodeError(e, length) {
  if (!(e instanceof DecodeError)) throw e;
  if (!(e.offset >= 0 && e.offset <= length)) {
    throw new Error(`DecodeError offset ${e.offset} outside input of ${length} bytes: ${e.message}`);
  }
}

/**
 * @param {Uint8Array} data
 * @returns {boolean} whether decodeMessage accepted the input
 */
export function fuzz(data) {
  const bytes = Uint8Array.from(data);
  let message;
  try {
    message = decodeMessage(bytes);
  } catch (e) {
    expectDecodeError(e, bytes.length);
  }
  if (message && !sameBytes(encodeMessage(message), bytes)) {
    throw new Error('decodeMessage accepted bytes that encodeMessage does not reproduce');
  }
  if (bytes.length > 28) {
    const body = bytes.subarray(28);
    let chain;
    try {
      chain = decodePayloads(bytes[16], body, 28);
    } catch (e) {
      expectDecodeError(e, bytes.length);
    }
    if (chain) {
      const encoded = encodePayloads(chain.payloads).bytes;
      const rebuilt = new Uint8Array(encoded.length + chain.trailing.length);
      rebuilt.set(encoded);
      rebuilt.set(chain.trailing, encoded.length);
      if (!sameBytes(rebuilt, body))
        throw new Error('decodePayloads accepted a body that encodePayloads does not reproduce');
    }
  }
  return message !== undefined;
}
