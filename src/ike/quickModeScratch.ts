// A finished quick mode stays on its IKE SA until the retransmission window is over (its
// reply answers a retransmitted message, its message ID stays taken), but once its SAs are
// installed nothing derives KEYMAT from it again: its nonces are zeroed and dropped
// (RFC 2409 §5.5: KEYMAT = prf(SKEYID_d, [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b)). Nor is
// anything decrypted under its message ID again (a retransmission is known by its bytes before
// decryption, anything else for a finished exchange is dropped): its CBC IV goes too.

import type { QuickMode } from './quickMode.js';

export function wipeInstalledQuickMode(node: QuickMode, installed: boolean): void {
  if (node.doneAt === undefined || !installed) return;
  node.ni?.fill(0);
  node.nr?.fill(0);
  node.ni = undefined;
  node.nr = undefined;
  node.sa.phase2Ivs.delete(node.messageId);
}
