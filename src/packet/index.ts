// IP packet handling: headers, checksums, fragments. Pure; imports nothing of the project.
export * from './errors.js';
export * from './checksum.js';
export * from './address.js';
export * from './ipv4.js';
export * from './ipv6.js';
export * from './udp.js';
export * from './tcp.js';
export * from './icmp.js';
export * from './gre.js';
export * from './flow.js';
export * from './fragment.js';
export * from './fragment6.js';
