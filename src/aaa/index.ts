export { localMethod } from './local.js';
export { loginMethods, type ServerGroupFactories } from './loginList.js';
export {
  runChapMethodList,
  runMethodList,
  type AaaOutcome,
  type ChapCredentials,
  type ChapOutcome,
  type LoginMethod,
  type MethodListResult,
} from './method.js';
export { type AaaDatagramSocket, type AaaIo, type AaaStream, nodeAaaIo } from './io.js';
export { serverGroups } from './serverGroups.js';
