/**
 * Whether an IP address (text, as DNS or a URL gives it) is one a webhook must never reach: loopback,
 * private (RFC 1918, unique local), link-local, carrier-grade NAT, unspecified, multicast, reserved or
 * documentation ranges, and IPv4 addresses embedded in IPv6 (mapped, NAT64) that are any of these.
 * Text that is not an IP address counts as private: refusing is the safe answer.
 */
export function isPrivateAddress(address: string): boolean {
  const text = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const v4 = parseIpv4(text);
  if (v4) return privateIpv4(v4);
  const v6 = parseIpv6(text.replace(/%.*$/, ''));
  return v6 ? privateIpv6(v6) : true;
}

/** Is the text an IP address literal (v4, or v6 with or without brackets)? */
export function isIpLiteral(host: string): boolean {
  const text = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return parseIpv4(text) !== undefined || parseIpv6(text) !== undefined;
}

/** [prefix, bits] of IPv4 ranges that are not public unicast. */
const IPV4_BLOCKS: readonly [number[], number][] = [
  [[0, 0, 0, 0], 8], // "this network"
  [[10, 0, 0, 0], 8],
  [[100, 64, 0, 0], 10], // carrier-grade NAT
  [[127, 0, 0, 0], 8],
  [[169, 254, 0, 0], 16], // link-local (cloud metadata services)
  [[172, 16, 0, 0], 12],
  [[192, 0, 0, 0], 24],
  [[192, 0, 2, 0], 24],
  [[192, 88, 99, 0], 24],
  [[192, 168, 0, 0], 16],
  [[198, 18, 0, 0], 15],
  [[198, 51, 100, 0], 24],
  [[203, 0, 113, 0], 24],
  [[224, 0, 0, 0], 4], // multicast
  [[240, 0, 0, 0], 4], // reserved, broadcast
];

function privateIpv4(bytes: readonly number[]): boolean {
  const value = toInt(bytes);
  return IPV4_BLOCKS.some(([prefix, bits]) => value >>> (32 - bits) === toInt(prefix) >>> (32 - bits));
}

function toInt(bytes: readonly number[]): number {
  return (((bytes[0] ?? 0) << 24) | ((bytes[1] ?? 0) << 16) | ((bytes[2] ?? 0) << 8) | (bytes[3] ?? 0)) >>> 0;
}

function privateIpv6(words: readonly number[]): boolean {
  const [w0 = 0, w1 = 0, , , , w5 = 0] = words;
  const upperZero = words.slice(0, 5).every((w) => w === 0);
  const embedded = [(words[6] ?? 0) >> 8, (words[6] ?? 0) & 255, (words[7] ?? 0) >> 8, (words[7] ?? 0) & 255];
  if (upperZero && w5 === 0xffff) return privateIpv4(embedded); // ::ffff:a.b.c.d
  if (upperZero && w5 === 0) return true; // ::, ::1 and the deprecated IPv4-compatible ::a.b.c.d
  if (w0 === 0x64 && w1 === 0xff9b) return privateIpv4(embedded); // NAT64 64:ff9b::/96
  if ((w0 & 0xfe00) === 0xfc00) return true; // unique local fc00::/7
  if ((w0 & 0xffc0) === 0xfe80) return true; // link-local fe80::/10
  if ((w0 & 0xffc0) === 0xfec0) return true; // site-local (deprecated)
  if ((w0 & 0xff00) === 0xff00) return true; // multicast
  if (w0 === 0x2001 && w1 === 0x0db8) return true; // documentation
  if (w0 === 0x2002) return privateIpv4([w1 >> 8, w1 & 255, (words[2] ?? 0) >> 8, (words[2] ?? 0) & 255]); // 6to4
  return false;
}

function parseIpv4(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p))) return undefined;
  const bytes = parts.map(Number);
  return bytes.every((b) => b <= 255) ? bytes : undefined;
}

function parseIpv6(text: string): number[] | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(text) || !text.includes(':')) return undefined;
  let head = text;
  const tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.')) {
    const v4 = parseIpv4(text.slice(lastColon + 1));
    if (!v4) return undefined;
    tail.push(((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0));
    head = text.slice(0, lastColon + 1);
    if (head.endsWith(':') && !head.endsWith('::')) head = head.slice(0, -1);
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const words = (part: string | undefined) =>
    part === undefined || part === ''
      ? []
      : part.split(':').map((w) => (/^[0-9a-fA-F]{1,4}$/.test(w) ? parseInt(w, 16) : Number.NaN));
  const left = words(halves[0]);
  const right = [...words(halves[1]), ...tail];
  if (halves.length === 1) {
    const all = [...left, ...tail];
    return all.length === 8 && all.every((w) => !Number.isNaN(w)) ? all : undefined;
  }
  const missing = 8 - left.length - right.length;
  if (missing < 1) return undefined;
  const all = [...left, ...Array<number>(missing).fill(0), ...right];
  return all.every((w) => !Number.isNaN(w)) ? all : undefined;
}
