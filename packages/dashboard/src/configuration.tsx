import { useEffect, useRef, useState } from 'preact/hooks';
import { Api, ApiError, type ErrorDetail } from './api.js';
import type { RuntimeConfiguration } from './configuration-model.js';
import { allows, useSession } from './session.js';
import { ErrorBox, forgetConfiguration, useConfiguration } from './widgets.js';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** The value at a JSON pointer replaced by `value` (copy-on-write). */
function setAt(root: Json, path: readonly string[], value: Json): Json {
  if (path.length === 0) return value;
  const [head = '', ...rest] = path;
  if (Array.isArray(root)) {
    const copy = [...root];
    copy[Number(head)] = setAt(copy[Number(head)] ?? null, rest, value);
    return copy;
  }
  const object = (root ?? {}) as Record<string, Json>;
  return { ...object, [head]: setAt(object[head] ?? null, rest, value) };
}

const pointer = (path: readonly string[]) => `/${path.join('/')}`.toLowerCase();
const fieldId = (path: readonly string[]) => `cfg-${path.join('-').replace(/[^A-Za-z0-9_-]/g, '_')}`;

/**
 * The configuration: every value as a labelled field (read-only without the admin role). Saving sends
 * a hard update; the server's validation errors are shown on the fields they concern (aria-invalid,
 * with the message as the field's description), and the rest above the form.
 */
export function Configuration() {
  const { api, environmentId, role, announce } = useSession();
  const [reload, setReload] = useState(0);
  const loaded = useConfiguration(reload);
  const [draft, setDraft] = useState<Json | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  // A fresh copy from the server replaces the form only while the user has not edited it.
  const dirty = useRef(false);
  useEffect(() => {
    if (!dirty.current) setDraft((loaded as Json | null) ?? null);
  }, [loaded]);
  const editable = allows(role, 'admin');
  const byPath = new Map<string, ErrorDetail[]>();
  for (const d of error?.details ?? []) {
    const key = d.path.toLowerCase();
    byPath.set(key, [...(byPath.get(key) ?? []), d]);
  }

  const save = async () => {
    try {
      await api.post<RuntimeConfiguration>(`${Api.env(environmentId)}/configuration/hardupdate`, draft);
      setError(null);
      dirty.current = false;
      forgetConfiguration();
      setReload((n) => n + 1);
      announce('Configuration saved.');
    } catch (e) {
      const failure = e instanceof ApiError ? e : new ApiError(0, 'network', String(e));
      setError(failure);
      const first = failure.details.find((d) => document.getElementById(fieldId(d.path.split('/').slice(1))));
      if (first) document.getElementById(fieldId(first.path.split('/').slice(1)))?.focus();
    }
  };

  const leaf = (value: Json, path: string[]) => {
    const id = fieldId(path);
    const problems = byPath.get(pointer(path)) ?? [];
    const describedBy = problems.length > 0 ? `${id}-error` : undefined;
    const common = {
      id,
      name: path.join('.'),
      disabled: !editable,
      'aria-invalid': problems.length > 0 ? ('true' as const) : undefined,
      'aria-describedby': describedBy,
    };
    const update = (v: Json) => {
      dirty.current = true;
      setDraft((d) => setAt(d, path, v));
    };
    const label = path[path.length - 1] ?? '';
    return (
      <div class={`field${problems.length > 0 ? ' invalid' : ''}`} key={id}>
        <label for={id}>{label}</label>
        {typeof value === 'boolean' ? (
          <input
            type="checkbox"
            {...common}
            checked={value}
            onChange={(e) => update((e.target as HTMLInputElement).checked)}
          />
        ) : (
          <input
            {...common}
            inputMode={typeof value === 'number' ? 'decimal' : undefined}
            value={value === null ? '' : String(value)}
            onInput={(e) => {
              const text = (e.target as HTMLInputElement).value;
              update(typeof value === 'number' && /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text);
            }}
          />
        )}
        {problems.length > 0 && (
          <span id={`${id}-error`} class="field-error">
            {problems.map((p) => `${p.code}: ${p.message}`).join(' ')}
          </span>
        )}
      </div>
    );
  };

  const node = (value: Json, path: string[]): preact.ComponentChild => {
    if (value === null || typeof value !== 'object') return leaf(value, path);
    const entries: [string, Json][] = Array.isArray(value)
      ? value.map((v, i) => [String(i), v])
      : Object.entries(value);
    const problems = path.length > 0 ? (byPath.get(pointer(path)) ?? []) : [];
    const content = entries.map(([k, v]) => node(v, [...path, k]));
    if (path.length === 0) return content;
    return (
      <fieldset key={fieldId(path)} class={problems.length > 0 ? 'invalid' : ''}>
        <legend>{path[path.length - 1]}</legend>
        {problems.length > 0 && <p class="field-error">{problems.map((p) => p.message).join(' ')}</p>}
        {entries.length === 0 ? <p class="muted">(empty)</p> : content}
      </fieldset>
    );
  };

  return (
    <section aria-labelledby="config-title">
      <h1 id="config-title">Configuration</h1>
      {!editable && <p>Read only: editing needs the admin role in this environment.</p>}
      <ErrorBox error={error} />
      {draft !== null && (
        <form
          class="config"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          {editable && (
            <div class="toolbar">
              <button type="submit" class="primary">
                Save configuration
              </button>
              <button
                type="button"
                onClick={() => {
                  dirty.current = false;
                  setError(null);
                  setDraft((loaded as Json | null) ?? null);
                }}
              >
                Discard changes
              </button>
            </div>
          )}
          {node(draft, [])}
        </form>
      )}
    </section>
  );
}
