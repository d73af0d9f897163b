import type { CompiledConfiguration } from '../../../domain/config/compiled-configuration.js';
import type { AvailabilityRequest } from '../../../domain/oci/availability-request.js';
import type { LocationGraph } from '../../../domain/oci/location-graph.js';
import type { AvailabilityAnswer } from '../oci-availability-answer.js';

interface Cached {
  readonly stamp: string;
  readonly answer: AvailabilityAnswer;
  readonly weight: number;
}

/**
 * get-availability answers computed from memory, kept per configuration object, graph object and
 * request with the stamp of what they were computed from (the products' versions in the read views,
 * the safety stock and exclusions read, the day): asked again while none of it changed, the request
 * gets the same answer object, without folding again (and the HTTP layer reuses its serialised text).
 * One bound over every environment, in records (a location's or group's record for one SKU): beyond
 * it the least recently used answers go first; an answer larger than the bound is not kept.
 */
export class OciAnswerCache {
  readonly #answers = new Map<string, Cached>();
  readonly #ids = new WeakMap<object, number>();
  #nextId = 0;
  #weight = 0;

  constructor(private readonly maxRecords: number) {}

  /** Records held, every answer together (tests, metrics). */
  get records(): number {
    return this.#weight;
  }

  answer(
    config: CompiledConfiguration,
    graph: LocationGraph,
    request: AvailabilityRequest,
    stamp: string,
    compute: () => AvailabilityAnswer,
  ): AvailabilityAnswer {
    if (this.maxRecords <= 0) return compute();
    // A configuration or graph replaced gets a new id: its old answers are never asked again and age out.
    const key = `${this.#id(config)}\u0000${this.#id(graph)}\u0000${JSON.stringify(request)}`;
    const cached = this.#answers.get(key);
    if (cached) this.#drop(key, cached);
    if (cached && cached.stamp === stamp) {
      this.#answers.set(key, cached); // the most recently used last
      this.#weight += cached.weight;
      return cached.answer;
    }
    const answer = compute();
    const weight = weightOf(answer);
    if (weight > this.maxRecords) return answer;
    this.#answers.set(key, { stamp, answer, weight });
    this.#weight += weight;
    for (const [oldest, entry] of this.#answers) {
      if (this.#weight <= this.maxRecords) break;
      this.#drop(oldest, entry);
    }
    return answer;
  }

  #drop(key: string, entry: Cached): void {
    this.#answers.delete(key);
    this.#weight -= entry.weight;
  }

  #id(value: object): number {
    let id = this.#ids.get(value);
    if (id === undefined) {
      id = this.#nextId++;
      this.#ids.set(value, id);
    }
    return id;
  }
}

/** An answer's size in records (at least 1, so that empty answers count too). */
function weightOf(answer: AvailabilityAnswer): number {
  let records = 1;
  for (const l of answer.locations) records += l.records.length;
  for (const g of answer.groups ?? []) records += g.records.length;
  return records;
}
