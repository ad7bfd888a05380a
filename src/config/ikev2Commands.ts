// `crypto ikev2 proposal|policy|keyring|profile NAME` and their sub-modes, as IOS 15 writes them:
//
//   crypto ikev2 proposal PROP          crypto ikev2 keyring KR
//    encryption aes-cbc-256 aes-cbc-128   peer R2
//    integrity sha256                      address 192.0.2.2
//    group 14 19                           pre-shared-key [local|remote] KEY
//   crypto ikev2 policy POL             crypto ikev2 profile PROF
//    proposal PROP                        match identity remote address 192.0.2.2 255.255.255.255
//    match address local 192.0.2.1        identity local fqdn r1.example
//                                         authentication local pre-share
//                                         authentication remote pre-share
//                                         keyring local KR
//                                         lifetime 86400
// A keyring's `peer` opens a nested block; its lines are read until the next `peer` or a line
// of another mode.

import { parseIpv4 } from '../policy/ipv4.js';
import type {
  Ikev2Encryption,
  Ikev2IdentityConfig,
  Ikev2Integrity,
  Ikev2Keyring,
  Ikev2KeyringPeer,
  Ikev2PolicyConfig,
  Ikev2ProfileConfig,
  Ikev2ProposalConfig,
  Ikev2Settings,
} from '../policy/ikev2Model.js';
import type { Mutable } from './builder.js';
import type { ParseContext } from './context.js';
import type { Cursor } from './cursor.js';
import { notModelled } from './cryptoShared.js';

type MutableProposal = Mutable<Ikev2ProposalConfig> & {
  encryption: Ikev2Encryption[];
  integrity: Ikev2Integrity[];
  prf: Ikev2Integrity[];
  groups: number[];
};
type MutablePolicy = Mutable<Ikev2PolicyConfig> & { proposals: string[]; matchLocalAddresses: string[] };
type MutablePeer = Mutable<Ikev2KeyringPeer>;
type MutableKeyring = Mutable<Ikev2Keyring> & { peers: MutablePeer[] };
type MutableProfile = Mutable<Ikev2ProfileConfig> & {
  matchRemote: Mutable<Ikev2ProfileConfig['matchRemote'][number]>[];
  authenticationRemote: ('pre-share' | 'rsa-sig')[];
};

/** The `crypto ikev2 ...` block the parser is in. */
export type Ikev2Block =
  | { readonly kind: 'proposal'; readonly proposal: MutableProposal }
  | { readonly kind: 'policy'; readonly policy: MutablePolicy }
  | { readonly kind: 'keyring'; readonly keyring: MutableKeyring; peer?: MutablePeer }
  | { readonly kind: 'profile'; readonly profile: MutableProfile };

export const IKEV2_PROPOSAL_WORDS = ['encryption', 'integrity', 'prf', 'group', 'exit'] as const;
export const IKEV2_POLICY_WORDS = ['proposal', 'match', 'exit'] as const;
export const IKEV2_KEYRING_WORDS = [
  'peer',
  'address',
  'pre-shared-key',
  'identity',
  'description',
  'hostname',
  'exit',
] as const;
export const IKEV2_PROFILE_WORDS = [
  'match',
  'identity',
  'authentication',
  'keyring',
  'lifetime',
  'dpd',
  'description',
  'exit',
] as const;

const ENCRYPTIONS = [
  'aes-cbc-128',
  'aes-cbc-192',
  'aes-cbc-256',
  '3des',
  'aes-gcm-128',
  'aes-gcm-256',
] as const;
const INTEGRITIES = ['md5', 'sha1', 'sha256', 'sha384', 'sha512'] as const;
const GROUPS = ['1', '2', '5', '14', '15', '16', '19', '20', '21', '24', '31'] as const;
const SUPPORTED_GROUPS = [1, 2, 5, 14, 15, 16, 19, 20, 21, 31];

/** Everything `crypto ikev2` lines built, turned into the model's `ikev2` at the end. */
export class Ikev2Collector {
  readonly proposals = new Map<string, MutableProposal>();
  readonly policies = new Map<string, MutablePolicy>();
  readonly keyrings = new Map<string, MutableKeyring>();
  readonly profiles = new Map<string, MutableProfile>();

  get used(): boolean {
    return this.proposals.size + this.policies.size + this.keyrings.size + this.profiles.size > 0;
  }

  build(): Ikev2Settings {
    return {
      proposals: [...this.proposals.values()],
      policies: [...this.policies.values()],
      keyrings: [...this.keyrings.values()],
      profiles: [...this.profiles.values()],
    };
  }
}

