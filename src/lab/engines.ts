// The lab's real engines: the configuration parser and gateways with the IKE manager and
// data plane, randomness seeded per router so a run can be repeated exactly.

import { createGateway } from '../gateway/create.js';
import { parseConfigText } from '../gateway/configFile.js';
import { SeededRandom } from '../net/virtual/rng.js';
import type { LabEngines } from './run.js';

export const realEngines: LabEngines = {
  parse: (text, file) => parseConfigText(text, file),
  createGateway: (context) => {
    const random = new SeededRandom(context.seed);
    return createGateway({
      config: context.router.config,
      adapters: context.adapters,
      scheduler: context.scheduler,
      bus: context.bus,
      holdQueueLimit: context.holdQueueLimit,
      ...(context.onSaInstalled !== undefined ? { onSaInstalled: context.onSaInstalled } : {}),
      ...(context.onIkeKeys !== undefined ? { onIkeKeys: context.onIkeKeys } : {}),
      rng: { randomBytes: (n) => random.bytes(n) },
      ike: {
        ...(context.aggressiveMode ? { aggressiveMode: true } : {}),
        ...(context.remoteAccessClient !== undefined
          ? { remoteAccessClient: context.remoteAccessClient }
          : {}),
        ...(context.decryptionKeys ? { decryptionKeys: context.decryptionKeys } : {}),
        // Certificate validity is wall-clock time; the lab's clock is virtual.
        ...(context.pki ? { pki: { signingKeys: context.pki.signingKeys, now: Date.now } } : {}),
      },
      ...(context.aaa !== undefined ? { aaa: context.aaa } : {}),
      ...(context.l2tpClient !== undefined ? { l2tpClient: context.l2tpClient } : {}),
      ...(context.pki ? { keyPairs: () => context.pki?.keyPairs ?? [] } : {}),
    });
  },
};
