import pretty from 'pino-pretty';

/** How log lines are written: `auto` is `pretty` on a terminal and `json` otherwise. */
export type LogFormat = 'auto' | 'json' | 'pretty';

/** The format `auto` stands for: readable lines when standard output is a terminal, JSON otherwise. */
export function effectiveLogFormat(format: LogFormat, isTty: boolean): 'json' | 'pretty' {
  if (format !== 'auto') return format;
  return isTty ? 'pretty' : 'json';
}

/** The pino options Fastify's logger is built from. */
export interface LoggerOptions {
  level: string;
  redact: { paths: string[]; censor: string };
  stream?: NodeJS.WritableStream;
}

/**
 * pino options at `level`, with credentials redacted wherever they could appear (headers, token
 * request fields). Fastify's own request logs carry method and URL only, never bodies. `json` writes
 * one JSON object per line to standard output (for log collectors); `pretty` writes readable lines
 * (time, level, message, then the fields) through pino-pretty, to `destination` when given. Redaction
 * happens before either, so both show `[redacted]`.
 */
export function loggerOptions(
  level: string,
  format: 'json' | 'pretty' = 'json',
  destination?: NodeJS.WritableStream,
): LoggerOptions {
  const options: LoggerOptions = {
    level,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'headers.authorization',
        'authorization',
        'client_secret',
        'client_assertion',
        'access_token',
        '*.client_secret',
        '*.client_assertion',
        'secret',
        '*.secret',
        '*.access_token',
      ],
      censor: '[redacted]',
    },
  };
  if (format === 'pretty')
    options.stream = pretty({
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname',
      // Synchronous so that the last lines before an exit are not lost; a terminal is slow anyway.
      sync: true,
      ...(destination ? { destination, colorize: false } : {}),
    });
  return options;
}
