// `aaa authentication login LIST ...` as a list of methods. RADIUS and TACACS+ come in as
// factories (they do I/O); a method the build has no factory for answers `error`, so the
// next method in the list is tried, as IOS does with a server group it cannot reach.

import type { RouterConfig } from '../policy/model.js';
import { localMethod } from './local.js';
import type { LoginMethod } from './method.js';

export interface ServerGroupFactories {
  /** `group radius`, `group tacacs+`, or a PIX `aaa-server` tag; undefined: not this kind. */
  readonly serverGroup?: (config: RouterConfig, group: string) => LoginMethod | undefined;
}

/** IOS 11 wrote `aaa authentication ppp default radius local`; later IOS reads it as `group radius`. */
const LEGACY_METHODS = new Map([
  ['radius', 'group radius'],
  ['tacacs+', 'group tacacs+'],
]);

function unavailable(name: string, reason: string): LoginMethod {
  return { name, authenticate: () => Promise.resolve({ kind: 'error', reason }) };
}

/**
 * The methods of login list `list` (`default` when the configuration names none). PIX
 * `crypto map M client authentication TAG` passes `group TAG`.
 */
export function loginMethods(
  config: RouterConfig,
  list: string,
  factories: ServerGroupFactories = {},
  service: 'login' | 'ppp' = 'login',
): LoginMethod[] {
  const entry =
    config.aaa.find((a) => a.list === list && (a.service ?? 'login') === service) ??
    (list.startsWith('group ') ? { list, methods: [list] } : undefined);
  if (!entry) return [unavailable(list, `no aaa authentication ${service} list ${list}`)];
  return entry.methods.map((written): LoginMethod => {
    const m = LEGACY_METHODS.get(written.toLowerCase()) ?? written;
    const word = m.toLowerCase();
    if (word === 'local') return localMethod(config.users);
    if (word.startsWith('group ')) {
      const group = m.slice('group '.length);
      return (
        factories.serverGroup?.(config, group) ?? unavailable(m, `server group ${group} is not available`)
      );
    }
    return unavailable(m, `method ${m} is not supported`);
  });
}
