import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';

/** How often, while the server stops, the connections that have become idle are closed. */
const IDLE_SWEEP_MS = 100;

/**
 * A bounded graceful stop (`app.close()`, on SIGTERM): the server stops accepting connections, lets
 * the requests in flight finish, and closes each connection once it has nothing in flight. Node closes
 * only the connections idle when the stop begins; one whose request ends later (or a change-feed stream
 * the stop ends) would stay open until its client dropped it: a fetch client keeps it for the
 * keep-alive time the server announced, 72 s, and the stop waited that long (found by the soak,
 * docs/reliability.md). So, from the start of the stop, every answer says `Connection: close` and the
 * connections that became idle are closed every 100 ms, by a sweep that waits while any connection
 * still holds bytes not yet handed to the system (Node counts a connection idle once its answer has
 * ended, before it is written out; closing it then would cut the answer). Requests still in flight
 * after `timeoutMs` have their connections closed (their writes, committed or not, stay what they are:
 * the client retries with the same event id, docs/api.md#idempotency).
 */
export function installGracefulClose(app: FastifyInstance, timeoutMs: number): void {
  let closing = false;
  const sockets = new Set<Socket>();
  app.server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const sweepIdle = () => {
    for (const socket of sockets) if (socket.writableLength > 0) return;
    app.server.closeIdleConnections();
  };
  app.addHook('onSend', async (_request, reply, payload) => {
    if (closing) reply.header('connection', 'close');
    return payload;
  });
  app.addHook('preClose', async () => {
    closing = true;
    const server = app.server;
    if (!server.listening) return;
    const sweep = setInterval(sweepIdle, IDLE_SWEEP_MS);
    const force = setTimeout(() => {
      app.log.warn(
        { timeoutMs },
        'requests still in flight after the stop timeout: closing their connections',
      );
      server.closeAllConnections();
    }, timeoutMs);
    sweep.unref();
    force.unref();
    server.once('close', () => {
      clearInterval(sweep);
      clearTimeout(force);
    });
  });
}
