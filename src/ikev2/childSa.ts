// The CHILD_SA that IKE_AUTH creates (RFC 7296 §1.2, §2.17; after strongSwan's child_create
// task): the ESP proposals with our SPI, the responder's choice and traffic-selector
// narrowing, and the KEYMAT split into the inbound/outbound pair the data plane installs.

import { childKeymat } from '../crypto/index.js';
import type { Rng } from '../ike/types.js';
import type { TrafficSelector } from '../policy/model.js';
import type { IpsecSa, IpsecSaPair } from '../policy/sa.js';
import { describeSelector, mirrorSelector } from '../policy/selector.js';
import {
  findIkev2,
  type Ikev2Payload,
  type Ikev2Proposal,
  Notify,
  notify,
  ProtocolId,
} from '../wire/ikev2/index.js';
import { espSuiteOf, keyLengths } from './algorithms.js';
import type { ChildSa, Ikev2Sa } from './ikeSa.js';
import type { Refusal } from './ikeInit.js';
import { acceptChosen, chooseProposal, describeTransform, withSpi } from './proposals.js';
import { acceptNarrowed, narrow, selectorPayloads } from './trafficSelectors.js';

export function spiBytes(spi: number): Uint8Array {
  return Uint8Array.of(spi >>> 24, (spi >>> 16) & 0xff, (spi >>> 8) & 0xff, spi & 0xff);
}

export function spiNumber(b: Uint8Array): number {
  return b.length === 4
    ? (b[0] ?? 0) * 0x1000000 + (((b[1] ?? 0) << 16) | ((b[2] ?? 0) << 8) | (b[3] ?? 0))
    : 0;
}

/** A fresh inbound SPI: random, above the 1-255 range RFC 4303 §2.1 reserves. */
export function newSpi(rng: Rng): number {
  for (;;) {
    const spi = spiNumber(rng.randomBytes(4));
    if (spi > 255) return spi;
  }
}

/** The initiator's child payloads: SA with our inbound SPI, TSi and TSr of our ACL line. */
export function childRequest(sa: Ikev2Sa, rng: Rng): Ikev2Payload[] {
  const spi = newSpi(rng);
  sa.childSpi = spi;
  const { tsi, tsr } = selectorPayloads(sa.peer.selector);
  return [{ type: 33, proposals: withSpi(sa.peer.childProposals, spiBytes(spi)) }, tsi, tsr];
}

export type ChildOutcome =
  { readonly payloads: Ikev2Payload[]; readonly child: ChildSa } | { readonly refused: Refusal };

/** The responder's choice for the child request in `payloads`. */
export function childResponse(sa: Ikev2Sa, payloads: readonly Ikev2Payload[], rng: Rng): ChildOutcome {
  const saPayload = findIkev2(payloads, 33);
  const tsi = findIkev2(payloads, 44);
  const tsr = findIkev2(payloads, 45);
  if (!saPayload || !tsi || !tsr) {
    return { refused: { notify: notify(Notify.INVALID_SYNTAX), reason: 'IKE_AUTH without SA, TSi or TSr' } };
  }
  const choice = chooseProposal(sa.peer.childProposals, saPayload.proposals);
  if ('refused' in choice) {
    return {
      refused: {
        notify: notify(Notify.NO_PROPOSAL_CHOSEN),
        reason: `no CHILD_SA proposal chosen: ${choice.refused}`,
      },
    };
  }
  if (choice.chosen.spi.length !== 4) {
    return {
      refused: {
        notify: notify(Notify.INVALID_SYNTAX),
        reason: `ESP SPI of ${choice.chosen.spi.length} bytes`,
      },
    };
  }
  const narrowed = narrow(sa.peer.selector, tsi, tsr);
  if ('refused' in narrowed) {
    return {
      refused: {
        notify: notify(Notify.TS_UNACCEPTABLE),
        reason: `traffic selectors unacceptable: ${narrowed.refused}`,
      },
    };
  }
  const spi = newSpi(rng);
  const chosen = { ...choice.chosen, spi: spiBytes(spi) };
  const child = makeChild(sa, chosen, spi, spiNumber(choice.chosen.spi), narrowed.selector);
  if ('refused' in child) return child;
  const ts = selectorPayloads(mirrorSelector(narrowed.selector));
  return { payloads: [{ type: 33, proposals: [chosen] }, ts.tsi, ts.tsr], child };
}

