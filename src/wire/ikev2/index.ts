// Public API of the IKEv2 codec (RFC 7296 §3).

export * from './constants.js';
export * from './header.js';
export * from './securityAssociation.js';
export * from './keyExchange.js';
export * from './identification.js';
export * from './authentication.js';
export * from './opaque.js';
export * from './notify.js';
export * from './delete.js';
export * from './trafficSelector.js';
export * from './encrypted.js';
export * from './payload.js';
export * from './chain.js';
export * from './message.js';
