// Attacks the IKEv1 engine did not withstand when they were written. Not a test file (CI
// stays green): each exported function is one case that can be pasted into a test
// (`test('...', fn)`) once the engine is fixed, and throws an AssertionError until then.
// Cases move into the adversarial-*.test.ts files as soon as the engine passes them.

import { hostileQuickMode, id, ID, ipv4, replaceIds } from './adversaryHostile.js';

/**
 * Finding (medium). V initiates a quick mode with proxy identities IDci/IDcr; an
 * authenticated peer answers with a QM2 that carries one, three (all different from the
 * offer) or no ID payloads. V checks the identities only when there are exactly two
 * (`if (ids.length === 2 && ...)` in QuickMode.qm2), so it sends QM3 and installs SAs for
 * its own selector while the peer may have installed SAs for other traffic. RFC 2409 §5.5:
 * the identities are passed as IDci then IDcr; a reply that does not return the offered
 * pair is INVALID-ID-INFORMATION (or, as V does for changed pairs, a counted drop).
 */
export function hostileQm2ProxyIdCount(): void {
  hostileQuickMode(
    {
      name: 'one ID',
      f: (ps) => replaceIds(ps, ps.filter((p) => p.type === ID).slice(0, 1)),
      expect: ['INVALID_ID_INFORMATION', 'PAYLOAD_MALFORMED', 'drop'],
    },
    'qm2',
  );
  hostileQuickMode(
    {
      name: 'three IDs, all changed',
      f: (ps) => replaceIds(ps, [id(1, ipv4('10.1.2.9')), id(1, ipv4('10.1.1.9')), id(1, ipv4('10.9.9.9'))]),
      expect: ['INVALID_ID_INFORMATION', 'PAYLOAD_MALFORMED', 'drop'],
    },
    'qm2',
  );
}
