import { isIP } from 'node:net';

/** Names proxy-addr (fastify's trustProxy) expands to address ranges. */
const RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * Whether `value` is an entry fastify's trustProxy list accepts: an IP, an IP/prefix CIDR, or a
 * range name. Checked here so a typo is a config error naming its key, not a crash at listen.
 */
export function isProxyAddress(value: string): boolean {
  if (RANGE_NAMES.has(value)) return true;
  const [address = '', prefix, extra] = value.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}
