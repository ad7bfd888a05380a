// The IKEv1 engine's public API (sans-I/O): one IkeManager per router.
export { IkeManager, type IkeCounters } from './manager.js';
export type {
  AcquireRequest,
  AddressLeases,
  RemoteAccessClient,
  XauthOutcome,
  ClearFilter,
  IkeAction,
  IkeDatagram,
  IkeManagerOptions,
  IkeSaInfo,
  IpsecSaInfo,
  RemovedPair,
  RetransmitPolicy,
  Rng,
} from './types.js';
export type {
  IkeEvent,
  IsakmpState,
  ModeConfigReceived,
  ModeConfigStep,
  Phase1State,
  Phase2TransformDescription,
  QuickModeState,
  Role,
  SaPairSummary,
  XauthStep,
} from './events.js';
export { notifyName, NotifyType, ExchangeType, PayloadType } from './constants.js';
