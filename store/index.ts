export { openStore } from './open.js';
export { proveStoreFile } from './prove-file.js';
export { StoreError } from './types.js';
export type * from './types.js';
