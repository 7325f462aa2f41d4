// A replica that takes one lock and keeps renewing it until it is killed: the test SIGKILLs it
// to play a leader that dies without releasing. Args: <redis url> <key prefix> <key> <ttl ms>.
import { RedisCoordinator } from '../../src/coord/index.js';

const [url, keyPrefix, key, ttl] = process.argv.slice(2);
if (!url || !keyPrefix || !key || !ttl) throw new Error('usage: redis-lock-holder <url> <prefix> <key> <ttlMs>');
const coordinator = await RedisCoordinator.connect({ url, keyPrefix });
const lock = await coordinator.tryLock(key, Number(ttl));
process.stdout.write(lock ? 'locked\n' : 'busy\n');
if (!lock) await coordinator.close();
// Keeps the process (and the renewal timers, which do not hold it up themselves) alive.
else setInterval(() => undefined, 60_000);
