import { curve25519Group, CURVE25519_GROUP_ID } from './curve25519.js';
import { ecpGroup } from './ecp.js';
import type { DhGroup } from './group.js';
import { modpGroup } from './modp.js';

export type { DhGroup, DhKeyPair, DhKind } from './group.js';
export { MODP_GROUP_IDS } from './modp.js';
export { ECP_GROUP_IDS } from './ecp.js';

/** The IKE group with this Group Description number (RFC 2409 App. A, IANA), if supported. */
export function getDhGroup(n: number): DhGroup | undefined {
  if (n === CURVE25519_GROUP_ID) return curve25519Group;
  return modpGroup(n) ?? ecpGroup(n);
}

export const SUPPORTED_DH_GROUPS: readonly number[] = [1, 2, 5, 14, 15, 16, 17, 18, 19, 20, 21, 31];
