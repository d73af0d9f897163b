import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { Agent as HttpAgent, request as httpRequest, type RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { isIpLiteral, isPrivateAddress } from '../../domain/webhooks/private-address.js';
import type { OutgoingRequest, SendResult, WebhookSender } from './webhook-ports.js';

/** Most bytes of a receiver's answer read (the rest is discarded). */
const MAX_ANSWER = 64 * 1024;

/**
 * Sends deliveries with Node's http and https clients. Unless `allowPrivate`, every connection checks
 * the addresses the host resolves to *at connect time* (a custom DNS lookup on the request), so a name
 * that later resolves to a loopback or private address is refused on that delivery; an IP literal is
 * checked the same way before connecting. Redirects are not followed (a 3xx is a failed attempt).
 *
 * The sender has agents of its own, with the lookup built in: a kept-alive connection is reused only
 * by this sender, and every connection it opens was checked when it was opened (reusing one never
 * reaches an address other than the one checked).
 */
export class HttpSender implements WebhookSender {
  readonly #http: HttpAgent;
  readonly #https: HttpsAgent;

  constructor(private readonly allowPrivate: boolean) {
    const options = {
      keepAlive: true,
      maxSockets: 64,
      ...(allowPrivate ? {} : { lookup: publicOnlyLookup }),
    };
    this.#http = new HttpAgent(options);
    this.#https = new HttpsAgent(options);
  }

  /** Closes kept-alive connections. */
  close(): void {
    this.#http.destroy();
    this.#https.destroy();
  }

  send(request: OutgoingRequest): Promise<SendResult> {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return Promise.resolve({ error: 'invalid URL' });
    }
    if (!this.allowPrivate && isIpLiteral(url.hostname) && isPrivateAddress(url.hostname))
      return Promise.resolve({ error: `refused: ${url.hostname} is a private or loopback address` });
    const options: RequestOptions = {
      method: 'POST',
      headers: { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) },
      timeout: request.timeoutMs,
      agent: url.protocol === 'https:' ? this.#https : this.#http,
      ...(this.allowPrivate ? {} : { lookup: publicOnlyLookup }),
    };
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<SendResult>((resolve) => {
      let settled = false;
      const done = (result: SendResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        resolve(result);
      };
      // The socket timeout above is for idle sockets; this bounds the whole attempt.
      const deadline = setTimeout(() => {
        req.destroy(new Error(`timed out after ${request.timeoutMs} ms`));
      }, request.timeoutMs);
      const req = send(url, options, (response) => {
        let read = 0;
        response.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_ANSWER) response.destroy();
        });
        response.on('close', () => done({ status: response.statusCode ?? 0 }));
        response.on('error', () => done({ status: response.statusCode ?? 0 }));
      });
      req.on('timeout', () => req.destroy(new Error(`timed out after ${request.timeoutMs} ms`)));
      req.on('error', (error) => done({ error: describe(error) }));
      req.end(request.body);
    });
  }
}

/** A DNS lookup that fails when any address of the host is private or loopback. */
export const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, '', 0);
    const refused = addresses.find((a) => isPrivateAddress(a.address));
    if (refused) {
      const denied = Object.assign(
        new Error(`refused: ${hostname} resolves to ${refused.address}, a private or loopback address`),
        { code: 'EPRIVATEADDRESS' },
      );
      return callback(denied, '', 0);
    }
    if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    const first = addresses[0];
    if (!first) return callback(new Error(`no address for ${hostname}`), '', 0);
    return callback(null, first.address, first.family);
  });
};

function describe(error: Error): string {
  const code = (error as { code?: unknown }).code;
  const text =
    typeof code === 'string' && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
  return text.slice(0, 500);
}
