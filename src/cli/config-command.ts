import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { OnhandError } from '../domain/codes.js';
import { completeConfiguration, type PartialConfiguration } from '../domain/config/complete-configuration.js';
import { withoutServerOwnedFields } from '../domain/config/server-owned.js';
import { Environments } from '../engine/environments.js';
import { RuntimeConfigurationInput } from '../http/schemas/configuration.js';
import { validator } from '../http/validation.js';

/** What `onhand config` needs: the environments of the store and a line printer. */
export interface ConfigCommandDeps {
  readonly environments: Environments;
  readonly out: (line: string) => void;
  readonly readText?: (path: string) => Promise<string>;
}

/** Usage text of `onhand config`. */
export const CONFIG_USAGE = `Usage:
  onhand config show ENV
  onhand config update ENV FILE [--if-version N]

  show     Prints the runtime configuration of ENV as JSON, its version in configurationVersion.
  update   Replaces the configuration of ENV with FILE (JSON), as POST …/configuration/hardupdate does:
           server-owned fields in FILE (environmentId, configurationVersion, entityVersion, isUninstalled,
           isIndexUpgradeInProgress) are ignored, so a document copied from another environment works.
           --if-version N: only if ENV is still at version N (as the HTTP If-Match header); exit 1 otherwise.`;

const checkConfiguration = validator(RuntimeConfigurationInput);

/** Runs `onhand config …`; returns the exit code (0 done, 1 refused, 2 usage error). */
export async function runConfigCommand(args: string[], deps: ConfigCommandDeps): Promise<number> {
  const [subcommand, ...rest] = args;
  try {
    const { values, positionals } = parseArgs({
      args: rest,
      options: { 'if-version': { type: 'string' } },
      allowPositionals: true,
    });
    if (subcommand === 'show' && positionals.length === 1 && values['if-version'] === undefined) {
      const config = await deps.environments.get(Environments.id(positionals[0] ?? ''));
      deps.out(JSON.stringify(config.runtime, null, 2));
      return 0;
    }
    if (subcommand === 'update' && positionals.length === 2) {
      const [rawId = '', file = ''] = positionals;
      const environmentId = Environments.id(rawId);
      const text = await (deps.readText ?? ((path) => readFile(path, 'utf8')))(file);
      const input = withoutServerOwnedFields(checkConfiguration(JSON.parse(text)) as PartialConfiguration);
      const precondition = versionCondition(values['if-version']);
      const saved = await deps.environments.replace(
        environmentId,
        completeConfiguration(environmentId, input),
        precondition,
      );
      deps.out(`Configuration of ${environmentId} saved as version ${saved.version}.`);
      return 0;
    }
    deps.out(CONFIG_USAGE);
    return subcommand === 'help' ? 0 : 2;
  } catch (error) {
    if (error instanceof OnhandError) {
      const where = error.details.map((d) => `\n  ${d.path}: ${d.message}`).join('');
      deps.out(`${error.code}: ${error.message}${where}`);
      return 1;
    }
    if (error instanceof SyntaxError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      deps.out(`${(error as Error).message}\n\n${CONFIG_USAGE}`);
      return 2;
    }
    throw error;
  }
}

function versionCondition(text: string | undefined): readonly number[] | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,15}$/.test(text)) throw new SyntaxError(`--if-version needs a version number, not "${text}".`);
  return [Number(text)];
}
