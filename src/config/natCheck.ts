// References of the NAT and policy-routing commands: the ACLs, route maps and interfaces
// that `ip nat inside source`, `route-map`, `ip policy route-map` and PIX `nat`/`global` name.

import type { RouterConfig } from '../policy/model.js';
import type { ReferenceLocations } from './crossCheck.js';
import { ConfigError } from './errors.js';

export function natReferenceErrors(config: RouterConfig, locations: ReferenceLocations): ConfigError[] {
  const errors: ConfigError[] = [];
  const acls = new Set(config.accessLists.map((a) => a.name));
  const routeMaps = new Set((config.routeMaps ?? []).map((r) => r.name));
  const interfaces = new Set(config.interfaces.map((i) => i.name.toLowerCase()));
  const fail = (key: string, line: number, found: string, expected: string, message: string): void => {
    const where = locations.get(key);
    errors.push(
      new ConfigError({
        file: config.file,
        line: where?.line ?? line,
        column: where?.column ?? 1,
        found,
        expected,
        message,
      }),
    );
  };
  for (const s of config.nat?.insideSources ?? []) {
    if (s.kind !== 'dynamic') continue;
    const line = s.at.line;
    if (s.acl !== undefined && !acls.has(s.acl))
      fail(
        `nat:${line}|acl|${s.acl}`,
        line,
        s.acl,
        'a defined access list',
        `ip nat inside source list ${s.acl}: access list ${s.acl} is not defined`,
      );
    if (s.routeMap !== undefined && !routeMaps.has(s.routeMap))
      fail(
        `nat:${line}|route-map|${s.routeMap}`,
        line,
        s.routeMap,
        'a defined route-map',
        `ip nat inside source route-map ${s.routeMap}: route-map ${s.routeMap} is not defined`,
      );
    if (!interfaces.has(s.interface.toLowerCase()))
      fail(
        `nat:${line}|interface|${s.interface}`,
        line,
        s.interface,
        'a configured interface',
        `ip nat inside source ... interface ${s.interface}: no such interface`,
      );
  }
  for (const r of config.routeMaps ?? []) {
    for (const acl of r.matchAcls) {
      if (!acls.has(acl))
        fail(
          `route-map:${r.name}:${r.seq}|acl|${acl}`,
          r.at.line,
          acl,
          'a defined access list',
          `route-map ${r.name} ${r.action} ${r.seq} matches access list ${acl}, which is not defined`,
        );
    }
  }
  for (const i of config.interfaces) {
    const name = i.policyRouteMap;
    if (name !== undefined && !routeMaps.has(name))
      fail(
        `interface:${i.name.toLowerCase()}|route-map|${name}`,
        i.at?.line ?? 0,
        name,
        'a defined route-map',
        `interface ${i.name}: ip policy route-map ${name} is not defined`,
      );
  }
  for (const n of config.nat?.pixNat ?? []) {
    if (n.acl !== undefined && !acls.has(n.acl))
      fail(
        `nat:${n.at.line}|acl|${n.acl}`,
        n.at.line,
        n.acl,
        'a defined access list',
        `nat (${n.interface}) ${n.id} access-list ${n.acl}: access list ${n.acl} is not defined`,
      );
  }
  return errors;
}
