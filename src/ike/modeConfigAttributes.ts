// The attributes of the gateway's Mode Config REPLY (pull) and SET (push), from the client's
// address and its group's settings (draft-dukes-ike-mode-cfg-02 §3.2-3.3; the Cisco Unity
// numbers of strongSwan's attributes.h). A REPLY answers what the REQUEST asked for — an
// empty value asks for one, and the address always goes back, since the client pulled for
// it; a SET pushes the address and everything configured.

import { CfgAttr } from '../wire/constants/modeConfig.js';
import { encodeUnitySplit, tlv, tv, type Attribute } from '../wire/index.js';
import { ipv4FromText } from '../packet/address.js';
import type { ModeConfigOffer } from '../policy/remoteAccess.js';
import type { ModeConfigReceived } from './events.js';

/** One address per client: its own host route, as IOS gives a Mode Config address. */
const HOST_MASK = '255.255.255.255';

export interface ModeConfigAnswer {
  readonly attributes: Attribute[];
  /** What the attributes carry, for the debug lines (no secret among them). */
  readonly given: ModeConfigReceived & { readonly savePassword?: boolean };
}

/** The attributes of one type that `offer` holds for `address`; none when nothing is configured. */
function attributesOf(
  type: number,
  address: string,
  offer: ModeConfigOffer,
): { attributes: Attribute[]; given: Partial<ModeConfigAnswer['given']> } {
  switch (type) {
    case CfgAttr.INTERNAL_IP4_ADDRESS:
      return { attributes: [tlv(type, ipv4FromText(address))], given: {} };
    case CfgAttr.INTERNAL_IP4_NETMASK:
      return { attributes: [tlv(type, ipv4FromText(HOST_MASK))], given: { netmask: HOST_MASK } };
    case CfgAttr.INTERNAL_IP4_DNS:
      return { attributes: offer.dns.map((a) => tlv(type, ipv4FromText(a))), given: { dns: offer.dns } };
    case CfgAttr.INTERNAL_IP4_NBNS:
      return { attributes: offer.wins.map((a) => tlv(type, ipv4FromText(a))), given: { wins: offer.wins } };
    case CfgAttr.UNITY_DEF_DOMAIN:
      return offer.domain === undefined
        ? { attributes: [], given: {} }
        : {
            attributes: [tlv(type, new TextEncoder().encode(offer.domain))],
            given: { domain: offer.domain },
          };
    case CfgAttr.UNITY_SPLIT_INCLUDE:
      return offer.splitInclude.length === 0
        ? { attributes: [], given: {} }
        : {
            attributes: [tlv(type, encodeUnitySplit(offer.splitInclude))],
            given: { splitInclude: offer.splitInclude },
          };
    case CfgAttr.UNITY_SAVE_PASSWD:
      return {
        attributes: [tv(type, offer.savePassword ? 1 : 0)],
        given: { savePassword: offer.savePassword },
      };
    default:
      return { attributes: [], given: {} };
  }
}

function answer(types: readonly number[], address: string, offer: ModeConfigOffer): ModeConfigAnswer {
  const attributes: Attribute[] = [];
  let given: ModeConfigAnswer['given'] = { dns: [], wins: [], splitInclude: [], localLan: [] };
  for (const type of types) {
    const part = attributesOf(type, address, offer);
    attributes.push(...part.attributes);
    given = { ...given, ...part.given };
  }
  return { attributes, given };
}

/** The REPLY to a client's REQUEST: each type it asked for once, in its order, the address first if it did not. */
export function modeConfigReply(
  requested: readonly Attribute[],
  address: string,
  offer: ModeConfigOffer,
): ModeConfigAnswer {
  const types = [...new Set(requested.map((a) => a.type))];
  if (!types.includes(CfgAttr.INTERNAL_IP4_ADDRESS)) types.unshift(CfgAttr.INTERNAL_IP4_ADDRESS);
  return answer(types, address, offer);
}

/** The SET that pushes the address and the group's settings (Unity ones too: nobody asked, so we tell). */
export function modeConfigPush(address: string, offer: ModeConfigOffer): ModeConfigAnswer {
  return answer(
    [
      CfgAttr.INTERNAL_IP4_ADDRESS,
      CfgAttr.INTERNAL_IP4_DNS,
      CfgAttr.INTERNAL_IP4_NBNS,
      CfgAttr.UNITY_DEF_DOMAIN,
      CfgAttr.UNITY_SPLIT_INCLUDE,
      ...(offer.savePassword ? [CfgAttr.UNITY_SAVE_PASSWD] : []),
    ],
    address,
    offer,
  );
}
