// Public API of the crypto layer (used by ike and ipsec).

export { CryptoParameterError, InvalidPublicValueError } from './errors.js';
export { type HashAlg, hashLength, hashOf, prf } from './hash.js';
export { type IntegritySuite, computeIcv, getIntegrity, verifyIcv } from './integrity.js';
export {
  type CipherName,
  type CipherSuite,
  aeadOpen,
  aeadSeal,
  cbcDecrypt,
  cbcEncrypt,
  ctrCounterBlock,
  ctrCrypt,
  desToEde3Key,
  gcmNonce,
  getCipher,
  nodeCipherKey,
  nodeCipherName,
  splitKeyMaterial,
} from './cipher.js';
export {
  type DhGroup,
  type DhKeyPair,
  type DhKind,
  ECP_GROUP_IDS,
  MODP_GROUP_IDS,
  SUPPORTED_DH_GROUPS,
  getDhGroup,
} from './dh/index.js';
export { computeDh, type DhRequest, type DhResult } from './dh/compute.js';
export { rsaDecrypt, rsaEncrypt, rsaSignIkev1, rsaVerifyIkev1, type MessageLengths } from './rsa.js';
export { CertificateError, type ParsedCertificate, parseCertificate } from './x509.js';
export { type PathFailureCode, type PathRequest, type PathResult, validatePath } from './pathValidation.js';
export {
  type Skeyids,
  deriveSkeyids,
  expandEncryptionKey,
  hashI,
  hashR,
  informationalHash,
  keymat,
  nextIv,
  phase1Iv,
  phase2Iv,
  quickModeHash1,
  quickModeHash2,
  quickModeHash3,
  skeyidPke,
  skeyidPsk,
  skeyidSig,
  uint32Bytes,
} from './ikev1Keys.js';
export {
  type IkeSaKeyLengths,
  type IkeSaKeys,
  childKeymat,
  ikeSaKeys,
  prfPlus,
  rekeyedSkeyseed,
  sharedKeyAuth,
  signedOctets,
  skeyseed,
} from './ikev2Keys.js';
