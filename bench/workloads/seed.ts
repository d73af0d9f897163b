import { postJson } from '../server.js';
import type { BenchContext } from '../workload.js';

/** Posts on-hand change events (JSON texts) in bulks of 512 and fails loudly if any item fails. */
export async function seed(
  ctx: BenchContext,
  environmentId: string,
  events: readonly string[],
): Promise<void> {
  for (let i = 0; i < events.length; i += 512) {
    const body = `[${events.slice(i, i + 512).join(',')}]`;
    const response = await fetch(`${ctx.url}/api/environment/${environmentId}/onhand/bulk`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ctx.token}`, 'content-type': 'application/json' },
      body,
    });
    const answer = (await response.json()) as { failure?: unknown[] };
    if (!response.ok || (answer.failure?.length ?? 0) > 0) {
      throw new Error(
        `seeding ${environmentId} failed: ${response.status} ${JSON.stringify(answer).slice(0, 500)}`,
      );
    }
  }
}

export { postJson };
