// Walks a capture and yields every ISAKMP message it holds, decoded and (with keys) decrypted,
// in frame order. A frame that does not decode is reported with its frame number and offset and
// the walk goes on. IKEv1 fragments (payload 132, announced by the FRAGMENTATION vendor ID) are
// collected per fragment ID and the reassembled message is decoded when the last one arrives.

import {
  DecodeError,
  decodeMessage,
  decodePayloads,
  ExchangeType,
  HEADER_LENGTH,
  PayloadType,
  type FragmentPayload,
  type IsakmpHeader,
  type Payload,
} from '../wire/index.js';
import { CaptureDecryptor, type DecodeCrypto } from './decodeDecrypt.js';
import { FrameClassifier, type IsakmpDatagram } from './decodeFrames.js';
import { IkeFragmentCollector } from './decodeIkeFragments.js';
import type { Ikev1KeyTable } from './decodeKeys.js';
import { phase1SuiteOf } from './decodePhase1Suite.js';
import { endpoint, hexOf as hex } from './decodeValues.js';
import type { PcapFrame } from './pcap.js';

export type Encryption =
  | {
      readonly status: 'decrypted';
      readonly length: number;
      readonly iv: Uint8Array;
      readonly padding: Uint8Array;
    }
  | { readonly status: 'opaque'; readonly length: number; readonly reason: string };

export interface DecodedMessage {
  readonly kind: 'message';
  readonly datagram: IsakmpDatagram;
  readonly header: IsakmpHeader;
  /** Cleartext payloads, or the decrypted ones. */
  readonly payloads: readonly Payload[];
  /** Set when the E flag is. */
  readonly encryption?: Encryption;
  /** Bytes after the last payload inside the header's length (cleartext messages). */
  readonly trailing?: Uint8Array;
  /** For a message rebuilt from IKE fragments: the frames that carried them. */
  readonly reassembledFrom?: readonly number[];
}

export interface MalformedMessage {
  readonly kind: 'malformed';
  readonly frame: number;
  readonly src?: string;
  readonly dst?: string;
  /** Offset inside the ISAKMP message (or the reassembled message), when the problem is there. */
  readonly offset?: number;
  /** Offset inside the captured frame (for a reassembled message: its last fragment's frame). */
  readonly frameOffset: number;
  readonly message: string;
}

export type DecodedItem = DecodedMessage | MalformedMessage;

const PHASE1_EXCHANGES: ReadonlySet<number> = new Set([
  ExchangeType.BASE,
  ExchangeType.IDENTITY_PROTECTION,
  ExchangeType.AUTHENTICATION_ONLY,
  ExchangeType.AGGRESSIVE,
]);

export function* decodeIsakmpCapture(
  frames: readonly PcapFrame[],
  keys: Ikev1KeyTable,
  crypto: DecodeCrypto,
): Generator<DecodedItem> {
  const session = new DecodeSession(keys, crypto);
  const classifier = new FrameClassifier();
  for (const frame of frames) {
    const classified = classifier.classify(frame);
    if (classified.kind === 'skipped') continue;
    if (classified.kind === 'broken') {
      yield {
        kind: 'malformed',
        frame: classified.frame,
        frameOffset: classified.frameOffset,
        message: classified.message,
      };
      continue;
    }
    yield* session.datagram(classified);
  }
}

class DecodeSession {
  private readonly decryptor: CaptureDecryptor;
  /** Address of the initiator of each IKE SA, by initiator cookie (from its first message). */
  private readonly initiators = new Map<string, string>();
  private readonly fragments = new IkeFragmentCollector();

  constructor(keys: Ikev1KeyTable, crypto: DecodeCrypto) {
    this.decryptor = new CaptureDecryptor(keys, crypto);
  }

