import { expect } from 'vitest';
import { type ErrorCode, OnhandError } from '../../src/domain/codes.js';
import { compileConfiguration } from '../../src/domain/config/compile-configuration.js';
import type { CompiledConfiguration } from '../../src/domain/config/compiled-configuration.js';
import {
  completeConfiguration,
  type PartialConfiguration,
} from '../../src/domain/config/complete-configuration.js';
import { defaultConfiguration } from '../../src/domain/config/default-configuration.js';
import type { RuntimeConfiguration } from '../../src/domain/config/runtime-configuration.js';

/** Runs `fn` and returns the OnhandError it throws; fails the test when it throws nothing or something else. */
export function caught(fn: () => unknown): OnhandError {
  try {
    fn();
  } catch (error) {
    if (error instanceof OnhandError) return error;
    throw error;
  }
  throw new Error('expected an OnhandError, but nothing was thrown');
}

/** Asserts that `fn` fails with a single-detail OnhandError of `code` pointing at `path`. */
export function expectFailure(fn: () => unknown, code: ErrorCode, path: string): OnhandError {
  const error = caught(fn);
  expect({ code: error.code, details: error.details.map((d) => ({ code: d.code, path: d.path })) }).toEqual({
    code,
    details: [{ code, path }],
  });
  expect(error.message.length).toBeGreaterThan(0);
  return error;
}

/** The default runtime configuration, changed by `edit` (which works on a private deep copy). */
export function runtimeWith(edit: (config: RuntimeConfiguration) => void = () => {}): RuntimeConfiguration {
  const config = structuredClone(defaultConfiguration('env-test'));
  edit(config);
  return config;
}

/** The default configuration, changed by `edit`, compiled. */
export function compiledWith(edit?: (config: RuntimeConfiguration) => void): CompiledConfiguration {
  return compileConfiguration(runtimeWith(edit));
}

/** The default configuration partitioned by location (the default rule). */
export const BY_LOCATION = compiledWith();

/** The default configuration partitioned by product. */
export const BY_PRODUCT = compiledWith((c) => {
  c.cachePartitionIdVersion = 'byProductId';
});

/**
 * A configuration with only the given data sources (and no allocation formula, which would refer to the
 * default ones): the shape a user posts to hardupdate when they replace the data sources.
 */
export function compiledFrom(input: PartialConfiguration): CompiledConfiguration {
  return compileConfiguration(
    completeConfiguration('env-test', {
      allocationConfiguration: { availableToAllocateCalculation: {} },
      ...input,
    }),
  );
}
