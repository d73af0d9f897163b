import { OnhandError } from '../domain/codes.js';
import { compileConfiguration, partitionRuleOf } from '../domain/config/compile-configuration.js';
import type { CompiledConfiguration } from '../domain/config/compiled-configuration.js';
import { defaultConfiguration } from '../domain/config/default-configuration.js';
import type { RuntimeConfiguration } from '../domain/config/runtime-configuration.js';
import { serverOwnedValues } from '../domain/config/server-owned.js';
import { normalizeEnvironmentId } from '../domain/identifiers.js';
import type { EnvironmentRecord, Store, StoreTx } from '../store/store.js';
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
 * from the store after `ttlMs`, or at once when a write finds it replaced (withConfiguration), so no
 * write applies a configuration another process has replaced.
 */
export class Environments {
  private readonly cache = new Map<string, Cached>();

  /**
   * `onReplaced` runs inside the transaction of every hard update, before it commits (the engine
   * records the change in the change feed there).
   */
  constructor(
    private readonly store: Store,
    private readonly clock: () => Date,
    private readonly ttlMs = 5000,
    private readonly onReplaced: (
      tx: StoreTx,
      environmentId: string,
      version: number,
    ) => Promise<void> = async () => {},
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

  /** Drops the cached configuration, so the next `get` reads the stored one. */
  forget(environmentId: string): void {
    this.cache.delete(environmentId);
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
   *
   * The checks and the save run in one transaction holding the configuration exclusively
   * (StoreTx.lockConfigurations): every write prepared with the old configuration has committed before
   * the checks read, and every later one waits for the save and is then prepared again with the new
   * configuration (withConfiguration), in this process or any other. The configuration.updated ledger
   * entry is part of that transaction.
   */
  async replace(
    environmentId: string,
    input: RuntimeConfiguration,
    precondition?: ConfigurationPrecondition,
  ): Promise<CompiledConfiguration> {
    const compiled = await this.store.transaction([`${environmentId}~configuration`], async (tx) => {
      await tx.lockConfigurations([environmentId], 'exclusive');
      // Committed reads (another connection on PostgreSQL): nothing they look at can change meanwhile.
      const current = await this.store.getEnvironment(environmentId);
      checkPrecondition(current, precondition);
      const version = (current?.version ?? 0) + 1;
      const before = current?.configuration as RuntimeConfiguration | undefined;
      const next = compileConfiguration({
        ...input,
        ...serverOwnedValues(before, input),
        environmentId,
        configurationVersion: version,
      });
      if (current) await this.checkReplacement(environmentId, current, next);
      const now = this.clock().toISOString();
      const record: EnvironmentRecord = {
        environmentId,
        configuration: next.runtime,
        version,
        createdAt: current?.createdAt ?? now,
        updatedAt: now,
      };
      if (!(await tx.saveEnvironment(record, current?.version))) throw versionConflict(current?.version);
      await this.onReplaced(tx, environmentId, version);
      return next;
    });
    this.cache.set(environmentId, { config: compiled, loadedAt: this.clock().getTime() });
    return compiled;
  }

  /** What a replacement of an existing configuration must not break (see replace). */
  private async checkReplacement(
    environmentId: string,
    current: EnvironmentRecord,
    next: CompiledConfiguration,
  ): Promise<void> {
    await this.checkReservedMeasures(environmentId, current, next);
    await checkAllocationLevels(this.store, environmentId, this.remember(current), next);
    const before = partitionRuleOf(current.configuration as RuntimeConfiguration);
    if (before !== next.partitionRule && (await this.store.hasStock(environmentId))) {
      throw new OnhandError(
        'partition_rule_change_requires_empty',
        `The partition rule can only change from ${before} to ${next.partitionRule} once the environment holds no data; delete its partitions first.`,
      );
    }
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
