import { lookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { AddressPolicy } from '../../domain/webhooks.js';

/** Resolves a host name to its addresses (dns.lookup by default; tests hand in their own). */
export type Resolver = (hostname: string) => Promise<{ address: string; family: number }[]>;

export const systemResolver: Resolver = (hostname) => lookup(hostname, { all: true, verbatim: true });

export class RefusedDestination extends Error {}

/**
 * Resolves the URL's host once and checks every address it has against the policy: the address that
 * is connected to is one that was checked, so a name that resolves differently a moment later (DNS
 * rebinding) cannot lead the connection elsewhere.
 */
export async function checkedAddress(
  url: URL,
  policy: AddressPolicy,
  resolve: Resolver,
): Promise<{ address: string; family: number }> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new RefusedDestination(`${url.protocol} is not http or https`);
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: { address: string; family: number }[];
  if (isIP(host)) addresses = [{ address: host, family: isIP(host) }];
  else {
    try {
      addresses = await resolve(host);
    } catch (err) {
      throw new RefusedDestination(
        `${host} does not resolve (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
  }
  if (addresses.length === 0) throw new RefusedDestination(`${host} has no address`);
  for (const a of addresses) {
    const refusal = policy.refusal(a.address);
    if (refusal) throw new RefusedDestination(`${host}: ${refusal}`);
  }
  return addresses[0] as { address: string; family: number };
}

export interface DeliveryRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  policy: AddressPolicy;
  resolve: Resolver;
  signal?: AbortSignal | undefined;
}

export interface DeliveryResponse {
  statusCode: number | null;
  error: string | null;
  responseExcerpt: string | null;
}

const EXCERPT_BYTES = 1024;

/**
 * POSTs one delivery: to a checked address only, no redirects followed (a 3xx is a failure), the
 * whole exchange cut off after `timeoutMs`, and at most 1 KB of the answer read.
 */
export async function sendDelivery(request: DeliveryRequest): Promise<DeliveryResponse> {
  const url = new URL(request.url);
  let target: { address: string; family: number };
  try {
    target = await checkedAddress(url, request.policy, request.resolve);
  } catch (err) {
    if (err instanceof RefusedDestination)
      return { statusCode: null, error: `refused: ${err.message}`, responseExcerpt: null };
    throw err;
  }
  // Node asks for all addresses (autoSelectFamily) or for one: either way it gets the checked one.
  const pinned: LookupFunction = (_hostname, options, callback) => {
    if (options.all)
      (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [target]);
    else callback(null, target.address, target.family);
  };
  const client = url.protocol === 'https:' ? https : http;

  return new Promise<DeliveryResponse>((resolve) => {
    let settled = false;
    const finish = (r: DeliveryResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
      resolve(r);
    };
    const req = client.request(url, {
      method: 'POST',
      agent: false,
      lookup: pinned,
      headers: {
        ...request.headers,
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(request.body)),
        'user-agent': 'claimledger-webhooks/1',
      },
    });
    const timer = setTimeout(() => {
      req.destroy();
      finish({ statusCode: null, error: `timed out after ${request.timeoutMs} ms`, responseExcerpt: null });
    }, request.timeoutMs);
    const onAbort = () => {
      req.destroy();
      finish({ statusCode: null, error: 'aborted: the service is shutting down', responseExcerpt: null });
    };
    request.signal?.addEventListener('abort', onAbort, { once: true });

    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let size = 0;
      const done = () => {
        const excerpt = Buffer.concat(chunks).subarray(0, EXCERPT_BYTES).toString('utf8');
        const error =
          status >= 200 && status < 300
            ? null
            : status >= 300 && status < 400
              ? `answered ${status}: redirects are not followed`
              : `answered ${status}`;
        finish({ statusCode: status, error, responseExcerpt: excerpt || null });
        res.destroy();
      };
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size >= EXCERPT_BYTES) done();
      });
      res.on('end', done);
      res.on('error', done);
      res.on('close', done);
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      finish({
        statusCode: null,
        error: `could not deliver: ${err.code ?? err.message}`,
        responseExcerpt: null,
      });
    });
    req.end(request.body);
  });
}
