import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Metrics } from '../../src/http/metrics.js';
import { requiredTool, run } from '../support/tools.js';

/**
 * deploy/prometheus/onhand-alerts.yml is valid (`promtool check rules`) and its alerts fire when they
 * should (`promtool test rules` with onhand-alerts.test.yml). promtool comes with Debian's `prometheus`
 * package; with CI=true a missing promtool fails here (.ci/run installs it).
 */
const DIR = fileURLToPath(new URL('../../deploy/prometheus/', import.meta.url));
const promtool = requiredTool('promtool', "Debian's prometheus package: apt-get install prometheus");
const suite = promtool ? describe : describe.skip;

suite('the Prometheus alert rules shipped in deploy/prometheus', () => {
  it('pass promtool check rules', () => {
    const result = run(promtool!, ['check', 'rules', 'onhand-alerts.yml'], { cwd: DIR });
    expect(result.output).toMatch(/SUCCESS: \d+ rules found/);
    expect(result.status, result.output).toBe(0);
  });

  it('pass their promtool unit tests (each alert fires on its failure and not on health)', () => {
    const result = run(promtool!, ['test', 'rules', 'onhand-alerts.test.yml'], { cwd: DIR });
    expect(result.output).toContain('SUCCESS');
    expect(result.status, result.output).toBe(0);
  });

  it('name only metrics that /metrics exposes', async () => {
    // What a server's registry exposes: Onhand's own metrics (src/http/metrics.ts), prom-client's
    // default ones, and the series of each histogram; plus Prometheus's own `up`.
    const exposed = new Set(['up']);
    for (const metric of await new Metrics().registry.getMetricsAsJSON()) {
      exposed.add(metric.name);
      if (String(metric.type) === 'histogram')
        for (const suffix of ['_bucket', '_count', '_sum']) exposed.add(`${metric.name}${suffix}`);
    }
    const text = readFileSync(join(DIR, 'onhand-alerts.yml'), 'utf8');
    const expressions = [...text.matchAll(/^ {8}expr: (?:\|\n)?([\s\S]*?)\n {8}(?:for|labels):/gm)].map(
      (m) => m[1]!,
    );
    expect(expressions).toHaveLength([...text.matchAll(/^ {6}- alert: /gm)].length);
    const names = expressions.flatMap((e) => [...e.matchAll(/\b([a-z_]+)\{/g)].map((n) => n[1]!));
    expect(names.length).toBeGreaterThanOrEqual(expressions.length);
    expect(names.filter((n) => !exposed.has(n))).toEqual([]);
  });
});
