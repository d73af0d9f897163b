import type { FastifyBaseLogger } from 'fastify';

type Bindings = Parameters<FastifyBaseLogger['child']>[0];
type ChildLoggerOptions = NonNullable<Parameters<FastifyBaseLogger['child']>[1]>;

type Write = (...args: unknown[]) => void;
type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * A request's logger (`request.log`), made only when it writes: Fastify gives every request a child
 * of the server's logger bound to its request id, and pino builds that child's bindings (through the
 * redaction of log-options.ts) at once. At the default level (warn) almost no request writes a line,
 * so this logger builds the child on the first call at a level the server's logger writes and hands
 * every call on to it: a line that is written carries the request id as before, a call below the
 * level costs one check. Options given for the child (a route's log level or serializers) build it
 * at once.
 */
export class RequestLogger implements FastifyBaseLogger {
  #child: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly options: ChildLoggerOptions,
  ) {}

  /** The child logger, built on first use. */
  #real(): FastifyBaseLogger {
    this.#child ??= this.parent.child(this.bindings, this.options);
    return this.#child;
  }

  #writes(level: Level): boolean {
    return this.#child !== undefined || isLevelEnabled(this.parent, level);
  }

  get level(): string {
    return this.#child?.level ?? this.parent.level;
  }

  set level(level: string) {
    this.#real().level = level;
  }

  fatal(...args: unknown[]): void {
    if (this.#writes('fatal')) this.#write('fatal', args);
  }
  error(...args: unknown[]): void {
    if (this.#writes('error')) this.#write('error', args);
  }
  warn(...args: unknown[]): void {
    if (this.#writes('warn')) this.#write('warn', args);
  }
  info(...args: unknown[]): void {
    if (this.#writes('info')) this.#write('info', args);
  }
  debug(...args: unknown[]): void {
    if (this.#writes('debug')) this.#write('debug', args);
  }
  trace(...args: unknown[]): void {
    if (this.#writes('trace')) this.#write('trace', args);
  }
  silent(): void {}

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.#real().child(bindings, options);
  }

  #write(level: Level, args: unknown[]): void {
    const real = this.#real();
    (real[level] as Write).apply(real, args);
  }
}

/** Whether `logger` writes at `level` (pino's isLevelEnabled; a logger without it writes everything). */
function isLevelEnabled(logger: FastifyBaseLogger, level: Level): boolean {
  const check = (logger as { isLevelEnabled?: (level: string) => boolean }).isLevelEnabled;
  return check === undefined ? true : check.call(logger, level);
}

/** Fastify's childLoggerFactory: a RequestLogger, or pino's child at once when options are given. */
export function requestLogger(
  logger: FastifyBaseLogger,
  bindings: Bindings,
  options: ChildLoggerOptions,
): FastifyBaseLogger {
  if (options.level !== undefined || options.serializers !== undefined)
    return logger.child(bindings, options);
  return new RequestLogger(logger, bindings, options);
}
