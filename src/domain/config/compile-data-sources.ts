import type { ErrorCode } from '../codes.js';
import { toBaseDimension } from '../dimensions.js';
import type { CalculatedMeasure, DataSourceConfig, MeasureRef } from './compiled-configuration.js';
import { parseMeasureRef } from './parse-measure-ref.js';
import type { RuntimeConfiguration } from './runtime-configuration.js';

type Report = (code: ErrorCode, path: string, message: string) => void;

/**
 * Compiles the data sources: checks names, dimension mappings, calculated measures (whose modifiers
 * must be physical measures, each used once, never the measure itself) and reservMappings.
 */
export function compileDataSources(
  runtime: RuntimeConfiguration,
  report: Report,
): Map<string, DataSourceConfig> {
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

/** Points each reserved physical measure at its available-for-reservation calculated measure. */
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
