import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { ErrorCode } from '../../../src/domain/codes.js';
import { compileConfiguration } from '../../../src/domain/config/compile-configuration.js';
import { defaultConfiguration } from '../../../src/domain/config/default-configuration.js';
import type { RuntimeConfiguration } from '../../../src/domain/config/runtime-configuration.js';
import { caught } from '../helpers.js';

/* The fixtures shared by test/domain/configuration*.test.ts and the tables beside this file. */

export const SAMPLE_PATH = new URL('../../fixtures/runtime-configuration.sample.json', import.meta.url);
export const readSample = (): RuntimeConfiguration =>
  JSON.parse(readFileSync(SAMPLE_PATH, 'utf8')) as RuntimeConfiguration;

/** The detail codes and paths of the invalid_configuration error compiling `config` throws. */
export function problemsOf(config: RuntimeConfiguration): { code: ErrorCode; path: string }[] {
  const error = caught(() => compileConfiguration(config));
  expect(error.code).toBe('invalid_configuration');
  return error.details.map(({ code, path }) => ({ code, path }));
}

export const FNO_MEASURES =
  defaultConfiguration('x').inventorySystemConfigurations.fno?.physicalMeasures ?? [];

/** Adds `@iv.@atp` = Σ of the first `n` fno physical measures and makes it the ATP measure. */
export function atpOver(n: number) {
  return (c: RuntimeConfiguration) => {
    c.inventorySystemConfigurations['@iv']!.calculatedMeasures['@atp'] = {
      additionModifiers: FNO_MEASURES.slice(0, n).map((m) => `fno.${m}`),
      subtractionModifiers: [],
    };
    c.scheduleConfiguration.atpCalculatedMeasures = { '@iv': { '@atp': 7 } };
  };
}

export const pos = (c: RuntimeConfiguration) => c.inventorySystemConfigurations.pos!;
export const POS_CALC = '/inventorySystemConfigurations/pos/calculatedMeasures/availquantity';
