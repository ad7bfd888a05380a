// From capture to key: the nonces, cookies and chosen transform that `decode` reads from each
// strongSwan capture, with the pre-shared key and g^xy charon logged, give the SKEYID, SKEYID_e
// and Ka that charon logged (RFC 2409 §5 and Appendix B). Together with decodeStrongswan.test.ts
// (the binary decrypts every message with the logged Ka) this closes the chain capture -> keys ->
// decrypted payloads.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  deriveSkeyids,
  expandEncryptionKey,
  skeyidPsk,
  skeyidSig,
  type HashAlg,
} from '../../src/crypto/index.js';
import { decodeCrypto } from '../../src/cli/decodeCrypto.js';
import { decodeIsakmpCapture, type DecodedMessage } from '../../src/observe/decodeSession.js';
import { decodeCapture } from '../../src/observe/pcap.js';
import { attributeNumber, findAttribute, IkeEncryption, IkeHash, Phase1Attr } from '../../src/wire/index.js';
import { fixture } from '../util/fixtures.js';

const VECTORS = [
  'mm-psk-aes128-sha1-modp2048',
  'mm-psk-3des-md5-modp1024-pfs',
  'am-psk-aes256-sha256-modp2048',
  'mm-psk-xauth-modecfg',
  'mm-rsa-aes128-sha256-modp2048',
  'dpd-delete',
];

const HASHES = new Map<number, HashAlg>([
  [IkeHash.MD5, 'md5'],
  [IkeHash.SHA, 'sha1'],
  [IkeHash.SHA2_256, 'sha256'],
]);

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function logged(readme: string, label: string): string {
  const m = readme.match(new RegExp(`^${label} \\(\\d+ bytes\\) = ([0-9a-f]+)$`, 'm'));
  assert.ok(m, `README lacks ${label}`);
  return m[1]!;
}

for (const name of VECTORS) {
  test(`keys derived from the decoded capture equal charon's: ${name}`, () => {
    const readme = readFileSync(fixture(`strongswan-ikev1/${name}/README.md`), 'utf8');
    const frames = decodeCapture(readFileSync(fixture(`strongswan-ikev1/${name}/capture.pcapng`)));
    const messages = [...decodeIsakmpCapture(frames, new Map(), decodeCrypto)].filter(
      (i): i is DecodedMessage => i.kind === 'message',
    );
    const phase1 = messages.filter((m) => m.header.messageId === 0 && !m.header.flags.encryption);
    // r1 (192.0.2.1) is the initiator in every vector.
    const nonce = (initiator: boolean): Uint8Array => {
      const found = phase1
        .filter((m) => (m.datagram.src === '192.0.2.1') === initiator)
        .flatMap((m) => m.payloads)
        .find((p) => p.type === 10);
      assert.ok(found?.type === 10, 'phase-1 nonce');
      return found.data;
    };
    const chosen = phase1
      .filter((m) => m.datagram.src === '192.0.2.2')
      .flatMap((m) => m.payloads)
      .find((p) => p.type === 1);
    assert.ok(chosen?.type === 1, "responder's SA");
    const attributes = chosen.proposals[0]!.transforms[0]!.attributes;
    const number = (type: number): number | undefined => {
      const a = findAttribute(attributes, type);
      return a === undefined ? undefined : attributeNumber(a);
    };
    const hash = HASHES.get(number(Phase1Attr.HASH_ALGORITHM) ?? 0);
    assert.ok(hash !== undefined);
    const cipher = number(Phase1Attr.ENCRYPTION_ALGORITHM);
    const keyLength = cipher === IkeEncryption['3DES_CBC'] ? 24 : (number(Phase1Attr.KEY_LENGTH) ?? 0) / 8;
    const { initiatorCookie, responderCookie } = messages.find((m) =>
      m.header.responderCookie.some((b) => b !== 0),
    )!.header;

    const gxy = Uint8Array.from(Buffer.from(logged(readme, 'shared Diffie Hellman secret'), 'hex'));
    const psk = readme.match(/\| Pre-shared key \| `([^`]+)`/)?.[1];
    const ni = nonce(true);
    const nr = nonce(false);
    const skeyid =
      psk === undefined ? skeyidSig(hash, ni, nr, gxy) : skeyidPsk(hash, Buffer.from(psk, 'latin1'), ni, nr);
    const { e } = deriveSkeyids(hash, skeyid, gxy, initiatorCookie, responderCookie);
    assert.equal(hex(skeyid), logged(readme, 'SKEYID'));
    assert.equal(hex(e), logged(readme, 'SKEYID_e'));
    assert.equal(hex(expandEncryptionKey(hash, e, keyLength)), logged(readme, 'encryption key Ka'));
  });
}
