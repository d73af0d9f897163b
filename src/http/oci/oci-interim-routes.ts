import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../context.js';
import { ociErrorHandler } from './impex/imports/import-problems.js';
import { registerOciImportRoutes } from './impex/imports/import-routes.js';

/**
 * The OCI import routes in a scope of their own until the OCI plugin (http/oci/oci-plugin.ts) hosts
 * them: OCI error answers, and multipart bodies passed through unread for the upload to stream.
 * At the merge, call registerOciImportRoutes from the OCI plugin (adding its multipart parser) and
 * drop this file.
 */
export function ociInterimRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.register(async (scope) => {
    scope.setErrorHandler(ociErrorHandler);
    scope.addContentTypeParser('multipart/form-data', (_request, _payload, done) => done(null));
    registerOciImportRoutes(scope, deps);
  });
}
