// RFC 2661 numbers: control message types (§3.2) and AVP attribute types (§4.4).

export const L2TP_PORT = 1701;

export const MessageType = {
  SCCRQ: 1,
  SCCRP: 2,
  SCCCN: 3,
  StopCCN: 4,
  HELLO: 6,
  OCRQ: 7,
  OCRP: 8,
  OCCN: 9,
  ICRQ: 10,
  ICRP: 11,
  ICCN: 12,
  CDN: 14,
  WEN: 15,
  SLI: 16,
} as const;

const MESSAGE_NAMES = new Map<number, string>(Object.entries(MessageType).map(([k, v]) => [v, k]));

export function messageTypeName(type: number | undefined): string {
  if (type === undefined) return 'ZLB';
  return MESSAGE_NAMES.get(type) ?? `type ${type}`;
}

export const AvpType = {
  MessageType: 0,
  ResultCode: 1,
  ProtocolVersion: 2,
  FramingCapabilities: 3,
  BearerCapabilities: 4,
  TieBreaker: 5,
  FirmwareRevision: 6,
  HostName: 7,
  VendorName: 8,
  AssignedTunnelId: 9,
  ReceiveWindowSize: 10,
  Challenge: 11,
  ChallengeResponse: 13,
  AssignedSessionId: 14,
  CallSerialNumber: 15,
  BearerType: 18,
  FramingType: 19,
  CalledNumber: 21,
  CallingNumber: 22,
  TxConnectSpeed: 24,
  ProxyAuthenType: 29,
  SequencingRequired: 39,
} as const;

/** §4.4.2 Result Code of StopCCN. */
export const StopCcnResult = {
  GeneralRequest: 1,
  GeneralError: 2,
  AlreadyExists: 3,
  NotAuthorized: 4,
  UnsupportedVersion: 5,
  ShuttingDown: 6,
  FsmError: 7,
} as const;

/** §4.4.2 Result Code of CDN. */
export const CdnResult = {
  LostCarrier: 1,
  GeneralError: 2,
  AdminDisconnect: 3,
  NoResources: 4,
} as const;

/** §4.4.3 Framing Capabilities / Framing Type bits. */
export const FRAMING_SYNC = 1;
export const FRAMING_ASYNC = 2;
