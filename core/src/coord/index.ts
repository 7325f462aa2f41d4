export type { Coordinator, HeldLock } from './coordinator.js';
export { MemoryCoordinator } from './memory-coordinator.js';
export type { MemoryCoordinatorOptions } from './memory-coordinator.js';
export { RedisCoordinator } from './redis-coordinator.js';
export type { RedisCoordinatorOptions } from './redis-coordinator.js';
export type { RedisLogger } from './redis-link.js';
