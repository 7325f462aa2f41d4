export { WorkerPool } from './pool.js';
export type { PoolTask } from './pool.js';
export { hashFile } from './tasks/hash-file.js';
export type { HashFileInput, HashFileOutput } from './tasks/hash-file.js';
