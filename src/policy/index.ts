// Public API of the policy layer.
export * from './model.js';
export type { EspCipher, IntegrityAlg, IpsecSa, IpsecSaPair, UdpEncapsulation } from './sa.js';
export { PolicyError } from './errors.js';
export {
  formatIpv4,
  ipv4ToNumber,
  isIpv4,
  netmaskPrefix,
  parseIpv4,
  prefixToNetmask,
  wildcardPrefix,
} from './ipv4.js';
export {
  ACL_PROTOCOL_NUMBERS,
  aclAddressRange,
  aclEntryToSelectors,
  aclProtocolNumber,
  accessListToSelectors,
  isContiguousWildcard,
  mirrorSelector,
  portRanges,
} from './acl.js';
export { matchAcl, matchAclEntry, matchSelector } from './match.js';
export type { AclVerdict, Packet5Tuple, TrafficDirection } from './match.js';
export {
  checkProxyPair,
  describeSelector,
  mirrorProxyPair,
  proxyIdRange,
  proxyIdsToSelector,
  proxyPairEquals,
  selectorContains,
  selectorToProxyIds,
  selectorsEqual,
  selectorsOverlap,
} from './proxyId.js';
export type { ProxyCheck, ProxyId, ProxyIdPair } from './proxyId.js';
export {
  findPresharedKey,
  findPresharedKeyByHostname,
  findPresharedKeyForPeer,
  isWildcardKey,
} from './pskLookup.js';
export { espCipherOf, integrityOf, transformSetAlgorithms } from './transformSet.js';
export type { TransformSetAlgorithms } from './transformSet.js';
export {
  cryptoInterfaces,
  cryptoMapEntries,
  cryptoMapEntriesForInterface,
  findInterface,
  localAddressForMap,
} from './cryptoMap.js';
export type { ResolvedMapEntry } from './cryptoMap.js';
