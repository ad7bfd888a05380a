// The `local` method: `username U password [0] P` lines of the configuration.

import { timingSafeEqual } from 'node:crypto';
import type { LocalUser } from '../policy/model.js';
import type { AaaOutcome, LoginMethod } from './method.js';

/** Equal-length digests, so the compare takes the same time whatever the password's length. */
function sameSecret(a: string, b: string): boolean {
  const da = Buffer.from(a, 'utf8');
  const db = Buffer.from(b, 'utf8');
  const width = Math.max(da.length, db.length, 1);
  const pa = Buffer.alloc(width);
  const pb = Buffer.alloc(width);
  da.copy(pa);
  db.copy(pb);
  return timingSafeEqual(pa, pb) && da.length === db.length;
}

export function localMethod(users: readonly LocalUser[]): LoginMethod {
  return {
    name: 'local',
    authenticate(username: string, password: string): Promise<AaaOutcome> {
      const user = users.find((u) => u.name === username);
      // A type-7 or secret (hashed) password cannot be compared with what the client sent.
      if (user?.passwordType !== undefined && user.passwordType !== 0)
        return Promise.resolve({
          kind: 'error',
          reason: `user ${username}: password type ${user.passwordType} cannot be checked`,
        });
      const ok = sameSecret(user?.password ?? '', password) && user !== undefined;
      return Promise.resolve(
        ok ? { kind: 'accept' } : { kind: 'reject', reason: 'bad username or password' },
      );
    },
  };
}
