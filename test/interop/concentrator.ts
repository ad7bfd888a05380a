// The Concentrator of Example 13-19 as the remote-access interop tests run it: the wildcard key,
// `aaa authentication login xauth local` with local users, the dynamic map, Mode Config
// `initiate` + `respond` and the pool. AES/SHA-1/group 14 instead of DES/MD5/group 1 (Debian's
// strongSwan has no DES), and the lab's addresses.

import { concentratorText, PSK } from '../ike/remoteAccessLab.js';
import { ADDR } from './harness.js';

export const GROUP_KEY = PSK;

export const LAB_CONCENTRATOR = {
  policy: ['encryption aes', 'hash sha', 'authentication pre-share', 'group 14'],
  transforms: 'esp-aes esp-sha-hmac',
  wan: ADDR.r1Wan,
  lan: ADDR.r1Lan,
  extra: 'username other password 0 right-pass',
} as const;

export const CONCENTRATOR = concentratorText(LAB_CONCENTRATOR);
