// Peers' public keys taken from certificates that passed path validation: the certificate of
// an RSA-signature exchange, or the one an initiator sends under Ke_i in revised mode (RFC 2409
// §5.3). IOS keeps them in its pubkey chain with code C ("Extracted from certificate"); here
// they live beside the configured chain for as long as the engine runs, and encrypted nonce
// authentication uses them when the configured chain has no key for the peer.

import type { ParsedCertificate } from '../crypto/index.js';
import { IdType, type IdPayload } from '../wire/index.js';
import type { PeerPublicKey } from './rsaEncr.js';

export interface CertifiedKey extends PeerPublicKey {
  readonly subject: string;
  readonly notAfter: Date;
}

/** At most this many peers are remembered; the oldest goes first. */
const MAX_KEYS = 4096;

function nameOf(id: IdPayload | undefined): string | undefined {
  if (id?.idType !== IdType.FQDN && id?.idType !== IdType.USER_FQDN) return undefined;
  return Buffer.from(id.data).toString('latin1').toLowerCase();
}

export class CertifiedKeys {
  /** By peer address: the newest certificate seen from it. */
  private readonly byAddress = new Map<string, CertifiedKey>();

  /** Remembers the key of a validated certificate the peer at `address` presented as `id`. */
  remember(address: string, id: IdPayload | undefined, leaf: ParsedCertificate): void {
    const name = nameOf(id);
    const key = leaf.publicKey;
    const entry: CertifiedKey = {
      kind: name !== undefined ? 'named-key' : 'addressed-key',
      name: name ?? address,
      address,
      key,
      spki: new Uint8Array(key.export({ type: 'spki', format: 'der' })),
      subject: leaf.subject,
      notAfter: leaf.notAfter,
    };
    this.byAddress.delete(address);
    this.byAddress.set(address, entry);
    if (this.byAddress.size > MAX_KEYS) {
      const oldest = this.byAddress.keys().next().value;
      if (oldest !== undefined) this.byAddress.delete(oldest);
    }
  }

  /** The still valid key for a peer address. */
  forAddress(address: string, nowMs: number): CertifiedKey[] {
    const k = this.byAddress.get(address);
    return k && k.notAfter.getTime() > nowMs ? [k] : [];
  }

  /** The still valid keys whose certificate named this hostname identity. */
  forName(name: string, nowMs: number): CertifiedKey[] {
    const want = name.toLowerCase();
    return [...this.byAddress.values()].filter(
      (k) => k.kind === 'named-key' && k.name === want && k.notAfter.getTime() > nowMs,
    );
  }

  list(): CertifiedKey[] {
    return [...this.byAddress.values()];
  }
}
