import { BlockList, isIP } from 'node:net';

/**
 * Address ranges a redirect may not reach unless the operator allowed the host: whatever is not
 * the public internet (RFC 6890 special-purpose blocks). Each list is checked in order; the
 * first match names the kind for the error message.
 */
const RANGES: [kind: string, v4: string[], v6: string[]][] = [
  ['loopback', ['127.0.0.0/8'], ['::1/128']],
  ['unspecified', ['0.0.0.0/8'], ['::/128']],
  ['private', ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'], ['fc00::/7']],
  // 169.254.169.254 is the metadata service of most clouds.
  ['link-local', ['169.254.0.0/16'], ['fe80::/10', 'fec0::/10']],
  ['multicast', ['224.0.0.0/4'], ['ff00::/8']],
  [
    'reserved',
    ['192.0.0.0/24', '192.0.2.0/24', '198.18.0.0/15', '198.51.100.0/24', '203.0.113.0/24', '240.0.0.0/4'],
    ['100::/64', '2001:db8::/32'],
  ],
];

const LISTS: [kind: string, list: BlockList][] = RANGES.map(([kind, v4, v6]) => {
  const list = new BlockList();
  for (const cidr of v4) addSubnet(list, cidr, 'ipv4');
  for (const cidr of v6) addSubnet(list, cidr, 'ipv6');
  return [kind, list];
});

function addSubnet(list: BlockList, cidr: string, type: 'ipv4' | 'ipv6'): void {
  const [network, prefix] = cidr.split('/');
  list.addSubnet(network ?? '', Number(prefix), type);
}

/**
 * What kind of non-public address `ip` is (`loopback`, `private`, `link-local`, …), or
 * undefined for a public one. IPv4-mapped IPv6 addresses (`::ffff:127.0.0.1`) count as the
 * IPv4 address they carry. Something that is not an IP address at all counts as `invalid`.
 */
export function nonPublicKind(ip: string): string | undefined {
  const family = isIP(ip);
  if (family === 0) return 'invalid';
  const type = family === 4 ? 'ipv4' : 'ipv6';
  for (const [kind, list] of LISTS) if (list.check(ip, type)) return kind;
  return undefined;
}

/** `::ffff:1.2.3.4` → `1.2.3.4`; anything else lower-cased as it is. */
export function plainAddress(ip: string): string {
  const lower = ip.toLowerCase();
  return lower.startsWith('::ffff:') && isIP(lower.slice(7)) === 4 ? lower.slice(7) : lower;
}
