import type { CompiledConfiguration } from '../../../domain/config/compiled-configuration.js';
import type { AvailabilityRequest } from '../../../domain/oci/availability-request.js';
import type { LocationGraph } from '../../../domain/oci/location-graph.js';
import type { AvailabilityAnswer } from '../oci-availability-answer.js';

interface Cached {
  readonly stamp: string;
  readonly answer: AvailabilityAnswer;
}

/**
 * get-availability answers computed from memory, kept per configuration object, graph object and
 * request with the stamp of what they were computed from (the products' versions in the read views,
 * the safety stock and exclusions read, the day): asked again while none of it changed, the request
 * gets the same answer object, without folding again (and the HTTP layer reuses its serialised text).
 * At most `max` answers per (configuration, graph); the oldest go first.
 */
export class OciAnswerCache {
  readonly #byConfig = new WeakMap<CompiledConfiguration, WeakMap<LocationGraph, Map<string, Cached>>>();

  constructor(private readonly max: number) {}

  answer(
    config: CompiledConfiguration,
    graph: LocationGraph,
    request: AvailabilityRequest,
    stamp: string,
    compute: () => AvailabilityAnswer,
  ): AvailabilityAnswer {
    if (this.max <= 0) return compute();
    let byGraph = this.#byConfig.get(config);
    if (!byGraph) {
      byGraph = new WeakMap();
      this.#byConfig.set(config, byGraph);
    }
    let answers = byGraph.get(graph);
    if (!answers) {
      answers = new Map();
      byGraph.set(graph, answers);
    }
    const key = JSON.stringify(request);
    const cached = answers.get(key);
    if (cached && cached.stamp === stamp) return cached.answer;
    const answer = compute();
    answers.delete(key);
    answers.set(key, { stamp, answer });
    if (answers.size > this.max) {
      const oldest = answers.keys().next().value;
      if (oldest !== undefined) answers.delete(oldest);
    }
    return answer;
  }
}
