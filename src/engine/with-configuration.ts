import { OnhandError } from '../domain/codes.js';
import type { CompiledConfiguration } from '../domain/config/compiled-configuration.js';
import type { Environments } from './environments.js';
import { type ConfigurationGuard, ConfigurationMoved } from './group-commit.js';

/** How many times a write is prepared again because its configuration moved meanwhile. */
const ATTEMPTS = 5;

/**
 * Prepares and submits one write with the environment's current configuration, passing the guard that
 * makes its transaction check that configuration is still current (GroupCommitter.submit). When it was
 * replaced meanwhile (a hard update, perhaps by another process, while the cached configuration was
 * still in use), nothing was written: the cached configuration is dropped and the write is prepared
 * again, validated and checked under the new one. Configuration changes and the writes that depend on
 * them thereby serialise (docs/operations.md, "Configuration changes and writes").
 */
export async function withConfiguration<T>(
  environments: Environments,
  environmentId: string,
  attempt: (config: CompiledConfiguration, guard: ConfigurationGuard) => Promise<T>,
  current?: CompiledConfiguration,
): Promise<T> {
  for (let tries = 1; ; tries++) {
    // `current`: the configuration the request already read (once per request, not once per item).
    const config = tries === 1 && current ? current : await environments.get(environmentId);
    try {
      return await attempt(config, { environmentId, version: config.version });
    } catch (error) {
      if (!(error instanceof ConfigurationMoved)) throw error;
      environments.forget(environmentId);
      if (tries >= ATTEMPTS)
        throw new OnhandError(
          'database_timeout',
          'The configuration kept changing while the write was prepared; nothing was written. Retry later.',
        );
    }
  }
}
