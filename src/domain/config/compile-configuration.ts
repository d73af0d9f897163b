import { detail, type ErrorCode, type ErrorDetail, OnhandError } from '../codes.js';
import { EMPTY_DIMENSION, LOCATION, SITE, toBaseDimension } from '../dimensions.js';
import type {
  CalculatedMeasure,
  CompiledConfiguration,
  DataSourceConfig,
  IndexSet,
  MeasureRef,
  PartitionRule,
} from './compiled-configuration.js';
import { normalizeConfiguration } from './normalize-configuration.js';
import type { IndexAttributeSet, RuntimeConfiguration } from './runtime-configuration.js';

/** Most distinct physical measures that ATP calculated measures may use together (spec §1.11: < 9). */
export const MAX_ATP_PHYSICAL_MEASURES = 8;
export const MAX_SCHEDULE_PERIOD_DAYS = 180;
export const MAX_ALLOCATION_GROUPS = 8;

/**
 * Normalises (lower-cases names) and validates a runtime configuration, returning the compiled form.
 * Throws OnhandError('invalid_configuration') listing every problem found, each with its own code and
 * a JSON pointer to the offending field.
 */
export function compileConfiguration(input: RuntimeConfiguration): CompiledConfiguration {
  const problems: ErrorDetail[] = [];
  const report = (code: ErrorCode, path: string, message: string) =>
    problems.push(detail(code, path, message));
  const runtime = normalizeConfiguration(input, report);

  const partitionRule = partitionRuleOf(runtime);
  const partitionKeys = runtime.indexConfiguration.partitionKeyAttributes.keys;
  checkPartitionKeys(partitionKeys, partitionRule, report);

  const dataSources = compileDataSources(runtime, report);
  const indexSets = compileIndexSets(
    runtime.indexConfiguration.indexAttributeSets,
    partitionKeys,
    '/indexConfiguration/indexAttributeSets',
    report,
  );
  const reservation = compileReservation(runtime, partitionRule, report);
  checkSchedule(runtime, dataSources, partitionKeys, report);
  checkAllocation(runtime, dataSources, report);

  if (problems.length > 0) {
    const first = problems[0]!;
    const summary =
      problems.length === 1 ? first.message : `${first.message} (and ${problems.length - 1} more)`;
    throw new OnhandError('invalid_configuration', `Invalid configuration: ${summary}`, problems);
  }
  return {
    environmentId: runtime.environmentId,
    version: runtime.configurationVersion,
    partitionRule,
    partitionKeys,
    indexSets,
    dataSources,
    reservation,
    runtime,
  };
}

type Report = (code: ErrorCode, path: string, message: string) => void;

/** `cachePartitionIdVersion` "byProductId" (any case) selects partitioning by product; anything else by location. */
export function partitionRuleOf(runtime: RuntimeConfiguration): PartitionRule {
  return runtime.cachePartitionIdVersion.toLowerCase() === 'byproductid' ? 'byProduct' : 'byLocation';
}

function checkPartitionKeys(keys: readonly string[], rule: PartitionRule, report: Report): void {
  const path = '/indexConfiguration/partitionKeyAttributes/keys';
  for (const [i, key] of keys.entries()) {
    if (!toBaseDimension(key))
      report('invalid_index_set', `${path}/${i}`, `"${key}" is not a base dimension.`);
  }
  if (rule === 'byLocation' && !(keys.includes(SITE) && keys.includes(LOCATION))) {
    report(
      'missing_partition_keys',
      path,
      'Partitioning by location needs the partition keys ["siteid", "locationid"].',
    );
  }
}

/** Splits "ds.measure" at the first dot (data source names cannot contain dots). */
export function parseMeasureRef(text: string): MeasureRef | undefined {
  const dot = text.indexOf('.');
  if (dot <= 0 || dot === text.length - 1) return undefined;
  return { dataSource: text.slice(0, dot), measure: text.slice(dot + 1) };
}

