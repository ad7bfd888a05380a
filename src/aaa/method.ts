// An AAA login method (IOS `aaa authentication login LIST METHOD...`): local users, a RADIUS
// or TACACS+ server group. XAUTH asks a method list; the IKE engine never sees the methods.

export type AaaOutcome =
  | { readonly kind: 'accept' }
  /** The method answered: the user or password is wrong. IOS stops here. */
  | { readonly kind: 'reject'; readonly reason: string }
  /** The method could not answer (no server reachable, no such user list): IOS tries the next. */
  | { readonly kind: 'error'; readonly reason: string };

export interface LoginMethod {
  /** As IOS prints it: `local`, `group radius`, `group tacacs+`, `group RAD1`. */
  readonly name: string;
  authenticate(username: string, password: string): Promise<AaaOutcome>;
  /**
   * PPP CHAP answers (local users, RADIUS); a method without it answers `error` to CHAP. A
   * method that knows at once (local) answers at once, so PPP need not wait a turn.
   */
  authenticateChap?(credentials: ChapCredentials): Promise<ChapOutcome> | ChapOutcome;
}

/** A server's message (RADIUS Reply-Message, TACACS+ server_msg) made fit for a reason: printable, bounded. */
export function serverText(bytes: Uint8Array, max = 200): string {
  const clean = Buffer.from(bytes)
    .toString('utf8')
    .replace(/[^\x20-\x7e\u00a0-\uffff]/g, '?');
  return clean.length > max ? `${clean.slice(0, max)}...` : clean;
}

export interface MethodListResult {
  readonly outcome: AaaOutcome;
  /** The method that gave the outcome (the last one tried). */
  readonly method: string;
}

/** Tries the methods in order; only an error moves to the next (IOS: a reject is final). */
export async function runMethodList(
  methods: readonly LoginMethod[],
  username: string,
  password: string,
): Promise<MethodListResult> {
  let last: MethodListResult = {
    outcome: { kind: 'error', reason: 'no authentication method' },
    method: 'none',
  };
  for (const method of methods) {
    const outcome = await method.authenticate(username, password);
    last = { outcome, method: method.name };
    if (outcome.kind !== 'error') return last;
  }
  return last;
}

/**
 * What a PPP client proved it knows, for a method to check (`aaa authentication ppp`): the
 * CHAP-MD5 response (RFC 1994 §4.1) or the MS-CHAPv2 NT-Response (RFC 2759 §4).
 */
export type ChapCredentials =
  | {
      readonly kind: 'chap-md5';
      readonly username: string;
      readonly identifier: number;
      readonly challenge: Uint8Array;
      readonly response: Uint8Array;
    }
  | {
      readonly kind: 'mschapv2';
      readonly username: string;
      readonly identifier: number;
      readonly authChallenge: Uint8Array;
      readonly peerChallenge: Uint8Array;
      readonly ntResponse: Uint8Array;
    };

/** An accept for MS-CHAPv2 carries the authenticator response ("S=...") the client checks. */
export type ChapOutcome =
  | { readonly kind: 'accept'; readonly authenticatorResponse?: string }
  | Exclude<AaaOutcome, { readonly kind: 'accept' }>;

/**
 * As runMethodList, for CHAP: a method without CHAP is an error, so the next is tried. `done`
 * is called in this turn when every method tried answered at once, later otherwise.
 */
export function runChapMethodList(
  methods: readonly LoginMethod[],
  credentials: ChapCredentials,
  done: (result: { readonly outcome: ChapOutcome; readonly method: string }) => void,
): void {
  const step = (index: number, last: { outcome: ChapOutcome; method: string }): void => {
    const method = methods[index];
    if (method === undefined) return done(last);
    const next = (outcome: ChapOutcome): void => {
      const result = { outcome, method: method.name };
      if (outcome.kind !== 'error') done(result);
      else step(index + 1, result);
    };
    if (method.authenticateChap === undefined)
      return next({ kind: 'error', reason: `${method.name} cannot check CHAP` });
    let answer: Promise<ChapOutcome> | ChapOutcome;
    try {
      answer = method.authenticateChap(credentials);
    } catch (e) {
      return next({ kind: 'error', reason: e instanceof Error ? e.message : String(e) });
    }
    if (answer instanceof Promise)
      answer.then(next, (e: unknown) =>
        next({ kind: 'error', reason: e instanceof Error ? e.message : String(e) }),
      );
    else next(answer);
  };
  step(0, { outcome: { kind: 'error', reason: 'no authentication method' }, method: 'none' });
}
