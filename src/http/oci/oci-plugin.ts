import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../context.js';
import { connectRoutes } from './connect/connect-plugin.js';
import { ociAuditExportRoutes } from './impex/exports/audit-export-routes.js';
import { registerOciImportRoutes } from './impex/imports/import-routes.js';
import { ociAvailabilityRoutes } from './oci-availability-routes.js';
import { handleOciError } from './oci-errors.js';
import { ociExportRoutes } from './oci-export-routes.js';
import { ociGraphRoutes } from './oci-graph-routes.js';
import { ociReservationRoutes } from './oci-reservation-routes.js';

/**
 * The Salesforce Omnichannel Inventory API (docs/oci.md) as an encapsulated plugin: its routes under
 * /inventory/{availability|reservation|impex}/v1/organizations/{organizationId}/… answer refusals as
 * `application/problem+json` (handleOciError), the rest of the app keeps its own error bodies.
 */
export async function ociRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  await app.register(async (oci) => {
    oci.setErrorHandler(handleOciError);
    // Multipart bodies (the import upload) are passed through unread, for the route to stream them.
    oci.addContentTypeParser('multipart/form-data', (_request, _payload, done) => done(null));
    ociAvailabilityRoutes(oci, deps);
    ociGraphRoutes(oci, deps);
    registerOciImportRoutes(oci, deps);
    ociExportRoutes(oci, deps);
    ociAuditExportRoutes(oci, deps);
    ociReservationRoutes(oci, deps);
  });
  await connectRoutes(app, deps);
}
