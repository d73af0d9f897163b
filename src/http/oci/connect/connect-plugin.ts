import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../../context.js';
import { connectAvailabilityRoutes } from './connect-availability-routes.js';
import { handleConnectError } from './connect-errors.js';
import { connectReservationRoutes } from './connect-reservation-routes.js';
import { connectUploadRoutes } from './connect-upload-routes.js';

/**
 * The Connect REST flavour of the OCI API (spec §7; docs/oci.md, "Connect REST flavour") as an
 * encapsulated plugin: routes under /services/data/v{version}/commerce/oci/… mapped onto the same
 * engine as the SCAPI routes, refusals in the platform's `[{ errorCode, message }]` shape.
 */
export async function connectRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  await app.register(async (connect) => {
    connect.setErrorHandler(handleConnectError);
    // Multipart bodies (uploads) are passed through unread, for the route to stream them.
    connect.addContentTypeParser('multipart/form-data', (_request, _payload, done) => done(null));
    connectAvailabilityRoutes(connect, deps);
    connectUploadRoutes(connect, deps);
    connectReservationRoutes(connect, deps);
  });
}
