import { spawnSync } from 'node:child_process';

/** The absolute path of a command on the PATH (or in the sbin folders, where Debian puts nginx), or undefined. */
export function findTool(name: string): string | undefined {
  const path = `${process.env.PATH ?? ''}:/usr/sbin:/sbin:/usr/local/sbin`;
  const found = spawnSync('bash', ['-c', `PATH="$1" command -v "$2"`, 'find-tool', path, name], {
    encoding: 'utf8',
  });
  const location = found.stdout.trim();
  return found.status === 0 && location.startsWith('/') ? location : undefined;
}

/**
 * Like findTool, for a tool a test cannot do without: absent, the test is skipped with a message,
 * except with CI=true, where it is an error (`.ci/run` installs it), never a silent skip.
 */
export function requiredTool(name: string, install: string): string | undefined {
  const location = findTool(name);
  if (location) return location;
  const message = `${name} not found: install it (${install}).`;
  if (process.env.CI === 'true') throw new Error(message);
  console.warn(`Skipping the tests that need ${name}. ${message}`);
  return undefined;
}

/** Runs a command; its exit code and both outputs together. */
export function run(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): { status: number | null; output: string } {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 60_000, ...options });
  return { status: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}` };
}
