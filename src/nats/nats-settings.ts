import { isSubjectPrefix } from '../domain/relay/nats-subject.js';
import { int } from '../settings-values.js';

/** The NATS JetStream relay of the change feed (--nats-url, ONHAND_NATS_*; docs/configuration.md). */
export interface NatsSettings {
  /** One server or a comma-separated list (nats://host:port, tls://…, host:port). */
  readonly url: string;
  /** The stream Onhand creates and publishes to. */
  readonly stream: string;
  /** Subjects are `{subjectPrefix}.{environment}.{product}`. */
  readonly subjectPrefix: string;
  /** How long the stream remembers message ids to drop duplicates. */
  readonly duplicateWindowSeconds: number;
  /** Messages published and not yet acknowledged, per environment, at most. */
  readonly maxInFlight: number;
}

/** The relay's settings when a NATS URL is given (flag or ONHAND_NATS_URL), else undefined. */
export function natsSettings(url: string | undefined, env: NodeJS.ProcessEnv): NatsSettings | undefined {
  if (url === undefined || url.trim() === '') return undefined;
  const servers = url.split(',').map((s) => s.trim());
  if (servers.some((s) => !/^((nats|tls):\/\/)?[^\s/,]+\/?$/i.test(s))) {
    throw new Error(
      `The NATS URL (--nats-url, ONHAND_NATS_URL) must be nats://host:port, tls://host:port or a comma-separated list of them; got "${url}".`,
    );
  }
  const stream = env.ONHAND_NATS_STREAM || 'ONHAND';
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(stream)) {
    throw new Error(`ONHAND_NATS_STREAM must be 1-64 letters, digits, "_" or "-"; got "${stream}".`);
  }
  const subjectPrefix = env.ONHAND_NATS_SUBJECT_PREFIX || 'onhand';
  if (!isSubjectPrefix(subjectPrefix)) {
    throw new Error(
      `ONHAND_NATS_SUBJECT_PREFIX must be tokens of letters, digits, "_" or "-" separated by dots; got "${subjectPrefix}".`,
    );
  }
  return {
    url,
    stream,
    subjectPrefix,
    duplicateWindowSeconds: int(
      env.ONHAND_NATS_DUPLICATE_WINDOW_SECONDS,
      120,
      30,
      86_400,
      'ONHAND_NATS_DUPLICATE_WINDOW_SECONDS',
    ),
    maxInFlight: int(env.ONHAND_NATS_MAX_IN_FLIGHT, 256, 1, 65_536, 'ONHAND_NATS_MAX_IN_FLIGHT'),
  };
}
