// The batched ESP crypto of the native addon (native/esp_crypto.c), as the data plane sees
// it: one OpenSSL context per SA with its keys set once, many packets per call. The data
// plane gets it injected (`DataPlaneOptions.espCrypto`; the host adapter loads the addon),
// so src/ipsec stays sans-I/O and runs without it on the reference path (esp.ts).

import type { CipherContext, IntegrityContext } from './transform.js';

/** Opaque per-SA context of the addon. */
export interface EspContextHandle {
  readonly __espContext: unique symbol;
}

/** The addon's functions (the subset of its exports the data plane uses). */
export interface EspBatchCrypto {
  espNew(
    cipher: string,
    key: Uint8Array,
    salt: Uint8Array,
    digest: string,
    macKey: Uint8Array,
    icvLength: number,
    encrypt: boolean,
  ): EspContextHandle | null;
  /** Per packet [espOffset, cipherLength, seqHigh, esn]: encrypts in place, writes the ICV. */
  espSeal(handle: EspContextHandle, buffer: Uint8Array, descriptors: Uint32Array, count: number): void;
  /** Per packet [espOffset, espLength, seqHigh, esn, outOffset, status]: status 0 ok,
   * 1 ICV did not verify, 2 malformed; the plaintext goes to output[outOffset...]. */
  espOpen(
    handle: EspContextHandle,
    input: Uint8Array,
    descriptors: Uint32Array,
    count: number,
    output: Uint8Array,
  ): void;
  espFree(handle: EspContextHandle): void;
}

export const SEAL_FIELDS = 4;
export const OPEN_FIELDS = 6;
export const OPEN_OK = 0;
export const OPEN_INTEGRITY = 1;

/** The addon's cipher name for an SA, or undefined when the reference path keeps it
 * (NULL encryption, DES: not in OpenSSL 3's default provider). */
function nativeCipher(c: CipherContext): string | undefined {
  if (c.mode === 'gcm') return 'aes-gcm';
  if (c.mode === 'ctr') return 'aes-ctr';
  if (c.name === 'aes-cbc') return 'aes-cbc';
  if (c.name === '3des-cbc') return '3des-cbc';
  return undefined;
}

/** A native context for one SA, or undefined when this SA stays on the reference path. */
export function nativeEspContext(
  crypto: EspBatchCrypto,
  c: CipherContext,
  i: IntegrityContext,
  encrypt: boolean,
): EspContextHandle | undefined {
  const cipher = nativeCipher(c);
  if (cipher === undefined) return undefined;
  const aead = c.mode === 'gcm';
  if (aead === (i.hash !== undefined)) return undefined;
  return (
    crypto.espNew(
      cipher,
      c.keyBytes,
      c.mode === 'cbc' ? new Uint8Array(0) : c.salt,
      i.hash ?? '',
      i.keyBytes,
      aead ? c.aeadIcvLength : i.icvLength,
      encrypt,
    ) ?? undefined
  );
}

/** Whether a loaded addon has the batched ESP functions (an older build may not). */
export function isEspBatchCrypto(value: unknown): value is EspBatchCrypto {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return ['espNew', 'espSeal', 'espOpen', 'espFree'].every((name) => typeof record[name] === 'function');
}
