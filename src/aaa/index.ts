export { localMethod } from './local.js';
export { loginMethods, type ServerGroupFactories } from './loginList.js';
export { runMethodList, type AaaOutcome, type LoginMethod, type MethodListResult } from './method.js';
