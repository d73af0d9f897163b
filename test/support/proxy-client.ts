import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'vitest';
import { run } from './tools.js';

/** The name the proxy examples of deploy/ serve, and the throw-away certificate's. */
export const HOST = 'inventory.example.com';

/** Makes a self-signed certificate for HOST in `dir` (cert.pem, key.pem). */
export function makeCertificate(openssl: string, dir: string): void {
  const made = run(openssl, [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    join(dir, 'key.pem'),
    '-out',
    join(dir, 'cert.pem'),
    '-days',
    '1',
    '-subj',
    `/CN=${HOST}`,
    '-addext',
    `subjectAltName=DNS:${HOST}`,
  ]);
  expect(made.status, made.output).toBe(0);
}

/** curl against a local proxy serving HOST with the certificate of `dir`. */
export class ProxyClient {
  token = '';

  constructor(
    private readonly curl: string,
    private readonly dir: string,
    readonly httpsPort: number,
    readonly httpPort: number,
  ) {}

  private target(path: string, scheme: 'https' | 'http'): string[] {
    const port = scheme === 'https' ? this.httpsPort : this.httpPort;
    return [
      '--cacert',
      join(this.dir, 'cert.pem'),
      '--resolve',
      `${HOST}:${port}:127.0.0.1`,
      `${scheme}://${HOST}:${port}${path}`,
    ];
  }

  /** One request; the body and the status. */
  request(path: string, args: string[] = [], scheme: 'https' | 'http' = 'https') {
    const result = run(this.curl, ['-s', '-w', '\n%{http_code}', ...this.target(path, scheme), ...args]);
    const cut = result.output.lastIndexOf('\n');
    // `exit`: curl's exit code (55 and 56: the connection failed while sending or receiving; 16 and 92: an
    // HTTP/2 framing error or a stream reset).
    return {
      body: result.output.slice(0, cut),
      status: Number(result.output.slice(cut + 1)),
      exit: result.status,
    };
  }

  /** The bearer token and JSON content type, as curl arguments. */
  auth(): string[] {
    return ['-H', `Authorization: Bearer ${this.token}`, '-H', 'Content-Type: application/json'];
  }

  /** Waits until the proxy answers /health/ping, then gets a token of the client-credentials flow. */
  async signIn(clientId: string, secret: string, log: () => string): Promise<void> {
    for (let i = 0; i < 150 && this.request('/health/ping').status !== 200; i++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    const answer = this.request('/oauth2/token', [
      '-d',
      'grant_type=client_credentials',
      '-d',
      `client_id=${clientId}`,
      '-d',
      `client_secret=${secret}`,
    ]);
    expect(answer.status, `${answer.body}\n${log()}`).toBe(200);
    this.token = (JSON.parse(answer.body) as { access_token: string }).access_token;
  }

  /**
   * Opens the change feed's stream of `environment` through the proxy, writes on-hand changes with the
   * given event ids one by one, and returns how long each took to come back through the stream (ms).
   */
  async feedLatencies(environment: string, ids: readonly string[]): Promise<number[]> {
    const stream = spawn(this.curl, [
      '-sN',
      ...this.target(`/api/environment/${environment}/feed/stream`, 'https'),
      ...this.auth(),
    ]);
    let received = '';
    stream.stdout.on('data', (chunk: Buffer) => {
      received += chunk.toString();
    });
    try {
      // The stream is open once its first line (retry:) came through the proxy.
      for (let i = 0; i < 100 && !received.includes('retry:'); i++)
        await new Promise((resolve) => setTimeout(resolve, 50));
      expect(received).toContain('retry:');
      const latencies: number[] = [];
      for (const id of ids) {
        const body = JSON.stringify({
          id,
          organizationId: 'usmf',
          productId: 'Lamp',
          dimensions: { siteId: '1', locationId: '11' },
          quantities: { pos: { inbound: 1 } },
        });
        expect(
          this.request(`/api/environment/${environment}/onhand`, ['-d', body, ...this.auth()]).status,
        ).toBe(200);
        const sent = Date.now();
        while (!received.includes(`"eventId":"${id}"`) && Date.now() - sent < 5000)
          await new Promise((resolve) => setTimeout(resolve, 20));
        expect(received).toContain(`"eventId":"${id}"`);
        latencies.push(Date.now() - sent);
      }
      return latencies;
    } finally {
      stream.kill();
    }
  }

  /**
   * Posts a bulk of 512 on-hand changes padded (with JSON whitespace) to `bytes`; the status and curl's
   * exit code. Event ids are `{name}-{i}`, products `{name}-P{i}`.
   */
  bigBulk(
    environment: string,
    bytes: number,
    file: string,
    writeFile: (path: string, text: string) => void,
    name = 'big',
  ): { status: number; exit: number | null } {
    const items = Array.from({ length: 512 }, (_, i) => ({
      id: `${name}-${i}`,
      organizationId: 'usmf',
      productId: `${name}-P${i}`,
      dimensions: { siteId: '1', locationId: '11' },
      quantities: { pos: { inbound: 1 } },
    }));
    const text = JSON.stringify(items);
    writeFile(file, text.replace('[', `[${' '.repeat(Math.max(0, bytes - text.length))}`));
    // curl asks first (Expect: 100-continue) and waits for the proxy's answer before it sends the body: a
    // proxy refusing a body over its limit answers 413 and closes; a body already on its way (curl's
    // default wait is 1 s, which a loaded machine outlasts) would read as a reset connection instead.
    // A proxy that sends 100 Continue anyway (Caddy's limit is counted while the body is read) can still
    // answer 413 and close before the last bytes are sent: curl then reports a reset, status 0, and never
    // an answer. That is tried again (at most three times in all): a status that came back is returned.
    let answer = { status: 0, exit: null as number | null };
    for (let attempt = 0; attempt < 3 && answer.status === 0; attempt++) {
      answer = this.request(`/api/environment/${environment}/onhand/bulk`, [
        '--expect100-timeout',
        '30',
        '--data-binary',
        `@${file}`,
        ...this.auth(),
      ]);
    }
    return { status: answer.status, exit: answer.exit };
  }

  /** The rows of `productId` at site 1, location 11 (an index query; [] when it has none). */
  stockOf(environment: string, productId: string): unknown[] {
    const query = {
      filters: { organizationId: ['usmf'], productId: [productId], siteId: ['1'], locationId: ['11'] },
      groupByValues: [],
      returnNegative: true,
    };
    const ask = () =>
      this.request(`/api/environment/${environment}/onhand/indexquery`, [
        '-d',
        JSON.stringify(query),
        ...this.auth(),
      ]);
    // A query changes nothing: asked again (for up to 15 s) when no answer came back at all, or the
    // proxy's own 503 with no body (its active health check took the server out of rotation for an
    // interval): on a loaded machine, right after the proxy cut a refused upload, both were seen.
    const unanswered = (a: { status: number; body: string }) =>
      a.status === 0 || (a.status === 503 && !a.body);
    let answer = ask();
    for (let attempt = 1; attempt < 30 && unanswered(answer); attempt++) {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
      answer = ask();
    }
    expect(answer.status, `curl exit ${answer.exit}: ${answer.body}`).toBe(200);
    return JSON.parse(answer.body) as unknown[];
  }
}