/** The initiator's reading of the child half of the IKE_AUTH response. */
export function childAccepted(
  sa: Ikev2Sa,
  payloads: readonly Ikev2Payload[],
): { readonly child: ChildSa } | { readonly refused: Refusal } {
  const saPayload = findIkev2(payloads, 33);
  const tsi = findIkev2(payloads, 44);
  const tsr = findIkev2(payloads, 45);
  if (!saPayload || !tsi || !tsr || sa.childSpi === undefined)
    return { refused: { reason: 'no CHILD_SA in the answer' } };
  const offered = withSpi(sa.peer.childProposals, spiBytes(sa.childSpi));
  const choice = acceptChosen(
    offered,
    saPayload.proposals.map((p) => ({ ...p })),
  );
  if ('refused' in choice) return { refused: { reason: `the chosen CHILD_SA proposal: ${choice.refused}` } };
  if (choice.chosen.spi.length !== 4) return { refused: { reason: 'the answer has no 4-byte ESP SPI' } };
  const narrowed = acceptNarrowed(sa.peer.selector, tsi, tsr);
  if ('refused' in narrowed) return { refused: { reason: `traffic selectors: ${narrowed.refused}` } };
  const child = makeChild(sa, choice.chosen, sa.childSpi, spiNumber(choice.chosen.spi), narrowed.selector);
  return 'refused' in child ? child : { child };
}

function makeChild(
  sa: Ikev2Sa,
  chosen: Ikev2Proposal,
  inboundSpi: number,
  outboundSpi: number,
  selector: TrafficSelector,
): ChildSa | { readonly refused: Refusal } {
  const esp = espSuiteOf(chosen);
  if (!esp || chosen.protocolId !== ProtocolId.ESP || !sa.suite || !sa.keys || !sa.nonceI || !sa.nonceR) {
    return {
      refused: {
        notify: notify(Notify.NO_PROPOSAL_CHOSEN),
        reason: 'the chosen ESP proposal is not runnable',
      },
    };
  }
  const lengths = keyLengths(esp.cipher, esp.integrity);
  const k = childKeymat(sa.suite.prf, sa.keys.d, sa.nonceI, sa.nonceR, lengths);
  // §2.17: the first keys protect initiator-to-responder traffic.
  const [outE, outA, inE, inA] = sa.initiator ? [k.ei, k.ai, k.er, k.ar] : [k.er, k.ar, k.ei, k.ai];
  const udp = sa.natLocal || sa.natRemote;
  const base = {
    protocol: 'esp',
    mode: sa.peer.mode,
    cipher: esp.cipher.name,
    ...(esp.cipher.name.startsWith('aes') ? { cipherKeyBits: esp.cipher.keyLength * 8 } : {}),
    integrity: esp.integrity.name,
    selector,
    lifetime: sa.peer.childLifetime,
    extendedSequenceNumbers: esp.esn,
    ...(udp ? { udpEncapsulation: { localPort: sa.localPort, remotePort: sa.peerPort } } : {}),
    ...(sa.peer.cryptoMap ? { cryptoMap: sa.peer.cryptoMap } : {}),
    ...(sa.peer.transformSet ? { transformSet: sa.peer.transformSet } : {}),
  } as const;
  const keys = (e: Uint8Array, a: Uint8Array): Pick<IpsecSa, 'encryptionKey' | 'integrityKey'> => ({
    ...(e.length ? { encryptionKey: e } : {}),
    ...(a.length ? { integrityKey: a } : {}),
  });
  const pair: IpsecSaPair = {
    inbound: {
      ...base,
      direction: 'inbound',
      spi: inboundSpi,
      source: sa.peerAddress,
      destination: sa.localAddress,
      ...keys(inE, inA),
    },
    outbound: {
      ...base,
      direction: 'outbound',
      spi: outboundSpi,
      source: sa.localAddress,
      destination: sa.peerAddress,
      ...keys(outE, outA),
    },
  };
  return {
    inboundSpi,
    outboundSpi,
    selector,
    pair,
    description: `${chosen.transforms.map(describeTransform).join('/')} ${describeSelector(selector)}`,
  };
}
