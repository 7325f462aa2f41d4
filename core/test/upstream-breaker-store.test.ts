import test from 'ava';
import { MemoryBreakerStore } from '../src/upstream/index.js';
import { breakerStoreConformance } from './conformance/breaker-store-conformance.js';

// The same contract runs against the Redis store in upstream-breaker-store-redis.test.ts.
breakerStoreConformance(test, 'memory', async () => ({ store: new MemoryBreakerStore(), cleanup: async () => undefined }));
