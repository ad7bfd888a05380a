// The `local` method: `username U password [0] P` lines of the configuration.

import { timingSafeEqual } from 'node:crypto';
import type { LocalUser } from '../policy/model.js';
import { chapMd5Response, msChapV2Answer, sameResponse } from '../crypto/chap.js';
import type { AaaOutcome, ChapCredentials, ChapOutcome, LoginMethod } from './method.js';

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

/** CHAP needs the clear password: computed here and compared in constant time. */
function checkChap(users: readonly LocalUser[], c: ChapCredentials): ChapOutcome {
  const user = users.find((u) => u.name === c.username);
  if (user?.passwordType !== undefined && user.passwordType !== 0)
    return {
      kind: 'error',
      reason: `user ${c.username}: password type ${user.passwordType} cannot be checked`,
    };
  const password = user?.password ?? '';
  if (c.kind === 'chap-md5') {
    const ok = sameResponse(chapMd5Response(c.identifier, password, c.challenge), c.response);
    return ok && user !== undefined
      ? { kind: 'accept' }
      : { kind: 'reject', reason: 'bad username or password' };
  }
  const answer = msChapV2Answer(c.authChallenge, c.peerChallenge, c.username, password);
  if (!sameResponse(answer.ntResponse, c.ntResponse) || user === undefined)
    return { kind: 'reject', reason: 'bad username or password' };
  return { kind: 'accept', authenticatorResponse: answer.authenticatorResponse };
}

export function localMethod(users: readonly LocalUser[]): LoginMethod {
  return {
    name: 'local',
    authenticateChap: (c) => checkChap(users, c),
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
