export {
  UpstreamClient,
  type UpstreamClientOptions,
  type UpstreamRequestOptions,
  type UpstreamResponse,
} from './upstream-client.js';
export { CircuitBreaker, type BreakerState, type BreakerTicket, type CircuitBreakerOptions } from './circuit-breaker.js';
export { MemoryBreakerStore, type Admission, type BreakerRecord, type BreakerStore } from './breaker-store.js';
export { isUnreachable } from './upstream-errors.js';
export { portOf } from './request-target.js';
export type { ListenAddress } from './redirect-guard.js';
export { RedisBreakerStore, type RedisBreakerStoreOptions } from './redis-breaker-store.js';
