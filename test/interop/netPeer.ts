// The strongSwan peer several interop tests share: charon in r2 with one IKEv1 PSK connection
// `ts` to r1 (aes128-sha1-modp2048) whose child `net` is 10.2.0.0/24 <-> 10.1.0.0/24 with
// aes128-sha1, loaded and not initiated.

import { ADDR, Charon, type Lab } from './harness.js';
import { swanctlConf } from './swanctl.js';

export async function strongSwanNetPeer(lab: Lab, psk: string): Promise<Charon> {
  const charon = await Charon.start(lab, 'r2', 'sw');
  await charon.load(
    swanctlConf({
      name: 'ts',
      localAddress: ADDR.r2Wan,
      remoteAddress: ADDR.r1Wan,
      proposals: 'aes128-sha1-modp2048',
      psk,
      children: [{ name: 'net', localTs: '10.2.0.0/24', remoteTs: '10.1.0.0/24', esp: 'aes128-sha1' }],
    }),
  );
  return charon;
}