/** Cursor is just after `crypto ikev2`. */
export function ikev2Command(ctx: ParseContext, cur: Cursor): void {
  const line = cur.src.line;
  const word = cur.keyword([
    'proposal',
    'policy',
    'keyring',
    'profile',
    'dpd',
    'nat',
    'cookie-challenge',
    'limit',
    'fragmentation',
  ] as const);
  const at = ctx.b.at(line);
  const c = ctx.b.ikev2;
  switch (word) {
    case 'proposal': {
      const name = cur.word('a proposal name').text;
      const proposal = c.proposals.get(name) ?? {
        name,
        encryption: [],
        integrity: [],
        prf: [],
        groups: [],
        at,
      };
      c.proposals.set(name, proposal);
      ctx.mode = { kind: 'ikev2', block: { kind: 'proposal', proposal } };
      break;
    }
    case 'policy': {
      const name = cur.word('a policy name').text;
      const policy = c.policies.get(name) ?? { name, proposals: [], matchLocalAddresses: [], at };
      c.policies.set(name, policy);
      ctx.mode = { kind: 'ikev2', block: { kind: 'policy', policy } };
      break;
    }
    case 'keyring': {
      const name = cur.word('a keyring name').text;
      const keyring = c.keyrings.get(name) ?? { name, peers: [], at };
      c.keyrings.set(name, keyring);
      ctx.mode = { kind: 'ikev2', block: { kind: 'keyring', keyring } };
      break;
    }
    case 'profile': {
      const name = cur.word('a profile name').text;
      const profile = c.profiles.get(name) ?? { name, matchRemote: [], authenticationRemote: [], at };
      c.profiles.set(name, profile);
      ctx.mode = { kind: 'ikev2', block: { kind: 'profile', profile } };
      break;
    }
    default:
      notModelled(ctx, cur);
      ctx.mode = { kind: 'global' };
      return;
  }
  cur.end();
}

/** Words of the block, for "expected one of ...". */
export function ikev2Words(block: Ikev2Block): readonly string[] {
  switch (block.kind) {
    case 'proposal':
      return IKEV2_PROPOSAL_WORDS;
    case 'policy':
      return IKEV2_POLICY_WORDS;
    case 'keyring':
      return IKEV2_KEYRING_WORDS;
    case 'profile':
      return IKEV2_PROFILE_WORDS;
  }
}

/** One line inside a `crypto ikev2` block; the cursor is at its first word. */
export function ikev2SubCommand(ctx: ParseContext, cur: Cursor, block: Ikev2Block): void {
  switch (block.kind) {
    case 'proposal':
      proposalLine(ctx, cur, block.proposal);
      break;
    case 'policy':
      policyLine(ctx, cur, block.policy);
      break;
    case 'keyring':
      keyringLine(ctx, cur, block);
      break;
    case 'profile':
      profileLine(ctx, cur, block.profile);
      break;
  }
  cur.end();
}

function exit(ctx: ParseContext): void {
  ctx.mode = { kind: 'global' };
}

function proposalLine(ctx: ParseContext, cur: Cursor, p: MutableProposal): void {
  const word = cur.keyword(IKEV2_PROPOSAL_WORDS);
  const list = <K extends string>(options: readonly K[], what: string): K[] => {
    const out: K[] = [cur.keyword(options, what)];
    while (!cur.atEnd()) out.push(cur.keyword(options, what));
    return out;
  };
  switch (word) {
    case 'encryption':
      p.encryption = list(ENCRYPTIONS, `an IKEv2 cipher (${ENCRYPTIONS.join(', ')})`);
      break;
    case 'integrity':
      p.integrity = list(INTEGRITIES, `an integrity algorithm (${INTEGRITIES.join(', ')})`);
      break;
    case 'prf':
      p.prf = list(INTEGRITIES, `a PRF (${INTEGRITIES.join(', ')})`);
      break;
    case 'group': {
      const at = cur.peek();
      p.groups = list(GROUPS, `a Diffie-Hellman group (${GROUPS.join(', ')})`).map(Number);
      const unsupported = p.groups.find((g) => !SUPPORTED_GROUPS.includes(g));
      if (unsupported !== undefined)
        throw cur.error(at, `a Diffie-Hellman group typeswan runs (${SUPPORTED_GROUPS.join(', ')})`);
      break;
    }
    case 'exit':
      exit(ctx);
      break;
  }
}

