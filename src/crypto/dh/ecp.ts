// ECP groups 19, 20, 21 (RFC 5903): NIST P-256, P-384, P-521. The KE payload carries x | y,
// each zero-padded to the field size, without SEC1's 0x04 prefix (RFC 5903 §7); the shared
// secret is the x coordinate of the shared point only (RFC 5903 §9).

import { type ECDH, createECDH } from 'node:crypto';
import { CryptoParameterError, InvalidPublicValueError } from '../errors.js';
import { type DhGroup, type DhKeyPair, leftPad } from './group.js';

interface EcpSpec {
  readonly curve: string;
  readonly fieldBytes: number;
}

const SPECS: ReadonlyMap<number, EcpSpec> = new Map([
  [19, { curve: 'prime256v1', fieldBytes: 32 }],
  [20, { curve: 'secp384r1', fieldBytes: 48 }],
  [21, { curve: 'secp521r1', fieldBytes: 66 }],
]);

export const ECP_GROUP_IDS: readonly number[] = [...SPECS.keys()];

class EcpGroup implements DhGroup {
  readonly kind = 'ecp' as const;
  readonly publicLength: number;
  readonly secretLength: number;
  readonly privateLength = 32;
  /** Each pair's ECDH context, its scalar set once when the pair is made. */
  private readonly native = new WeakMap<DhKeyPair, ECDH>();

  constructor(
    readonly id: number,
    private readonly spec: EcpSpec,
  ) {
    this.publicLength = 2 * spec.fieldBytes;
    this.secretLength = spec.fieldBytes;
  }

  generateKeyPair(privateKey?: Uint8Array): DhKeyPair {
    const ecdh = createECDH(this.spec.curve);
    if (privateKey === undefined) {
      ecdh.generateKeys();
    } else {
      try {
        ecdh.setPrivateKey(privateKey);
      } catch {
        throw new CryptoParameterError(`ECP group ${this.id}: private key out of range`);
      }
    }
    const sec1 = ecdh.getPublicKey(); // 0x04 | x | y, fixed length
    const pair: DhKeyPair = {
      group: this.id,
      privateKey: leftPad(new Uint8Array(ecdh.getPrivateKey()), this.spec.fieldBytes),
      publicValue: new Uint8Array(sec1.subarray(1)),
    };
    this.native.set(pair, ecdh);
    return pair;
  }

  forget(pair: DhKeyPair): void {
    this.native.delete(pair);
  }

  private context(pair: DhKeyPair): ECDH {
    const cached = this.native.get(pair);
    if (cached !== undefined) return cached;
    const ecdh = createECDH(this.spec.curve);
    ecdh.setPrivateKey(pair.privateKey);
    return ecdh;
  }

  computeSharedSecret(pair: DhKeyPair, peerPublic: Uint8Array): Uint8Array {
    if (peerPublic.length !== this.publicLength) {
      throw new InvalidPublicValueError(
        this.id,
        `length ${peerPublic.length}, expected ${this.publicLength}`,
      );
    }
    const sec1 = new Uint8Array(1 + peerPublic.length);
    sec1[0] = 0x04;
    sec1.set(peerPublic, 1);
    const ecdh = this.context(pair);
    let secret: Buffer;
    try {
      // OpenSSL checks that the point is on the curve (and not the point at infinity).
      secret = ecdh.computeSecret(sec1);
    } catch {
      throw new InvalidPublicValueError(this.id, 'point is not on the curve');
    }
    return leftPad(new Uint8Array(secret), this.secretLength);
  }
}

const groups = new Map<number, EcpGroup>();

export function ecpGroup(id: number): DhGroup | undefined {
  const cached = groups.get(id);
  if (cached !== undefined) return cached;
  const spec = SPECS.get(id);
  if (spec === undefined) return undefined;
  const group = new EcpGroup(id, spec);
  groups.set(id, group);
  return group;
}
