// Hands the project's crypto suite to the capture decryptor in observe (which may not import
// crypto itself: DESIGN.md layers).

import { cbcDecrypt, getCipher, phase1Iv, phase2Iv } from '../crypto/index.js';
import type { DecodeCrypto } from '../observe/decodeDecrypt.js';

export const decodeCrypto: DecodeCrypto = {
  blockSize: (cipher) => getCipher(cipher, cipher === 'aes-cbc' ? 128 : undefined).blockSize,
  cbcDecrypt: (cipher, key, iv, data) =>
    cbcDecrypt(getCipher(cipher, cipher === 'aes-cbc' ? key.length * 8 : undefined), key, iv, data),
  phase1Iv,
  phase2Iv,
};
