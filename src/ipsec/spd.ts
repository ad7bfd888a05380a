// Security Policy Database (RFC 4301 §4.4.1): an ordered list of rules, first match wins.
// The gateway builds it from a crypto map's ACLs in order: permit = protect, deny = bypass.

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
  private constructor(private readonly compiled: readonly { rule: SpdRule; c: CompiledSelector }[]) {}

  static fromRules(rules: readonly SpdRule[]): Spd {
    return new Spd(rules.map((rule) => ({ rule, c: compiledOf(rule) })));
  }

  get rules(): readonly SpdRule[] {
    return this.compiled.map((x) => x.rule);
  }

  /** First rule matching the packet, or undefined. Outbound: packet source = local side. */
  lookup(flow: PacketFlow, direction: TrafficDirection = 'outbound'): SpdMatch | undefined {
    for (let index = 0; index < this.compiled.length; index++) {
      const entry = this.compiled[index]!;
      if (selectorMatches(entry.c, flow, direction)) return { rule: entry.rule, index };
    }
    return undefined;
  }
}