function policyLine(ctx: ParseContext, cur: Cursor, p: MutablePolicy): void {
  const word = cur.keyword(IKEV2_POLICY_WORDS);
  switch (word) {
    case 'proposal': {
      const name = cur.word('a proposal name');
      ctx.b.noteRef(`ikev2-policy:${p.name}`, 'ikev2-proposal', name.text, name);
      if (!p.proposals.includes(name.text)) p.proposals.push(name.text);
      break;
    }
    case 'match': {
      const what = cur.keyword(['address', 'fvrf'] as const);
      if (what === 'fvrf') {
        cur.rest(); // only the global VRF exists here
        break;
      }
      cur.keyword(['local'] as const);
      p.matchLocalAddresses.push(cur.ipv4());
      break;
    }
    case 'exit':
      exit(ctx);
      break;
  }
}

function identity(cur: Cursor): Ikev2IdentityConfig {
  const kind = cur.keyword(['address', 'fqdn', 'email'] as const);
  if (kind === 'address') return { kind, address: cur.ipv4() };
  return { kind, name: cur.word(kind === 'fqdn' ? 'a domain name' : 'an e-mail address').text };
}

function keyringLine(ctx: ParseContext, cur: Cursor, block: Extract<Ikev2Block, { kind: 'keyring' }>): void {
  const line = cur.src.line;
  const word = cur.keyword(IKEV2_KEYRING_WORDS);
  if (word === 'exit') {
    if (block.peer) delete block.peer;
    else exit(ctx);
    return;
  }
  if (word === 'peer') {
    const name = cur.word('a peer name').text;
    const peer: MutablePeer = { name, at: ctx.b.at(line) };
    block.keyring.peers.push(peer);
    block.peer = peer;
    return;
  }
  const peer = block.peer;
  if (!peer) throw cur.error(cur.src.tokens[0], '"peer NAME" first');
  switch (word) {
    case 'address': {
      peer.address = cur.ipv4();
      if (!cur.atEnd()) {
        const maskTok = cur.peek();
        peer.mask = cur.ipv4('a mask like 255.255.255.0');
        if (parseIpv4(peer.mask) === undefined) throw cur.error(maskTok, 'a mask');
      }
      break;
    }
    case 'pre-shared-key': {
      const side = cur.optionalKeyword(['local', 'remote'] as const);
      if (cur.peek()?.text === '6' && cur.peek(1) !== undefined) {
        throw cur.error(
          cur.peek(),
          'an unencrypted key (type 0)',
          "type 6 (encrypted) keys cannot be read without the router's master key; write the key in clear (type 0)",
        );
      }
      if (cur.peek()?.text === '0' && cur.peek(1) !== undefined) cur.word('');
      const key = cur.word('a pre-shared key').text;
      if (side !== 'remote') peer.localKey = key;
      if (side !== 'local') peer.remoteKey = key;
      break;
    }
    case 'identity':
      peer.identity = identity(cur);
      break;
    case 'description':
    case 'hostname':
      cur.rest();
      break;
  }
}

function profileLine(ctx: ParseContext, cur: Cursor, p: MutableProfile): void {
  const word = cur.keyword(IKEV2_PROFILE_WORDS);
  switch (word) {
    case 'match': {
      const what = cur.keyword(['identity', 'address', 'fvrf', 'certificate'] as const);
      if (what !== 'identity') {
        notModelled(ctx, cur);
        return;
      }
      cur.keyword(['remote'] as const);
      const id = identity(cur);
      if (id.kind === 'address' && !cur.atEnd()) p.matchRemote.push({ ...id, mask: cur.ipv4('a mask') });
      else p.matchRemote.push(id);
      break;
    }
    case 'identity':
      cur.keyword(['local'] as const);
      p.localIdentity = identity(cur);
      break;
    case 'authentication': {
      const side = cur.keyword(['local', 'remote'] as const);
      const method = cur.keyword(['pre-share', 'rsa-sig'] as const);
      if (side === 'local') p.authenticationLocal = method;
      else if (!p.authenticationRemote.includes(method)) p.authenticationRemote.push(method);
      break;
    }
    case 'keyring': {
      cur.keyword(['local'] as const);
      const name = cur.word('a keyring name');
      ctx.b.noteRef(`ikev2-profile:${p.name}`, 'ikev2-keyring', name.text, name);
      p.keyring = name.text;
      break;
    }
    case 'lifetime':
      p.lifetimeSeconds = cur.integer(120, 86400, 'a lifetime in seconds (120-86400)');
      break;
    case 'dpd':
    case 'description':
      notModelled(ctx, cur);
      break;
    case 'exit':
      exit(ctx);
      break;
  }
}
