export { formatIsakmpSa } from './isakmpSa.js';
export { caCertificateViews, formatCaCertificates, type CaCertificateView } from './caCertificates.js';
export {
  formatPubkeyChain,
  formatPubkeyDetail,
  pubkeyChainViews,
  selectPubkeys,
  type PubkeyChainView,
} from './pubkeyChain.js';
export { formatMyPubkeys, type MyPubkeyView } from './myPubkey.js';
export { iosHexLines } from './hexWords.js';
export { formatIpsecSa, formatIpsecFlow, hex8 } from './ipsecSa.js';
export { formatCryptoMap, formatCryptoMapEntry } from './cryptoMap.js';
export { formatLocalPools, type LocalPoolView } from './localPool.js';
export { formatEzvpnClient, type EzvpnClientView } from './ezvpnClient.js';
export {
  formatIsakmpPolicy,
  formatTransformSets,
  transformText,
  aclEntryText,
  cryptoMapViews,
} from './configViews.js';
export {
  zeroCounters,
  type IsakmpSaView,
  type EspSaView,
  type SaCounters,
  type IpsecFlowView,
  type CryptoMapView,
} from './views.js';
export {
  formatCryptoSession,
  formatEngineConnections,
  formatIsakmpSaDetail,
  formatSaList,
  formatShowDebug,
  ipsecSaDetailLines,
} from './sessions.js';
export type { IkeSaDetailView, IpsecSaDetailView, SaDirectionView, SaListView } from './saViews.js';
export {
  formatTunnelInterfaces,
  formatTunnelInterface,
  type TunnelInterfaceView,
} from './tunnelInterface.js';
