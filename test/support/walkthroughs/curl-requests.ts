import { DOCUMENTED_URL } from './replay.js';

/** A request a curl command of a walkthrough sends, as far as it can be read without running it. */
export interface CurlRequest {
  readonly method: string;
  /** The path, without the query string. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** The JSON body of `-d '…'`, when it is literal JSON. */
  readonly json?: unknown;
  /** The form fields of `-d name=value` arguments. */
  readonly form?: Readonly<Record<string, string>>;
}

/**
 * The requests of the curl commands in a walkthrough step that name the documented host. Bodies that
 * come from files or shell expansion (`--data @file`, `-d @-`, `"$VAR"`) are left out.
 */
export function curlRequests(script: string): CurlRequest[] {
  const text = script.replace(/\\\n/g, ' ');
  const starts = [...text.matchAll(/(^|[\s;&|(])curl\s/g)].map((m) => (m.index ?? 0) + m[0].length);
  return starts.flatMap((start, i) => {
    const command = text.slice(start, starts[i + 1] ?? text.length);
    const url = new RegExp(`${DOCUMENTED_URL.replace(/[.]/g, '\\.')}[^\\s"']*`).exec(command)?.[0];
    if (!url) return [];
    const parsed = new URL(url);
    const dataArgs = [...command.matchAll(/(?:-d|--data(?:-raw|-binary)?)\s+('([^']*)'|"([^"]*)"|(\S+))/g)];
    const method = /-X\s+([A-Z]+)/.exec(command)?.[1] ?? (dataArgs.length > 0 ? 'POST' : 'GET');
    const request: { -readonly [K in keyof CurlRequest]: CurlRequest[K] } = {
      method,
      path: parsed.pathname,
      query: Object.fromEntries(parsed.searchParams),
    };
    const quoted = dataArgs.find((m) => m[2] !== undefined)?.[2];
    if (dataArgs.length === 1 && quoted !== undefined && /^\s*[[{]/.test(quoted)) {
      try {
        request.json = JSON.parse(quoted);
      } catch {
        // not literal JSON (a shell expansion inside): left out
      }
    } else if (dataArgs.length > 0 && dataArgs.every((m) => /^[\w.]+=/.test(m[3] ?? m[4] ?? m[2] ?? ''))) {
      request.form = Object.fromEntries(
        dataArgs.map((m) => {
          const field = m[3] ?? m[4] ?? m[2] ?? '';
          const at = field.indexOf('=');
          return [field.slice(0, at), field.slice(at + 1)];
        }),
      );
    }
    return [request];
  });
}
