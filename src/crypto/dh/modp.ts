// MODP groups 1, 2 (RFC 2409 §6.1, §6.2), 5 (RFC 3526 §2) and 14-18 (RFC 3526 §3-§7), all with
// generator 2. The primes are node's built-in RFC 2409/3526 groups (checked against the RFC
// text in the tests); the work is done by createDiffieHellman so private keys can be injected.

import { type DiffieHellman, createDiffieHellman, getDiffieHellman, randomBytes } from 'node:crypto';
import { CryptoParameterError, InvalidPublicValueError } from '../errors.js';
import { type DhGroup, type DhKeyPair, leftPad } from './group.js';

interface ModpSpec {
  readonly nodeName: string;
  /**
   * Random exponent length in bytes: at least twice the group's strength (RFC 3526 §8, first
   * estimate: 2048 bits 110, 3072 bits 130, ... 8192 bits 190; 768 and 1024 bits as RFC 2409's
   * groups are used, about 80), as OpenSSL sizes them; a longer exponent buys no security
   * against the discrete log in the group and costs a proportionally longer exponentiation.
   */
  readonly exponentBytes: number;
}

const SPECS: ReadonlyMap<number, ModpSpec> = new Map([
  [1, { nodeName: 'modp1', exponentBytes: 20 }],
  [2, { nodeName: 'modp2', exponentBytes: 20 }],
  [5, { nodeName: 'modp5', exponentBytes: 24 }],
  [14, { nodeName: 'modp14', exponentBytes: 32 }],
  [15, { nodeName: 'modp15', exponentBytes: 40 }],
  [16, { nodeName: 'modp16', exponentBytes: 40 }],
  [17, { nodeName: 'modp17', exponentBytes: 48 }],
  [18, { nodeName: 'modp18', exponentBytes: 48 }],
]);

export const MODP_GROUP_IDS: readonly number[] = [...SPECS.keys()];

const GENERATOR = new Uint8Array([2]);

class ModpGroup implements DhGroup {
  readonly kind = 'modp' as const;
  readonly publicLength: number;
  readonly secretLength: number;
  readonly privateLength: number;
  readonly prime: Uint8Array;
  private readonly pMinus1: bigint;
  // One context per group: building it runs OpenSSL's DH_check (tens of ms for groups 1 and 2).
  // Each call sets its own private key first, so sharing it is safe in single-threaded JS.
  private context: DiffieHellman | undefined;

  constructor(
    readonly id: number,
    private readonly spec: ModpSpec,
  ) {
    this.prime = new Uint8Array(getDiffieHellman(spec.nodeName).getPrime());
    this.publicLength = this.prime.length;
    this.secretLength = this.prime.length;
    this.privateLength = spec.exponentBytes;
    this.pMinus1 = toBigInt(this.prime) - 1n;
  }

  private dh(privateKey: Uint8Array): DiffieHellman {
    this.context ??= createDiffieHellman(this.prime, GENERATOR);
    this.context.setPrivateKey(privateKey);
    return this.context;
  }

  generateKeyPair(privateKey?: Uint8Array): DhKeyPair {
    const x = privateKey ?? this.randomExponent();
    const value = toBigInt(x);
    if (x.length > this.prime.length || value <= 1n || value >= this.pMinus1) {
      throw new CryptoParameterError(`MODP group ${this.id}: private key out of range`);
    }
    const publicValue = leftPad(new Uint8Array(this.dh(x).generateKeys()), this.publicLength);
    return { group: this.id, privateKey: x.slice(), publicValue };
  }

  computeSharedSecret(pair: DhKeyPair, peerPublic: Uint8Array): Uint8Array {
    // RFC 2409 §5 / RFC 6989 §2.1: exactly the prime's length, and 1 < y < p-1.
    if (peerPublic.length !== this.publicLength) {
      throw new InvalidPublicValueError(
        this.id,
        `length ${peerPublic.length}, expected ${this.publicLength}`,
      );
    }
    const y = toBigInt(peerPublic);
    if (y <= 1n || y >= this.pMinus1) throw new InvalidPublicValueError(this.id, 'not in 1 < y < p-1');
    let secret: Buffer;
    try {
      secret = this.dh(pair.privateKey).computeSecret(peerPublic);
    } catch {
      throw new InvalidPublicValueError(this.id, 'refused by OpenSSL');
    }
    return leftPad(new Uint8Array(secret), this.secretLength);
  }

  forget(): void {
    // The shared context holds only the last private key set, replaced on the next call.
  }

  private randomExponent(): Uint8Array {
    // 2^(8n-1) <= x < 2^(8n) is far inside 1 < x < p-1 for every group here.
    const x = new Uint8Array(randomBytes(this.spec.exponentBytes));
    x[0] = (x[0] ?? 0) | 0x80;
    return x;
  }
}

export function toBigInt(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n;
  return BigInt(`0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')}`);
}

const groups = new Map<number, ModpGroup>();

export function modpGroup(id: number): DhGroup | undefined {
  const cached = groups.get(id);
  if (cached !== undefined) return cached;
  const spec = SPECS.get(id);
  if (spec === undefined) return undefined;
  const group = new ModpGroup(id, spec);
  groups.set(id, group);
  return group;
}
