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
