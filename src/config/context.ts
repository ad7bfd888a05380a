// What the command parsers share: the model being built and the current sub-mode.

import type {
  IsakmpPolicy,
  PublicKeyEntry,
  TransformSet,
  Trustpoint,
  Interface,
  VpdnGroup,
} from '../policy/model.js';
import type {
  ConfigBuilder,
  Mutable,
  MutableDynamicEntry,
  MutableMapEntry,
  ParsedAaaGroup,
} from './builder.js';
import type { Ikev2Block } from './ikev2Commands.js';
import type { SourceLine } from './lexer.js';
import type { MutableRouteMapEntry } from './natCommands.js';

/** A hex block being collected (`certificate ... quit`, `key-string ... quit`). */
export interface HexCollector {
  readonly header: SourceLine;
  readonly words: string[];
  readonly finish: (hex: string, terminated: boolean) => void;
}

export type Mode =
  | { readonly kind: 'global' }
  | { readonly kind: 'policy'; readonly policy: Mutable<IsakmpPolicy> }
  | { readonly kind: 'transform-set'; readonly ts: Mutable<TransformSet> }
  | { readonly kind: 'map'; readonly entry: MutableMapEntry }
  | { readonly kind: 'dynamic'; readonly entry: MutableDynamicEntry }
  | { readonly kind: 'interface'; readonly iface: Mutable<Interface> }
  | { readonly kind: 'acl'; readonly name: string; readonly standard: boolean }
  | { readonly kind: 'ca'; readonly trustpoint: Mutable<Trustpoint> }
  | { readonly kind: 'chain'; readonly trustpoint: string }
  | { readonly kind: 'pubkey-chain' }
  | { readonly kind: 'pubkey'; readonly key: Mutable<PublicKeyEntry> }
  | { readonly kind: 'vpdn-group'; readonly group: Mutable<VpdnGroup> }
  /** `aaa group server radius|tacacs+ NAME`: its `server` lines. */
  | { readonly kind: 'aaa-group'; readonly group: ParsedAaaGroup }
  /** `crypto isakmp client configuration group NAME`: its `key` is the group's pre-shared key. */
  | { readonly kind: 'client-group'; readonly group: string; readonly line: number }
  /** `crypto ikev2 proposal|policy|keyring|profile NAME`. */
  | { readonly kind: 'ikev2'; readonly block: Ikev2Block }
  /** `route-map NAME permit|deny SEQ`: its `match` and `set` lines. */
  | { readonly kind: 'route-map'; readonly entry: MutableRouteMapEntry }
  /** Inside a sub-mode we do not model (`line vty 0 4`, `router ospf 1`): its lines are ignored. */
  | { readonly kind: 'other' }
  /** After a global command with an error: its indented lines are skipped, not reported again. */
  | { readonly kind: 'broken' };

export interface ParseContext {
  readonly file: string;
  readonly dialect: 'ios' | 'pix';
  readonly b: ConfigBuilder;
  mode: Mode;
  /** Set while inside a hex block; the driver feeds it lines until `quit`. */
  hex: HexCollector | undefined;
  /** Set while inside a `banner` text: the delimiter that ends it. */
  banner: string | undefined;
}
