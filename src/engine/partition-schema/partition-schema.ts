import { OnhandError } from '../../domain/codes.js';
import type { CompiledConfiguration } from '../../domain/config/compiled-configuration.js';
import { PARTITION_SCHEMAS, type PartitionSchemaVersion } from '../../domain/config/partition-schema.js';
import type { Store } from '../../store/store.js';
import type { Environments } from '../environments.js';

/**
 * POST …/updatePartitionSchema?newversion=N (spec §1.8, §2.4 #26): switches the partition schema of an
 * environment (2: `ByLocationAndProductIdMod64` with partitionConfiguration useProductId and
 * useDimensions; 1: back to `ByLocation`). As the vendor's procedure requires, the environment must hold
 * no data (GET …/allpartitionids answers []); partition_rule_change_requires_empty otherwise. Asking for
 * the schema the environment already has changes nothing.
 */
export async function updatePartitionSchema(
  environments: Environments,
  store: Store,
  environmentId: string,
  version: PartitionSchemaVersion,
): Promise<CompiledConfiguration> {
  const current = await environments.get(environmentId);
  const schema = PARTITION_SCHEMAS[version];
  const runtime = current.runtime;
  const unchanged =
    runtime.cachePartitionIdVersion === schema.cachePartitionIdVersion &&
    runtime.partitionConfiguration.useProductId === schema.partitionConfiguration.useProductId &&
    runtime.partitionConfiguration.useDimensions === schema.partitionConfiguration.useDimensions;
  if (unchanged) return current;
  if (await store.hasStock(environmentId)) {
    throw new OnhandError(
      'partition_rule_change_requires_empty',
      `The partition schema can only change to version ${version} once the environment holds no data: delete the partitions GET …/allpartitionids lists, then retry.`,
    );
  }
  return environments.replace(
    environmentId,
    {
      ...runtime,
      cachePartitionIdVersion: schema.cachePartitionIdVersion,
      partitionConfiguration: { ...schema.partitionConfiguration },
    },
    [current.version],
  );
}

/**
 * POST …/updateEnvIdInConfig?oldEnvironmentId=X (spec §2.4 #27, §7): after an environment was copied,
 * binds the configuration of X to this environment. Onhand keeps configurations by the environment of
 * the path, so the call copies X's configuration into this one (a hard update; the environment id and
 * version are this environment's). Throws environment_not_found when X does not exist; naming the
 * environment itself changes nothing.
 */
export async function updateEnvIdInConfig(
  environments: Environments,
  environmentId: string,
  oldEnvironmentId: string,
): Promise<CompiledConfiguration> {
  const old = await environments.get(oldEnvironmentId);
  if (oldEnvironmentId === environmentId) return old;
  return environments.replace(environmentId, old.runtime);
}
