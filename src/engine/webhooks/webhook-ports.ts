/** Seals and opens secrets at rest (src/auth/secret-box.ts: AES-256-GCM, key in the data directory). */
export interface SecretBox {
  /** Encrypts `plain`, bound to `context` (it must be given again to open it). */
  seal(plain: string, context: string): string;
  /** Decrypts what `seal` made with the same context; throws when it was tampered with. */
  open(sealed: string, context: string): string;
}

/** One HTTP delivery attempt. */
export interface OutgoingRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly timeoutMs: number;
}

/** What came back: an HTTP status, or why there was none (refused address, timeout, connection error). */
export type SendResult = { readonly status: number } | { readonly error: string };

/** Sends webhook requests to the outside world (http-sender.ts; tests may pass their own). */
export interface WebhookSender {
  send(request: OutgoingRequest): Promise<SendResult>;
}

/** The operator's webhook settings (ONHAND_WEBHOOKS_*, docs/configuration.md). */
export interface WebhookSettings {
  /** Deliver to loopback and private addresses too (tests, private networks). */
  readonly allowPrivate: boolean;
  /** How long a delivery is retried before the subscription is marked failing (ms). */
  readonly retryPeriodMs: number;
  /** How long one attempt may take (ms). */
  readonly timeoutMs: number;
  /** Most entries in one delivery. */
  readonly batchSize: number;
}

export const DEFAULT_WEBHOOK_SETTINGS: WebhookSettings = {
  allowPrivate: false,
  retryPeriodMs: 24 * 3600 * 1000,
  timeoutMs: 10_000,
  batchSize: 100,
};

/**
 * One attempt worth telling the operator about (the server logs it, docs/webhooks.md): a failed one
 * (`retryAt` when it will be tried again, absent when the subscription is now failing), or a delivered
 * one after failed attempts (the receiver is back).
 */
export interface AttemptReport {
  readonly environmentId: string;
  readonly webhookId: string;
  /** The receiver's origin (scheme, host and port; the path may hold a token and is left out). */
  readonly receiver: string;
  readonly deliveryId: string;
  /** This attempt's number (1 for the first). */
  readonly attempt: number;
  readonly delivered: boolean;
  readonly httpStatus: number | null;
  readonly error: string | null;
  readonly retryAt?: string;
}

/** What the composition root chooses for webhooks. */
export interface WebhookOptions {
  /** Told about failed attempts, and about the first delivered one after failures (logged by the server). */
  readonly onAttempt?: (report: AttemptReport) => void;
  readonly secrets: SecretBox;
  readonly sender: WebhookSender;
  readonly settings: WebhookSettings;
  /** Writes JSON with exact quantities (http/json.ts toJson). */
  readonly encode: (value: unknown) => string;
}

/**
 * Webhooks of an engine built without them (tools and tests that do not deliver): subscriptions cannot
 * be created (no key to seal their secrets) and nothing is sent.
 */
export function unconfiguredWebhooks(): WebhookOptions {
  const refuse = (): never => {
    throw new Error('Webhooks are not configured in this engine (EngineOptions.webhooks).');
  };
  return {
    secrets: { seal: refuse, open: refuse },
    sender: { send: async () => ({ error: 'webhooks are not configured' }) },
    settings: DEFAULT_WEBHOOK_SETTINGS,
    encode: (value) => JSON.stringify(value),
  };
}