  *datagram(
    datagram: IsakmpDatagram,
    bytes = datagram.bytes,
    reassembledFrom?: readonly number[],
  ): Generator<DecodedItem> {
    const base = reassembledFrom === undefined ? datagram.frameOffset : undefined;
    let decoded;
    try {
      decoded = decodeMessage(bytes);
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
      yield this.malformed(datagram, error, base, reassembledFrom);
      return;
    }
    const { header } = decoded;
    const icookie = hex(header.initiatorCookie);
    if (!this.initiators.has(icookie) && isZero(header.responderCookie))
      this.initiators.set(icookie, datagram.src);
    const common = {
      kind: 'message' as const,
      datagram,
      header,
      ...(reassembledFrom === undefined ? {} : { reassembledFrom }),
    };

    if (decoded.encrypted === undefined) {
      this.learn(header, datagram, decoded.payloads);
      yield {
        ...common,
        payloads: decoded.payloads,
        ...(decoded.trailing === undefined ? {} : { trailing: decoded.trailing }),
      };
      yield* this.fragment(datagram, header, decoded.payloads);
      return;
    }

    const ciphertext = decoded.encrypted;
    const result = this.decryptor.decrypt(icookie, header.messageId, ciphertext);
    if (!result.ok) {
      yield {
        ...common,
        payloads: [],
        encryption: { status: 'opaque', length: ciphertext.length, reason: result.reason },
      };
      return;
    }
    let inner;
    try {
      inner = decodePayloads(header.nextPayload, result.plaintext, HEADER_LENGTH);
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
      yield this.malformed(datagram, error, base, reassembledFrom, 'after decryption (wrong key?)');
      return;
    }
    this.learn(header, datagram, inner.payloads);
    yield {
      ...common,
      payloads: inner.payloads,
      encryption: { status: 'decrypted', length: ciphertext.length, iv: result.iv, padding: inner.trailing },
    };
  }

  /** Phase-1 KE payloads and the responder's chosen transform: what decryption needs. */
  private learn(header: IsakmpHeader, datagram: IsakmpDatagram, payloads: readonly Payload[]): void {
    if (header.messageId !== 0 || !PHASE1_EXCHANGES.has(header.exchangeType)) return;
    const icookie = hex(header.initiatorCookie);
    const initiator = this.initiators.get(icookie);
    const fromInitiator = initiator === undefined ? undefined : datagram.src === initiator;
    for (const payload of payloads) {
      if (payload.type === PayloadType.KE) {
        // Without the first message the order decides: the initiator's KE comes first in
        // main mode (MM3 before MM4) and aggressive mode (AM1 before AM2).
        this.decryptor.noteKeyExchange(
          icookie,
          fromInitiator ?? !this.decryptor.hasKeyExchange(icookie),
          payload.data,
        );
      } else if (payload.type === PayloadType.SA && fromInitiator !== true) {
        const chosen = phase1SuiteOf(payload);
        if (chosen !== undefined) this.decryptor.noteSuite(icookie, chosen);
      }
    }
  }

  /** Collects IKE fragments; yields the reassembled message after the last one. */
  private *fragment(
    datagram: IsakmpDatagram,
    header: IsakmpHeader,
    payloads: readonly Payload[],
  ): Generator<DecodedItem> {
    const fragment = payloads.find((p): p is FragmentPayload => p.type === PayloadType.FRAGMENT);
    if (fragment === undefined) return;
    const whole = this.fragments.add(hex(header.initiatorCookie), fragment, datagram.frame);
    if (whole !== undefined) yield* this.datagram(datagram, whole.bytes, whole.frames);
  }

  private malformed(
    datagram: IsakmpDatagram,
    error: DecodeError,
    base: number | undefined,
    reassembledFrom: readonly number[] | undefined,
    context?: string,
  ): MalformedMessage {
    const what =
      (reassembledFrom === undefined
        ? 'ISAKMP message'
        : `ISAKMP message reassembled from frames ${reassembledFrom.join(', ')}`) +
      (datagram.ipFragments === undefined
        ? ''
        : ` (in the IP datagram reassembled from frames ${datagram.ipFragments.join(', ')})`);
    return {
      kind: 'malformed',
      frame: datagram.frame,
      src: endpoint(datagram.src, datagram.srcPort),
      dst: endpoint(datagram.dst, datagram.dstPort),
      offset: error.offset,
      frameOffset: base === undefined ? datagram.frameOffset : base + error.offset,
      // DecodeError's text ends in "at offset N"; the offset is reported as a field instead.
      message: `malformed ${what}${context === undefined ? '' : ` ${context}`}: ${error.message.replace(/ at offset \d+$/, '')}`,
    };
  }
}

function isZero(bytes: Uint8Array): boolean {
  return bytes.every((b) => b === 0);
}
