import { connect } from 'node:net';
import type { Api } from '../api.js';
import type { ServerNode } from '../servers.js';
import { type ClientContext, HOT, loop, ORG, sleep } from './context.js';

/** The tokens a hostile client holds besides garbage: another environment's, expired, tampered. */
export interface HostileTokens {
  readonly otherEnvironment: string;
  readonly expired: string;
  readonly tampered: string;
  readonly valid: string;
}

const KINDS = [
  'malformed',
  'wrong-shape',
  'huge',
  'too-many',
  'other-env',
  'expired',
  'tampered',
  'no-token',
  'slowloris',
] as const;
type Kind = (typeof KINDS)[number];

function event(id: string) {
  const t = HOT[0]!;
  return {
    id,
    organizationId: ORG,
    productId: t.productId,
    dimensions: t.dimensions,
    quantities: { pos: { inbound: 1000 } },
  };
}

/** A slow upload: the headers, then a byte of the body every 200 ms for `ms`, then the connection is dropped. */
async function slowloris(
  url: string,
  path: string,
  token: string,
  body: string,
  ms: number,
): Promise<number | 'network'> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    let answer = '';
    let sent = 0;
    const timer = setInterval(() => {
      if (sent < body.length - 1) socket.write(body[sent++]!);
    }, 200);
    const finish = () => {
      clearInterval(timer);
      const status = /^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1];
      socket.destroy();
      resolve(status === undefined ? 'network' : Number(status));
    };
    socket.on('data', (chunk) => {
      answer += chunk.toString();
    });
    socket.on('error', finish);
    socket.on('close', finish);
    socket.on('connect', () =>
      socket.write(
        `POST ${path} HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
      ),
    );
    setTimeout(finish, ms);
  });
}

async function hostileRequest(
  api: Api,
  server: ServerNode,
  kind: Kind,
  id: string,
  tokens: HostileTokens,
): Promise<number | 'network' | 'timeout'> {
  const bulk = `/api/environment/${api.environmentId}/onhand/bulk`;
  // A wrongly shaped single event is refused as a whole (a bulk would answer 200 with a failure bucket).
  const path = kind === 'wrong-shape' ? bulk.replace(/\/bulk$/, '') : bulk;
  if (kind === 'slowloris')
    return slowloris(server.url, path, tokens.valid, JSON.stringify([event(id)]), 3_000);
  const tokenOf: Partial<Record<Kind, string>> = {
    'other-env': tokens.otherEnvironment,
    expired: tokens.expired,
    tampered: tokens.tampered,
  };
  const body =
    kind === 'malformed'
      ? `[{"id":"${id}","organizationId":`
      : kind === 'wrong-shape'
        ? JSON.stringify({ id, quantities: 'lots', dimensions: [] })
        : kind === 'huge'
          ? JSON.stringify([{ ...event(id), padding: 'x'.repeat(5 * 1024 * 1024) }])
          : kind === 'too-many'
            ? JSON.stringify(Array.from({ length: 513 }, (_, i) => event(`${id}-${i}`)))
            : JSON.stringify([event(id)]);
  const token = kind === 'no-token' ? undefined : (tokenOf[kind] ?? tokens.valid);
  try {
    const response = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body,
      signal: AbortSignal.timeout(15_000),
    });
    await response.arrayBuffer();
    return response.status;
  } catch (error) {
    return (error as { name?: string }).name === 'TimeoutError' ? 'timeout' : 'network';
  }
}

/**
 * A hostile client: malformed and wrongly shaped bodies, a body over the size limit, too many items,
 * tokens of another environment, expired and tampered tokens, none at all, and slow uploads. All of
 * them carry event ids starting `hostile-`, which must never reach the ledger.
 */
export async function runHostile(ctx: ClientContext, tokens: HostileTokens, name = 'hostile'): Promise<void> {
  let n = 0;
  await loop(
    ctx,
    () => ctx.rng.int(300, 900),
    async () => {
      const kind = KINDS[n++ % KINDS.length]!;
      const id = `hostile-${ctx.run}-${n}`;
      const sentAt = ctx.api.now();
      const server = ctx.api.cluster.pick();
      const status = await hostileRequest(ctx.api, server, kind, id, tokens);
      ctx.api.history.add({
        sentAt,
        doneAt: ctx.api.now(),
        client: name,
        op: `hostile.${kind}`,
        server: server.name,
        request: id,
        attempt: 1,
        status,
        hostile: kind,
      });
      await sleep(0);
    },
  );
}