function compileDataSources(runtime: RuntimeConfiguration, report: Report): Map<string, DataSourceConfig> {
  const defs = runtime.inventorySystemConfigurations;
  const physical = new Map<string, Set<string>>();
  for (const [name, def] of Object.entries(defs)) {
    const path = `/inventorySystemConfigurations/${name}`;
    if (name.includes('.') || name.trim() === '') {
      report(
        'invalid_configuration',
        path,
        `Data source name "${name}" must be non-empty and contain no ".".`,
      );
    }
    if (def.dataSourceName !== name) {
      report(
        'invalid_configuration',
        `${path}/dataSourceName`,
        `dataSourceName must equal its key "${name}".`,
      );
    }
    physical.set(name, new Set(def.physicalMeasures));
  }

  const result = new Map<string, DataSourceConfig>();
  for (const [name, def] of Object.entries(defs)) {
    const path = `/inventorySystemConfigurations/${name}`;
    const mappings = new Map<string, string>();
    for (const [ext, target] of Object.entries(def.dimensionMappings)) {
      const base = toBaseDimension(target);
      if (!base) {
        report(
          'invalid_dimension_mapping',
          `${path}/dimensionMappings/${ext}`,
          `"${target}" is not a base dimension.`,
        );
        continue;
      }
      const extBase = toBaseDimension(ext);
      if (extBase && extBase !== base) {
        report(
          'invalid_dimension_mapping',
          `${path}/dimensionMappings/${ext}`,
          `"${ext}" is itself the base dimension ${extBase} and cannot map to ${base}.`,
        );
        continue;
      }
      mappings.set(ext, base);
    }

    const calculated = new Map<string, CalculatedMeasure>();
    for (const [calcName, formula] of Object.entries(def.calculatedMeasures)) {
      const calcPath = `${path}/calculatedMeasures/${calcName}`;
      if (physical.get(name)?.has(calcName)) {
        report(
          'duplicate_name',
          calcPath,
          `"${name}.${calcName}" is both a physical and a calculated measure.`,
        );
      }
      const seen = new Set<string>();
      const resolve = (list: string[], side: string): MeasureRef[] =>
        list.flatMap((text, i) => {
          const ref = checkModifier(
            text,
            `${calcPath}/${side}/${i}`,
            { name, calcName, defs, physical, seen },
            report,
          );
          return ref ? [ref] : [];
        });
      calculated.set(calcName, {
        dataSource: name,
        name: calcName,
        additions: resolve(formula.additionModifiers, 'additionModifiers'),
        subtractions: resolve(formula.subtractionModifiers, 'subtractionModifiers'),
      });
    }

    result.set(name, {
      name,
      dimensionMappings: mappings,
      physicalMeasures: physical.get(name) ?? new Set(),
      calculatedMeasures: calculated,
      reservMappings: new Map(),
    });
  }
  compileReservMappings(defs, result, report);
  return result;
}

interface ModifierContext {
  name: string;
  calcName: string;
  defs: RuntimeConfiguration['inventorySystemConfigurations'];
  physical: Map<string, Set<string>>;
  seen: Set<string>;
}

function checkModifier(
  text: string,
  path: string,
  ctx: ModifierContext,
  report: Report,
): MeasureRef | undefined {
  const ref = parseMeasureRef(text);
  if (!ref) {
    report('invalid_measure_reference', path, `"${text}" is not of the form "dataSource.measure".`);
    return undefined;
  }
  if (ctx.seen.has(text)) {
    report('duplicate_modifier', path, `"${text}" appears twice in ${ctx.name}.${ctx.calcName}.`);
    return undefined;
  }
  ctx.seen.add(text);
  if (ref.dataSource === ctx.name && ref.measure === ctx.calcName) {
    report('self_reference', path, `${ctx.name}.${ctx.calcName} refers to itself.`);
    return undefined;
  }
  if (ctx.physical.get(ref.dataSource)?.has(ref.measure)) return ref;
  if (ctx.defs[ref.dataSource]?.calculatedMeasures[ref.measure]) {
    report(
      'nested_calculated_measure',
      path,
      `"${text}" is a calculated measure; only physical measures may be used.`,
    );
  } else {
    report('unknown_measure_reference', path, `"${text}" is not a physical measure of any data source.`);
  }
  return undefined;
}

function compileReservMappings(
  defs: RuntimeConfiguration['inventorySystemConfigurations'],
  sources: Map<string, DataSourceConfig>,
  report: Report,
): void {
  for (const [name, def] of Object.entries(defs)) {
    const target = sources.get(name);
    if (!target) continue;
    const map = target.reservMappings as Map<string, MeasureRef>;
    for (const [measure, afrText] of Object.entries(def.reservMappings)) {
      const path = `/inventorySystemConfigurations/${name}/reservMappings/${measure}`;
      if (!target.physicalMeasures.has(measure)) {
        report('unknown_measure_reference', path, `"${name}.${measure}" is not a physical measure.`);
        continue;
      }
      const ref = parseMeasureRef(afrText);
      if (!ref || !sources.get(ref.dataSource)?.calculatedMeasures.has(ref.measure)) {
        report('unknown_measure_reference', path, `"${afrText}" is not a calculated measure.`);
        continue;
      }
      map.set(measure, ref);
    }
  }
}

function compileIndexSets(
  sets: readonly IndexAttributeSet[],
  partitionKeys: readonly string[],
  path: string,
  report: Report,
): IndexSet[] {
  const numbers = new Set<number>();
  return sets.map((set, i) => {
    if (numbers.has(set.setNumber))
      report('invalid_index_set', `${path}/${i}/setNumber`, `Set number ${set.setNumber} is used twice.`);
    numbers.add(set.setNumber);
    const keys: string[] = [];
    for (const [k, key] of set.keys.entries()) {
      const keyPath = `${path}/${i}/keys/${k}`;
      if (key === EMPTY_DIMENSION) continue;
      const base = toBaseDimension(key);
      if (!base) {
        report('invalid_index_set', keyPath, `"${key}" is not a base dimension.`);
        continue;
      }
      if (partitionKeys.includes(base)) {
        report(
          'invalid_index_set',
          keyPath,
          `Partition dimension "${base}" must not be repeated in an index set.`,
        );
        continue;
      }
      if (keys.includes(base)) {
        report('invalid_index_set', keyPath, `"${base}" appears twice in the set.`);
        continue;
      }
      keys.push(base);
    }
    return { setNumber: set.setNumber, keys };
  });
}

