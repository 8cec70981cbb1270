import { createHmac, randomBytes } from 'node:crypto';
import { BlockList, isIP } from 'node:net';

/**
 * The rules of webhook delivery, free of I/O: Standard Webhooks 1.0 signatures, event type names, the
 * retry schedule, and which network addresses a delivery may connect to.
 */

// ---------------------------------------------------------------------------------------------------------
// Event types
// ---------------------------------------------------------------------------------------------------------

export const WEBHOOK_RESOURCES = ['actor', 'source', 'event', 'claim', 'attribution', 'claimLink'] as const;
const OPERATION_EVENT = {
  create: 'created',
  update: 'updated',
  retract: 'retracted',
  delete: 'deleted',
} as const;
export type ChangeOperation = keyof typeof OPERATION_EVENT;

/** Every event type a subscription may name: `claim.created`, …, `claim.*` (all of a resource) and `*`. */
export const WEBHOOK_EVENT_TYPES = [
  '*',
  ...WEBHOOK_RESOURCES.flatMap((r) => [`${r}.*`, ...Object.values(OPERATION_EVENT).map((e) => `${r}.${e}`)]),
] as [string, ...string[]];

export const eventTypeOf = (resource: string, operation: ChangeOperation) =>
  `${resource}.${OPERATION_EVENT[operation]}`;

// ---------------------------------------------------------------------------------------------------------
// Signatures (https://www.standardwebhooks.com/, version 1)
// ---------------------------------------------------------------------------------------------------------

const SECRET_PREFIX = 'whsec_';

export function generateSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}

/** A `whsec_` secret whose key (base64 after the prefix) is 24 to 64 bytes long. */
export function isValidSecret(secret: string): boolean {
  if (!secret.startsWith(SECRET_PREFIX)) return false;
  const key = secret.slice(SECRET_PREFIX.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(key) || key.length % 4 !== 0) return false;
  const bytes = Buffer.from(key, 'base64').length;
  return bytes >= 24 && bytes <= 64;
}

/** `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>" keyed with the secret's bytes>`. */
export function signatureOf(
  secret: string,
  messageId: string,
  timestampSeconds: number,
  body: string,
): string {
  const key = Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
  const mac = createHmac('sha256', key).update(`${messageId}.${timestampSeconds}.${body}`).digest('base64');
  return `v1,${mac}`;
}

/** The three headers of a signed delivery sent at `at`. */
export function signedHeaders(secret: string, messageId: string, at: Date, body: string) {
  const timestamp = Math.floor(at.getTime() / 1000);
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signatureOf(secret, messageId, timestamp, body),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Retries
// ---------------------------------------------------------------------------------------------------------

export interface RetryPolicy {
  /** The wait after the first failed attempt; it doubles after each further one. */
  baseDelayMs: number;
  /** How long after the first attempt a delivery is still retried. */
  windowMs: number;
}

/**
 * When to try again after `attempts` failed attempts of a delivery whose first attempt was at
 * `windowStart`, or null once the next attempt would fall outside the retry window (the delivery
 * has then failed for good). With the defaults (5 s doubling, one day) that is 14 retries.
 */
export function nextAttemptAt(
  policy: RetryPolicy,
  windowStart: Date,
  attempts: number,
  now: Date,
): Date | null {
  const delay = policy.baseDelayMs * 2 ** Math.max(0, attempts - 1);
  const next = new Date(now.getTime() + delay);
  return next.getTime() - windowStart.getTime() > policy.windowMs ? null : next;
}

// ---------------------------------------------------------------------------------------------------------
// Where deliveries may go
// ---------------------------------------------------------------------------------------------------------

const BLOCKED_V4: [string, number][] = [
  ['0.0.0.0', 8], // "this network", 0.0.0.0 included
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (cloud metadata services live here)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and the broadcast address
];
const BLOCKED_V6: [string, number][] = [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['64:ff9b::', 96], // NAT64 (reaches IPv4 addresses)
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
];

export interface AddressPolicy {
  /** Why a delivery may not connect to this address, or null when it may. */
  refusal(address: string): string | null;
}

/**
 * Public unicast addresses only: no loopback, private, unique-local, link-local, multicast, unspecified
 * or reserved ones, IPv4-mapped IPv6 addresses judged by their IPv4 address; unless the address lies in
 * one of `allowedNetworks` (CIDRs such as `127.0.0.1/32`, for tests or a trusted internal receiver).
 */
export function createAddressPolicy(allowedNetworks: string[]): AddressPolicy {
  const blocked = new BlockList();
  for (const [net, prefix] of BLOCKED_V4) blocked.addSubnet(net, prefix, 'ipv4');
  for (const [net, prefix] of BLOCKED_V6) blocked.addSubnet(net, prefix, 'ipv6');
  const allowed = new BlockList();
  for (const cidr of allowedNetworks) {
    const [net = '', prefix] = cidr.split('/');
    const family = isIP(net);
    if (family === 0) throw new Error(`Not a network: ${cidr}`);
    allowed.addSubnet(
      net,
      prefix === undefined ? (family === 4 ? 32 : 128) : Number(prefix),
      family === 4 ? 'ipv4' : 'ipv6',
    );
  }
  return {
    refusal(address) {
      let ip = address.toLowerCase();
      const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(ip);
      if (mapped?.[1]) ip = mapped[1];
      const family = isIP(ip);
      if (family === 0) return `${address} is not an IP address`;
      const type = family === 4 ? 'ipv4' : 'ipv6';
      if (allowed.check(ip, type)) return null;
      if (blocked.check(ip, type)) {
        return `${address} is a loopback, private, link-local, multicast or otherwise non-public address`;
      }
      return null;
    },
  };
}
