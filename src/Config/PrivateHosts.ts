/**
 * Whether a host is private, loopback, link-local or otherwise not a public upstream — decided on
 * the address, not its spelling. The URL parser first normalises what it can (IPv4 in decimal,
 * octal, hex or short forms becomes dotted; IPv6 is compressed), then IPv6 literals are read as
 * eight groups, and an IPv4 address carried inside one (IPv4-mapped `::ffff:0:0/96`, IPv4-compatible
 * `::/96`, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`) is judged as the IPv4 address it is.
 */

/** The hostname as the URL parser writes it (brackets and trailing dots removed), or undefined. */
export const normalizeHost = (host: string): string | undefined => {
  try {
    const bare = host.startsWith("[") || !host.includes(":") || /^[^:]+:\d+$/.test(host) ? host : `[${host}]`
    return new URL(`https://${bare}/`).hostname.toLowerCase().replace(/^\[|\]$/g, "").replace(/\.+$/, "")
  } catch {
    return undefined
  }
}

const privateIpv4 = (a: number, b: number, c: number): boolean =>
  a === 0 || a === 10 || a === 127 || // this network, private, loopback
  (a === 100 && b >= 64 && b <= 127) || // carrier-grade NAT
  (a === 169 && b === 254) || // link-local (cloud metadata)
  (a === 172 && b >= 16 && b <= 31) ||
  (a === 192 && b === 168) ||
  (a === 192 && b === 0 && c === 0) || // IETF protocol assignments
  (a === 198 && (b === 18 || b === 19)) || // benchmarking
  a >= 224 // multicast, reserved, broadcast

const ipv4Of = (host: string): [number, number, number, number] | undefined => {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host)
  if (m === null) return undefined
  const parts = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])] as [number, number, number, number]
  return parts.every((p) => p <= 255) ? parts : undefined
}

/** The eight 16-bit groups of an IPv6 literal (a dotted IPv4 tail included), or undefined. */
const ipv6Groups = (host: string): Array<number> | undefined => {
  if (!host.includes(":")) return undefined
  let text = host
  const tail: Array<number> = []
  const dotted = /(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text)
  if (dotted !== null) {
    const v4 = ipv4Of(dotted[1]!)
    if (v4 === undefined) return undefined
    tail.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3])
    text = text.slice(0, -dotted[1]!.length) + "0:0" // placeholder groups, replaced below
  }
  const halves = text.split("::")
  if (halves.length > 2) return undefined
  const read = (s: string) => (s === "" ? [] : s.split(":").map((g) => (/^[0-9a-f]{1,4}$/.test(g) ? Number.parseInt(g, 16) : Number.NaN)))
  const head = read(halves[0]!)
  const rest = halves.length === 2 ? read(halves[1]!) : []
  const missing = 8 - head.length - rest.length
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined
  const groups = [...head, ...Array<number>(halves.length === 2 ? missing : 0).fill(0), ...rest]
  if (groups.some((g) => Number.isNaN(g))) return undefined
  if (tail.length === 2) groups.splice(6, 2, tail[0]!, tail[1]!)
  return groups
}

const embeddedIpv4 = (hi: number, lo: number) => privateIpv4(hi >> 8, hi & 0xff, lo >> 8)

const privateIpv6 = (g: ReadonlyArray<number>): boolean => {
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0)
  if (zeros(0, 8)) return true // unspecified ::
  if (zeros(0, 7) && g[7] === 1) return true // loopback ::1
  if (zeros(0, 5) && g[5] === 0xffff) return embeddedIpv4(g[6]!, g[7]!) // IPv4-mapped
  if (zeros(0, 6)) return embeddedIpv4(g[6]!, g[7]!) // IPv4-compatible (deprecated)
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return embeddedIpv4(g[6]!, g[7]!) // NAT64
  if (g[0] === 0x2002) return embeddedIpv4(g[1]!, g[2]!) // 6to4
  const first = g[0]!
  return (first & 0xfe00) === 0xfc00 || // unique local fc00::/7
    (first & 0xffc0) === 0xfe80 || // link-local fe80::/10
    (first & 0xffc0) === 0xfec0 || // site-local (deprecated)
    (first & 0xff00) === 0xff00 // multicast
}

/** Private, loopback, link-local, unspecified or reserved; a name that only resolves inside a network. */
export const isPrivateHost = (host: string): boolean => {
  const h = normalizeHost(host)
  if (h === undefined || h === "") return true // not a host we can judge: refused
  if (h === "localhost" || h.endsWith(".localhost") || h.endsWith(".local") || h.endsWith(".internal") || h.endsWith(".home.arpa")) return true
  const v4 = ipv4Of(h)
  if (v4 !== undefined) return privateIpv4(v4[0], v4[1], v4[2])
  const v6 = ipv6Groups(h)
  return v6 !== undefined ? privateIpv6(v6) : h.includes(":")
}
