import type { PartialConfiguration } from './complete-configuration.js';
import type { RuntimeConfiguration } from './runtime-configuration.js';

/**
 * Fields of the runtime configuration that the service owns, not the client (spec §1.2): which
 * environment the document belongs to, its version, the entity version of the configuration UI and
 * the install and index-upgrade state. A hard update ignores them in its body (the vendor's own tests
 * post a document copied from another environment, carrying that environment's id and version); the
 * stored configuration keeps the service's values.
 */
export const SERVER_OWNED_FIELDS = [
  'environmentId',
  'configurationVersion',
  'entityVersion',
  'isUninstalled',
  'isIndexUpgradeInProgress',
] as const satisfies readonly (keyof RuntimeConfiguration)[];

/** A copy of a hard-update body without the server-owned fields. */
export function withoutServerOwnedFields(input: PartialConfiguration): PartialConfiguration {
  const copy: Record<string, unknown> = { ...input };
  for (const field of SERVER_OWNED_FIELDS) delete copy[field];
  return copy as PartialConfiguration;
}

/** The server-owned values a hard update keeps: those of the current configuration, if any. */
export function serverOwnedValues(
  current: RuntimeConfiguration | undefined,
  completed: RuntimeConfiguration,
): Pick<RuntimeConfiguration, 'entityVersion' | 'isUninstalled' | 'isIndexUpgradeInProgress'> {
  return {
    entityVersion: current?.entityVersion ?? completed.entityVersion,
    isUninstalled: false,
    isIndexUpgradeInProgress: false,
  };
}
