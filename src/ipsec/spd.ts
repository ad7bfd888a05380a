// Security Policy Database (RFC 4301 §4.4.1): an ordered list of rules, first match wins.
// The gateway builds it from a crypto map's ACLs in order: permit = protect, deny = bypass.
// Lookups go through a bounded flow cache (the selector fields of the packet to the rule it
// matched, as RFC 4301 §4.4.1 allows a cache in front of the ordered SPD), so a flow's later
// packets cost one hash lookup however many rules there are; the cache lives as long as the
// rules do (a new SPD starts empty).

import type { PacketFlow } from '../packet/flow.js';
import type { TrafficSelector } from '../policy/model.js';
import {
  compileSelector,
  selectorMatches,
  type CompiledSelector,
  type TrafficDirection,
} from '../policy/selector.js';

export type SpdAction = 'protect' | 'bypass' | 'discard';

export interface SpdRule {
  readonly action: SpdAction;
  /** From our point of view: local = the protected network behind us. */
  readonly selector: TrafficSelector;
  /** Where it came from, e.g. "vpn 10 / access-list 101 line 1"; reported in acquires. */
  readonly name?: string;
  /** Peer for protect rules (outer destination), when known. */
  readonly peer?: string;
}

export interface SpdMatch {
  readonly rule: SpdRule;
  readonly index: number;
}

/** Most flows the cache remembers; when full it starts again (bounded memory). */
const FLOW_CACHE_LIMIT = 65536;

/** The selector fields of a flow and the direction, as a string of 16-bit units. */
function flowKey(flow: PacketFlow, direction: TrafficDirection): string {
  const s = flow.source;
  const d = flow.destination;
  const tag =
    flow.protocol |
    (flow.family << 8) |
    (flow.nonInitialFragment ? 0x1000 : 0) |
    (direction === 'inbound' ? 0x2000 : 0);
  if (flow.family === 4) {
    return String.fromCharCode(
      tag,
      flow.sourcePort,
      flow.destinationPort,
      (s[0]! << 8) | s[1]!,
      (s[2]! << 8) | s[3]!,
      (d[0]! << 8) | d[1]!,
      (d[2]! << 8) | d[3]!,
    );
  }
  const units = [tag, flow.sourcePort, flow.destinationPort];
  for (let i = 0; i < s.length; i += 2) units.push((s[i]! << 8) | s[i + 1]!);
  for (let i = 0; i < d.length; i += 2) units.push((d[i]! << 8) | d[i + 1]!);
  return String.fromCharCode(...units);
}

/**
 * Each rule's compiled selector, kept while the rule object lives: the gateway rebuilds the SPD
 * whenever a dynamic-map peer comes or goes, and compiles only the rules that are new.
 */
const compiledRules = new WeakMap<SpdRule, CompiledSelector>();

function compiledOf(rule: SpdRule): CompiledSelector {
  let c = compiledRules.get(rule);
  if (c === undefined) {
    c = compileSelector(rule.selector);
    compiledRules.set(rule, c);
  }
  return c;
}

export class Spd {
  private readonly matches: SpdMatch[];
  /**
   * flow key -> index of the first matching rule; a miss is -(n + 1): none of the first n
   * rules matches, so a rule appended later is all a cached miss still has to try.
   */
  private readonly cache = new Map<string, number>();

  private constructor(private readonly compiled: { rule: SpdRule; c: CompiledSelector }[]) {
    this.matches = compiled.map((x, index) => ({ rule: x.rule, index }));
  }

  /**
   * Adds a rule after all others (a dynamic-map peer's instance): no index moves and no flow
   * the cache holds changes its match, so nothing is recompiled and the cache stays.
   */
  append(rule: SpdRule): void {
    this.matches.push({ rule, index: this.compiled.length });
    this.compiled.push({ rule, c: compiledOf(rule) });
  }

  static fromRules(rules: readonly SpdRule[]): Spd {
    return new Spd(rules.map((rule) => ({ rule, c: compiledOf(rule) })));
  }

  get rules(): readonly SpdRule[] {
    return this.compiled.map((x) => x.rule);
  }

  /** First rule matching the packet, or undefined. Outbound: packet source = local side. */
  lookup(flow: PacketFlow, direction: TrafficDirection = 'outbound'): SpdMatch | undefined {
    const key = flowKey(flow, direction);
    let index = this.cache.get(key);
    if (index === undefined || (index < 0 && -index - 1 < this.compiled.length)) {
      index = this.scan(flow, direction, index === undefined ? 0 : -index - 1);
      if (this.cache.size >= FLOW_CACHE_LIMIT) this.cache.clear();
      this.cache.set(key, index);
    }
    return index < 0 ? undefined : this.matches[index];
  }

  private scan(flow: PacketFlow, direction: TrafficDirection, from: number): number {
    for (let index = from; index < this.compiled.length; index++) {
      if (selectorMatches(this.compiled[index]!.c, flow, direction)) return index;
    }
    return -(this.compiled.length + 1);
  }
}
