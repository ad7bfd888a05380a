// A QM2 that does not return exactly the offered pair of proxy identities (found by the
// adversarial tests; the engine now refuses it). Run by adversarial-qm2ids.test.ts.

import { hostileQuickMode, id, ID, ipv4, replaceIds } from './adversaryHostile.js';

/**
 * V initiates a quick mode with proxy identities IDci/IDcr; an
 * authenticated peer answers with a QM2 that carries one, three (all different from the
 * offer) or no ID payloads. V checked the identities only when there were exactly two,
 * so it used to send QM3 and install SAs for its own selector while the peer may have
 * installed SAs for other traffic. RFC 2409 §5.5:
 * the identities are passed as IDci then IDcr; a reply that does not return the offered
 * pair is INVALID-ID-INFORMATION.
 */
export function hostileQm2ProxyIdCount(): void {
  hostileQuickMode(
    {
      name: 'one ID',
      f: (ps) => replaceIds(ps, ps.filter((p) => p.type === ID).slice(0, 1)),
      expect: 'INVALID_ID_INFORMATION',
    },
    'qm2',
  );
  hostileQuickMode(
    {
      name: 'three IDs, all changed',
      f: (ps) => replaceIds(ps, [id(1, ipv4('10.1.2.9')), id(1, ipv4('10.1.1.9')), id(1, ipv4('10.9.9.9'))]),
      expect: 'INVALID_ID_INFORMATION',
    },
    'qm2',
  );
}
