import { OnhandError } from '../domain/codes.js';
import { compileConfiguration, partitionRuleOf } from '../domain/config/compile-configuration.js';
import type { CompiledConfiguration } from '../domain/config/compiled-configuration.js';
import { defaultConfiguration } from '../domain/config/default-configuration.js';
import type { RuntimeConfiguration } from '../domain/config/runtime-configuration.js';
import { serverOwnedValues } from '../domain/config/server-owned.js';
import { normalizeEnvironmentId } from '../domain/identifiers.js';
import type { EnvironmentRecord, Store } from '../store/store.js';
import { checkAllocationLevels } from './allocation/allocation-levels-guard.js';

/**
 * The condition of a conditional hard update (HTTP If-Match): "exists" (`*`) or the versions one of
 * which must be current (the configuration's ETag is its version in quotes).
 */
export type ConfigurationPrecondition = 'exists' | readonly number[];

function checkPrecondition(
  current: EnvironmentRecord | undefined,
  precondition: ConfigurationPrecondition | undefined,
): void {
  if (precondition === undefined) return;
  if (current && (precondition === 'exists' || precondition.includes(current.version))) return;
  throw versionConflict(current?.version);
}

function versionConflict(version: number | undefined): OnhandError {
  return new OnhandError(
    'configuration_version_conflict',
    version === undefined
      ? 'The environment has no configuration yet, so If-Match cannot hold: send the hard update without it.'
      : `The configuration is at version ${version} (ETag "${version}"): read it again, apply your change and retry.`,
  );
}

interface Cached {
  readonly config: CompiledConfiguration;
  readonly loadedAt: number;
}

/**
 * Environments and their configurations. Compiled configurations are cached; an entry is re-read
 * from the store after `ttlMs`, so a change made by another process is seen within that time.
 */
export class Environments {
  private readonly cache = new Map<string, Cached>();

  /** `onReplaced` is told after every saved hard update (the engine records it in the change feed). */
  constructor(
    private readonly store: Store,
    private readonly clock: () => Date,
    private readonly ttlMs = 5000,
    private readonly onReplaced: (environmentId: string, version: number) => Promise<void> = async () => {},
  ) {}

  /** Normalises an environment id from a path (lower-case) or throws invalid_environment_id. */
  static id(raw: string): string {
    const id = normalizeEnvironmentId(raw);
    if (!id) throw new OnhandError('invalid_environment_id');
    return id;
  }

  /** The compiled configuration of an environment; throws environment_not_found. */
  async get(environmentId: string): Promise<CompiledConfiguration> {
    const cached = this.cache.get(environmentId);
    const now = this.clock().getTime();
    if (cached && now - cached.loadedAt < this.ttlMs) return cached.config;
    const record = await this.store.getEnvironment(environmentId);
    if (!record) {
      this.cache.delete(environmentId);
      throw new OnhandError('environment_not_found', `Environment "${environmentId}" does not exist.`);
    }
    return this.remember(record);
  }

  /** Creates an environment with the default configuration; returns false when it already exists. */
  async create(environmentId: string): Promise<boolean> {
    const runtime = defaultConfiguration(environmentId);
    compileConfiguration(runtime);
    const now = this.clock().toISOString();
    return this.store.saveEnvironment({
      environmentId,
      configuration: runtime,
      version: 1,
      createdAt: now,
      updatedAt: now,
    });
  }

  /** All environment ids, sorted. */
  async list(): Promise<string[]> {
    return (await this.store.listEnvironments()).map((e) => e.environmentId).sort();
  }

  /**
   * Replaces the configuration (hard update). Creates the environment when it does not exist. The
   * server-owned fields of `input` (environment id, version, entity version, install state) are
   * replaced by the service's own (domain/config/server-owned.ts). `precondition`, from an HTTP
   * `If-Match`, makes the update conditional: "exists" needs the environment to exist, a list of
   * versions needs its current version to be one of them (configuration_version_conflict otherwise).
   * Without a precondition the update is unconditional, as the vendor's is. The partition rule can
   * only change while the environment holds no stock.
   */
  async replace(
    environmentId: string,
    input: RuntimeConfiguration,
    precondition?: ConfigurationPrecondition,
  ): Promise<CompiledConfiguration> {
    for (let attempt = 1; ; attempt++) {
      const current = await this.store.getEnvironment(environmentId);
      checkPrecondition(current, precondition);
      const compiled = await this.compileReplacement(environmentId, input, current);
      const now = this.clock().toISOString();
      const record: EnvironmentRecord = {
        environmentId,
        configuration: compiled.runtime,
        version: compiled.version,
        createdAt: current?.createdAt ?? now,
        updatedAt: now,
      };
      if (!(await this.store.saveEnvironment(record, current?.version))) {
        // Another update was saved in between: a conditional update fails, an unconditional one
        // is made again on top of it (a few times at most, then it reports the conflict).
        if (precondition !== undefined || attempt >= 3) throw versionConflict(current?.version);
        continue;
      }
      this.cache.set(environmentId, { config: compiled, loadedAt: this.clock().getTime() });
      await this.onReplaced(environmentId, compiled.version);
      return compiled;
    }
  }

  private async compileReplacement(
    environmentId: string,
    input: RuntimeConfiguration,
    current: EnvironmentRecord | undefined,
  ): Promise<CompiledConfiguration> {
    const version = (current?.version ?? 0) + 1;
    const before = current?.configuration as RuntimeConfiguration | undefined;
    const compiled = compileConfiguration({
      ...input,
      ...serverOwnedValues(before, input),
      environmentId,
      configurationVersion: version,
    });
    if (current && before) {
      await this.checkReservedMeasures(environmentId, current, compiled);
      await checkAllocationLevels(this.store, environmentId, this.remember(current), compiled);
      const rule = partitionRuleOf(before);
      if (rule !== compiled.partitionRule && (await this.store.hasStock(environmentId))) {
        throw new OnhandError(
          'partition_rule_change_requires_empty',
          `The partition rule can only change from ${rule} to ${compiled.partitionRule} once the environment holds no data; delete its partitions first.`,
        );
      }
    }
    return compiled;
  }

  /**
   * Open reservations live in a reserved measure; only reserve, unreserve, offset and expiry may move
   * it. A configuration that drops that measure's reservation mapping (or points it elsewhere, or
   * drops the measure) while open reservations use it is refused: the measure would become writable
   * through on-hand changes and no longer agree with the reservations.
   */
  private async checkReservedMeasures(
    environmentId: string,
    current: EnvironmentRecord,
    next: CompiledConfiguration,
  ): Promise<void> {
    const before = this.remember(current);
    for (const [dataSource, source] of before.dataSources) {
      for (const [measure, afr] of source.reservMappings) {
        const kept = next.dataSources.get(dataSource);
        const target = kept?.reservMappings.get(measure);
        const unchanged =
          kept?.physicalMeasures.has(measure) &&
          target?.dataSource === afr.dataSource &&
          target.measure === afr.measure;
        if (!unchanged && (await this.store.hasOpenReservations(environmentId, dataSource, measure))) {
          throw new OnhandError(
            'reservations_in_use',
            `${dataSource}.${measure} holds open reservations; release them before changing its reservation mapping.`,
          );
        }
      }
    }
  }

  private remember(record: EnvironmentRecord): CompiledConfiguration {
    const runtime = record.configuration as RuntimeConfiguration;
    const config = compileConfiguration(
      { ...runtime, environmentId: record.environmentId, configurationVersion: record.version },
      { stored: true },
    );
    this.cache.set(record.environmentId, { config, loadedAt: this.clock().getTime() });
    return config;
  }
}
