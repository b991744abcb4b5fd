import { BlockList, isIP } from 'node:net'

// Special-purpose ranges (IANA IPv4/IPv6 special-purpose registries) a merchant's callback URL
// must never reach: EPay's own host, its private network, cloud metadata (169.254.169.254),
// carrier NAT, documentation and benchmarking nets, multicast and reserved space.
const V4_RANGES: Array<[string, number]> = [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15],
  ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
]
// IPv6 ranges with no IPv4 inside: unspecified, loopback, discard, documentation, unique local,
// link-local, site-local, multicast, local-use NAT64 (its mapping is the operator's own), Teredo
// (its IPv4 is obfuscated and reaches whatever relay routes it) and ORCHID.
const V6_RANGES: Array<[string, number]> = [
  ['::', 128], ['::1', 128], ['100::', 64], ['2001:db8::', 32], ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8],
  ['64:ff9b:1::', 48], ['2001::', 32], ['2001:10::', 28], ['2001:20::', 28],
]

const V4 = new BlockList()
for (const [net, prefix] of V4_RANGES) V4.addSubnet(net, prefix, 'ipv4')
const V6 = new BlockList()
for (const [net, prefix] of V6_RANGES) V6.addSubnet(net, prefix, 'ipv6')

/**
 * Tells whether a callback may not connect to `address` (SSRF, SPEC §8). An IPv6 address that
 * carries an IPv4 one — mapped `::ffff:a.b.c.d`, compatible `::a.b.c.d`, translated
 * `::ffff:0:a.b.c.d`, NAT64 `64:ff9b::/96`, 6to4 `2002:AABB:CCDD::/48` — is judged by that IPv4
 * address, because the kernel or a gateway on the way delivers it there. Anything that is not
 * an IP address is blocked: the caller checks resolved addresses, never names.
 * @see https://www.iana.org/assignments/iana-ipv6-special-registry/
 */
export function isBlockedAddress(address: string): boolean {
  const plain = address.replace(/%.*$/, '')
  const family = isIP(plain)
  if (family === 4) return V4.check(plain, 'ipv4')
  if (family !== 6) return true
  const bytes = ipv6Bytes(plain)
  if (!bytes) return true
  const embedded = embeddedIpv4(bytes)
  if (embedded) return V4.check(embedded, 'ipv4')
  return V6.check(plain, 'ipv6')
}

/** The IPv4 address an IPv6 address delivers to, if it is one of the forms that embed one. */
function embeddedIpv4(b: Uint8Array): string | undefined {
  const zeros = (from: number, to: number) => b.subarray(from, to).every((x) => x === 0)
  const v4 = (at: number) => `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`
  // ::ffff:0:0/96 mapped, ::ffff:0:0:0/96 translated (SIIT), ::/96 compatible (but :: and ::1).
  if (zeros(0, 10) && b[10] === 0xff && b[11] === 0xff) return v4(12)
  if (zeros(0, 8) && b[8] === 0xff && b[9] === 0xff && b[10] === 0 && b[11] === 0) return v4(12)
  if (zeros(0, 12) && !zeros(12, 15)) return v4(12)
  // 64:ff9b::/96, the well-known NAT64 prefix (RFC 6052).
  if (b[0] === 0 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zeros(4, 12)) return v4(12)
  // 2002::/16, 6to4 (RFC 3056): the relay sends it to the IPv4 address in bits 16–47.
  if (b[0] === 0x20 && b[1] === 0x02) return v4(2)
  return undefined
}

/** The 16 bytes of a textual IPv6 address (already checked by `isIP`), or undefined. */
function ipv6Bytes(address: string): Uint8Array | undefined {
  let text = address.toLowerCase()
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text)
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number]
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`
  }
  const [head = '', tail] = text.split('::')
  const left = head ? head.split(':') : []
  const right = tail ? tail.split(':') : []
  const missing = 8 - left.length - right.length
  if (tail === undefined ? missing !== 0 : missing < 1) return undefined
  const groups = [...left, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...right]
  const bytes = new Uint8Array(16)
  groups.forEach((group, i) => {
    const value = Number.parseInt(group, 16)
    bytes[i * 2] = value >> 8
    bytes[i * 2 + 1] = value & 0xff
  })
  return bytes
}
