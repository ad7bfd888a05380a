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
  aclRules,
  accessListToSelectors,
  isContiguousWildcard,
  portRanges,
} from './acl.js';
export type { AclRule } from './acl.js';
export {
  boxContains,
  boxesOverlap,
  boxSelector,
  compileSelector,
  describeSelector,
  mirrorSelector,
  proxyIdProblem,
  selectorBox,
  selectorContains,
  selectorFamily,
  selectorMatches,
  selectorsEqual,
  selectorsOverlap,
  subtractBox,
} from './selector.js';
export type { CompiledSelector, SelectorBox, TrafficDirection } from './selector.js';
export { matchAcl, matchAclEntry, matchSelector } from './match.js';
export type { AclVerdict, Packet5Tuple } from './match.js';
export {
  checkProxyPair,
  checkProxySelector,
  identText,
  mirrorProxyPair,
  PROXY_ID_TYPES,
  proxyIdRange,
  proxyIdText,
  proxyIdsToSelector,
  proxyPairEquals,
  selectorToProxyIds,
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
  entryForPeer,
  entryForSelector,
  findInterface,
  findPhase2Policy,
  lifetimeOf,
  localAddressFor,
  localAddressForMap,
  transformSetsOf,
} from './cryptoMap.js';
export type { Phase2Entry, Phase2Refusal, ResolvedMapEntry } from './cryptoMap.js';