function compileReservation(
  runtime: RuntimeConfiguration,
  rule: PartitionRule,
  report: Report,
): CompiledConfiguration['reservation'] {
  const conf = runtime.reservConfiguration;
  const path = '/reservConfiguration/keys';
  const keys: string[] = [];
  for (const [i, key] of conf.keys.entries()) {
    const base = toBaseDimension(key);
    if (!base) report('invalid_index_set', `${path}/${i}`, `"${key}" is not a base dimension.`);
    else if (keys.includes(base)) report('duplicate_name', `${path}/${i}`, `"${base}" appears twice.`);
    else keys.push(base);
  }
  const enabled = conf.isReservEnabled && conf.isEnabled;
  if (enabled && rule === 'byLocation' && !(keys.includes(SITE) && keys.includes(LOCATION))) {
    report('missing_partition_keys', path, 'The reservation hierarchy must contain siteid and locationid.');
  }
  return { enabled, version: conf.version, keys };
}

function checkSchedule(
  runtime: RuntimeConfiguration,
  sources: Map<string, DataSourceConfig>,
  partitionKeys: readonly string[],
  report: Report,
): void {
  const conf = runtime.scheduleConfiguration;
  if (conf.schedulePeriodInDays < 1 || conf.schedulePeriodInDays > MAX_SCHEDULE_PERIOD_DAYS) {
    report(
      'invalid_schedule_period',
      '/scheduleConfiguration/schedulePeriodInDays',
      `schedulePeriodInDays must be between 1 and ${MAX_SCHEDULE_PERIOD_DAYS}.`,
    );
  }
  compileIndexSets(
    conf.indexAttributeSets,
    partitionKeys,
    '/scheduleConfiguration/indexAttributeSets',
    report,
  );
  const distinct = new Set<string>();
  for (const [ds, measures] of Object.entries(conf.atpCalculatedMeasures)) {
    for (const measure of Object.keys(measures)) {
      const calc = sources.get(ds)?.calculatedMeasures.get(measure);
      if (!calc) {
        report(
          'unknown_measure_reference',
          `/scheduleConfiguration/atpCalculatedMeasures/${ds}/${measure}`,
          `"${ds}.${measure}" is not a calculated measure.`,
        );
        continue;
      }
      for (const ref of [...calc.additions, ...calc.subtractions])
        distinct.add(`${ref.dataSource}.${ref.measure}`);
    }
  }
  if (distinct.size > MAX_ATP_PHYSICAL_MEASURES) {
    report(
      'too_many_atp_measures',
      '/scheduleConfiguration/atpCalculatedMeasures',
      `ATP measures use ${distinct.size} distinct physical measures; at most ${MAX_ATP_PHYSICAL_MEASURES} are allowed.`,
    );
  }
}

function checkAllocation(
  runtime: RuntimeConfiguration,
  sources: Map<string, DataSourceConfig>,
  report: Report,
): void {
  const conf = runtime.allocationConfiguration;
  const path = '/allocationConfiguration';
  if (conf.groups.length > MAX_ALLOCATION_GROUPS) {
    report(
      'invalid_allocation_groups',
      `${path}/groups`,
      `At most ${MAX_ALLOCATION_GROUPS} allocation groups are allowed.`,
    );
  }
  const lower = new Set<string>();
  conf.groups.forEach((group, i) => {
    if (lower.has(group.toLowerCase()))
      report('duplicate_name', `${path}/groups/${i}`, `Group "${group}" appears twice.`);
    lower.add(group.toLowerCase());
  });
  const levels = new Set<string>();
  for (const [group, level] of Object.entries(conf.groupsOrder)) {
    const levelPath = `${path}/groupsOrder/${group}`;
    if (!conf.groups.includes(group))
      report('invalid_allocation_groups', levelPath, `"${group}" is not in groups.`);
    if (!/^g[0-7]$/.test(level))
      report('invalid_allocation_groups', levelPath, `Level "${level}" must be g0 … g7.`);
    if (levels.has(level)) report('invalid_allocation_groups', levelPath, `Level "${level}" is used twice.`);
    levels.add(level);
  }
  for (let i = 0; i < levels.size; i++) {
    if (!levels.has(`g${i}`)) {
      report('invalid_allocation_groups', `${path}/groupsOrder`, 'Group levels must be contiguous from g0.');
      break;
    }
  }
  for (const [refText, sign] of Object.entries(conf.availableToAllocateCalculation)) {
    const refPath = `${path}/availableToAllocateCalculation/${refText}`;
    const ref = parseMeasureRef(refText);
    if (!ref || !sources.get(ref.dataSource)?.physicalMeasures.has(ref.measure)) {
      report('unknown_measure_reference', refPath, `"${refText}" is not a physical measure.`);
    }
    if (sign !== 'addition' && sign !== 'subtraction') {
      report('invalid_configuration', refPath, 'Each entry must be "addition" or "subtraction".');
    }
  }
}
