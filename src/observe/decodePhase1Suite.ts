// The phase-1 algorithms a capture decryptor needs, read from the responder's SA payload: its
// single proposal with a single ISAKMP transform is the choice (RFC 2408 §4.2, RFC 2409 §5).

import {
  attributeNumber,
  findAttribute,
  IkeEncryption,
  IkeHash,
  Phase1Attr,
  ProtocolId,
  type SaPayload,
} from '../wire/index.js';
import type { DecodeCipher, DecodeHash, Phase1Suite } from './decodeDecrypt.js';

const ciphers = new Map<number, DecodeCipher>([
  [IkeEncryption.DES_CBC, 'des-cbc'],
  [IkeEncryption['3DES_CBC'], '3des-cbc'],
  [IkeEncryption.AES_CBC, 'aes-cbc'],
]);

const hashes = new Map<number, DecodeHash>([
  [IkeHash.MD5, 'md5'],
  [IkeHash.SHA, 'sha1'],
  [IkeHash.SHA2_256, 'sha256'],
  [IkeHash.SHA2_384, 'sha384'],
  [IkeHash.SHA2_512, 'sha512'],
]);

/**
 * The suite of an SA payload that holds exactly one ISAKMP transform; a string saying why when
 * the chosen algorithms cannot be decrypted here; undefined for an offer of several.
 */
export function phase1SuiteOf(sa: SaPayload): Phase1Suite | string | undefined {
  if (sa.proposals.length !== 1) return undefined;
  const proposal = sa.proposals[0]!;
  if (proposal.protocolId !== ProtocolId.ISAKMP || proposal.transforms.length !== 1) return undefined;
  const attributes = proposal.transforms[0]!.attributes;
  const number = (type: number): number | undefined => {
    const attribute = findAttribute(attributes, type);
    return attribute === undefined ? undefined : attributeNumber(attribute);
  };
  const encryptionId = number(Phase1Attr.ENCRYPTION_ALGORITHM);
  const hashId = number(Phase1Attr.HASH_ALGORITHM);
  const cipher = encryptionId === undefined ? undefined : ciphers.get(encryptionId);
  const hash = hashId === undefined ? undefined : hashes.get(hashId);
  if (cipher === undefined) {
    return `the negotiated phase-1 encryption algorithm ${encryptionId ?? '(none)'} cannot be decrypted`;
  }
  if (hash === undefined)
    return `the negotiated phase-1 hash algorithm ${hashId ?? '(none)'} is not supported`;
  const keyBits = number(Phase1Attr.KEY_LENGTH);
  return { cipher, hash, ...(keyBits === undefined ? {} : { keyBits }) };
}
