// Which instances served a warm phase, and how many of them were cold starts hidden inside it:
// an instance header value never seen before in the run, or the platform's own word (Lambda's
// Init Duration in the log tail). Shared by every warm engine, the pre-warm and the warm-up.
import { fieldOf } from '../fields.js';

export interface InstanceCounts {
  /** Cold starts inside the timed phase; null when no response said which instance served it. */
  coldInWarm: number | null;
  /** Distinct instances that served the timed phase; null without an instance id. */
  instances: number | null;
}

export class InstanceTracker {
  private readonly served = new Set<string>();
  private colds = 0;
  /** Some timed response carried an instance id or the platform's word on coldness. */
  private told = false;

  /** @param known instances seen so far in the run (the cold phase's); new ones are added. */
  constructor(private readonly known: Set<string>) {}

  /** A response of the timed phase; returns whether it was a cold start. */
  observe(instance: string | null | undefined, platformCold?: boolean | null): boolean {
    if (instance || typeof platformCold === 'boolean') this.told = true;
    if (instance) this.served.add(instance);
    const cold = this.learn(instance, platformCold);
    if (cold) this.colds += 1;
    return cold;
  }

  /** A response outside the clock (pre-warm, warm-up): its instance is known from now on.
   *  Returns whether it was a cold start. The platform's word wins over the instance id. */
  learn(instance: string | null | undefined, platformCold?: boolean | null): boolean {
    const unseen = instance ? !this.known.has(instance) : false;
    if (instance) this.known.add(instance);
    return platformCold ?? unseen;
  }

  counts(): InstanceCounts {
    return { coldInWarm: this.told ? this.colds : null, instances: this.served.size > 0 ? this.served.size : null };
  }
}

/** The instance header's value from autocannon's 'headers' event, whose argument is the HTTP
 *  parser's info object ({ headers: [name, value, name, value...], statusCode, ... }, whatever its
 *  type declaration says); null when absent. */
export function instanceFromParserInfo(info: unknown, lowerName: string): string | null {
  const raw = fieldOf(info, 'headers');
  if (!Array.isArray(raw)) return null;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name: unknown = raw[i];
    const value: unknown = raw[i + 1];
    if (typeof name === 'string' && name.toLowerCase() === lowerName) return typeof value === 'string' ? value : null;
  }
  return null;
}
