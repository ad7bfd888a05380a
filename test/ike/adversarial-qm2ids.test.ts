import { test } from 'node:test';
import { hostileQm2ProxyIdCount } from './adversary-qm2ids.js';

test('QM2 with one, three or no ID payloads is refused with INVALID-ID-INFORMATION', () => {
  hostileQm2ProxyIdCount();
});
