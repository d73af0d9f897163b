import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import { Api, ApiError } from './api.js';
import type { RuntimeConfiguration } from './configuration-model.js';
import { DataTable } from './data-table.js';
import { useSession } from './session.js';

interface AtpRow {
  readonly quantities: Record<string, Record<string, unknown>>;
  readonly quantitiesByDate?: Record<string, Record<string, Record<string, unknown>>>;
  readonly atpQuantities?: Record<string, Record<string, Record<string, unknown>>>;
}

/** Per day of the schedule period: on hand, the scheduled change and ATP of one ATP measure, summed over rows. */
export interface AtpDay {
  readonly day: string;
  readonly onHand: number;
  readonly scheduled: number;
  readonly atp: number;
}

const num = (v: unknown) => (v === undefined || v === null ? 0 : Number(v));

/** Builds the daily series of `measure` ("ds.m") from an ATP query answer. */
export function atpSeries(rows: readonly AtpRow[], measure: string): AtpDay[] {
  const [ds = '', m = ''] = measure.split(/\.(.*)/s);
  const days = new Map<string, { onHand: number; scheduled: number; atp: number }>();
  for (const row of rows) {
    const current = num(row.quantities[ds]?.[m]);
    for (const [key, values] of Object.entries(row.atpQuantities ?? {})) {
      const day = key.slice(0, 10);
      const d = days.get(day) ?? { onHand: 0, scheduled: 0, atp: 0 };
      d.onHand += current;
      d.atp += num(values[ds]?.[m]);
      days.set(day, d);
    }
    for (const [key, values] of Object.entries(row.quantitiesByDate ?? {})) {
      const d = days.get(key.slice(0, 10));
      if (d) d.scheduled += num(values[ds]?.[m]);
    }
  }
  return [...days.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([day, d]) => ({ day, ...d }));
}

/**
 * The ATP chart of a product for the schedule period: on hand, scheduled changes and ATP per day (uPlot
 * on a canvas), with the same numbers in a table for screen readers and keyboard users.
 */
export function AtpChart(props: {
  organizationId: string;
  productId: string;
  config: RuntimeConfiguration;
  version: number;
}) {
  const { organizationId, productId, config, version } = props;
  const { api, environmentId } = useSession();
  const atp = (config.scheduleConfiguration?.atpCalculatedMeasures ?? {}) as Record<string, object>;
  const measures = Object.entries(atp).flatMap(([ds, names]) => Object.keys(names).map((m) => `${ds}.${m}`));
  const [measure, setMeasure] = useState(measures[0] ?? '');
  const [days, setDays] = useState<AtpDay[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const box = useRef<HTMLDivElement>(null);
  const enabled = config.scheduleConfiguration?.isScheduleEnabled === true && measure !== '';

  useEffect(() => {
    if (!enabled) return;
    api
      .post<AtpRow[]>(`${Api.env(environmentId)}/onhand/indexquery`, {
        filters: { organizationId: [organizationId], productId: [productId] },
        // An ATP query groups by exactly one ATP index set; rows are summed per day below.
        groupByValues: config.scheduleConfiguration?.indexAttributeSets?.[0]?.keys ?? [],
        returnNegative: true,
        QueryATP: true,
      })
      .then((rows) => {
        setDays(atpSeries(rows, measure));
        setProblem(null);
      })
      .catch((e: unknown) => setProblem(e instanceof ApiError ? `${e.code}: ${e.message}` : String(e)));
  }, [api, environmentId, organizationId, productId, measure, enabled, version, config]);

  useEffect(() => {
    const el = box.current;
    if (!el || days.length === 0) return;
    const width = Math.max(320, Math.min(el.clientWidth || 800, 1100));
    const plot = new uPlot(
      {
        width,
        height: 260,
        title: `ATP of ${measure}`,
        scales: { x: { time: true } },
        // Room for the longest tick label (quantities reach 12 integer digits).
        axes: [
          {},
          {
            size: (_u: uPlot, values: string[] | null) =>
              24 + 8 * Math.max(3, ...(values ?? []).map((v) => v.length)),
          },
        ],
        series: [
          {},
          { label: 'On hand', stroke: '#1f5f99', width: 2 },
          { label: 'Scheduled change', stroke: '#b35c00', width: 2, dash: [6, 4] },
          { label: 'ATP', stroke: '#1b7a3a', width: 3 },
        ],
      },
      [
        days.map((d) => Date.parse(`${d.day}T00:00:00Z`) / 1000),
        days.map((d) => d.onHand),
        days.map((d) => d.scheduled),
        days.map((d) => d.atp),
      ],
      el,
    );
    return () => plot.destroy();
  }, [days, measure]);

  return (
    <section aria-labelledby="atp-title">
      <h2 id="atp-title">Available to promise</h2>
      {!enabled && (
        <p>Schedules are not enabled in this environment's configuration (scheduleConfiguration).</p>
      )}
      {enabled && measures.length > 1 && (
        <label>
          ATP measure
          <select value={measure} onChange={(e) => setMeasure((e.target as HTMLSelectElement).value)}>
            {measures.map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
        </label>
      )}
      {problem && <p role="alert">{problem}</p>}
      {enabled && (
        <>
          <div
            ref={box}
            class="chart"
            role="img"
            aria-label={`Chart: on hand, scheduled changes and ATP of ${measure} per day`}
          />
          <details>
            <summary>ATP per day as a table</summary>
            <DataTable
              caption={`ATP of ${measure} per day`}
              columns={[
                { key: 'day', label: 'Day' },
                { key: 'onHand', label: 'On hand', numeric: true },
                { key: 'scheduled', label: 'Scheduled change', numeric: true },
                { key: 'atp', label: 'ATP', numeric: true },
              ]}
              rows={days.map((d) => ({ ...d }))}
              pageSize={31}
            />
          </details>
        </>
      )}
    </section>
  );
}
