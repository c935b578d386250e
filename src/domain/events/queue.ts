/**
 * The one pipeline for what follows from a change: services publish domain events, subscribers
 * (a Teams card, the submitter's message) handle them in the background, off the request path.
 *
 * - Each (subscriber, event key) runs in publication order: a card is posted before it is updated.
 * - A failing subscriber is retried with exponential backoff, a bounded number of times; every
 *   failure is reported, the last one as final. One subscriber's failure never repeats another's work.
 * - `drain()` stops accepting events and waits for what was accepted (shutdown), within a deadline.
 *
 * After the habit of bluesky-social/atproto's `packages/pds/src/background.ts`; no botbuilder here.
 */

export interface Subscriber<E> {
  /** Names the subscriber in reports ("team card", "submitter message"). */
  name: string;
  handle(event: E): Promise<void>;
}

export interface EventFailure<E> {
  subscriber: string;
  event: E;
  attempt: number;
  /** True when no further attempt follows. */
  final: boolean;
}

export interface EventQueueOptions<E> {
  /** Events with the same key are handled in order by each subscriber (e.g. the item's id). */
  keyOf(event: E): string;
  /** Attempts per subscriber and event, the first included (default 5). */
  attempts?: number;
  /** Wait before attempt n+1 after n failed (default 200 ms · 2^(n-1), at most 10 s). */
  backoffMs?: (failedAttempts: number) => number;
  /** Subscriber calls running at once (default 4). */
  concurrency?: number;
  onFailure?(error: unknown, failure: EventFailure<E>): void;
  /** An event published after drain() began: it is not handled. */
  onDropped?(event: E): void;
}

/** What services see of the pipeline. */
export interface EventPublisher<E> {
  publish(event: E): void;
}

export interface EventQueue<E> extends EventPublisher<E> {
  subscribe(subscriber: Subscriber<E>): void;
  /** Resolves when everything published so far is handled (or has failed for good). */
  idle(): Promise<void>;
  /** Stops accepting events; resolves true when all accepted work finished within `timeoutMs`. */
  drain(timeoutMs?: number): Promise<boolean>;
  /** Subscriber calls waiting or running (retries included). */
  readonly pending: number;
}

const defaultBackoff = (failed: number) => Math.min(200 * 2 ** (failed - 1), 10_000);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createEventQueue<E>(options: EventQueueOptions<E>): EventQueue<E> {
  const subscribers: Array<Subscriber<E>> = [];
  const attempts = Math.max(1, options.attempts ?? 5);
  const backoff = options.backoffMs ?? defaultBackoff;
  const concurrency = Math.max(1, options.concurrency ?? 4);
  /** The last task of each (subscriber, key) chain, so the next one waits for it. */
  const tails = new Map<string, Promise<void>>();
  let pending = 0;
  let running = 0;
  const slots: Array<() => void> = [];
  let idleWaiters: Array<() => void> = [];
  let draining = false;

  const acquire = async () => {
    if (running < concurrency) {
      running += 1;
      return;
    }
    await new Promise<void>((resolve) => slots.push(resolve));
  };
  const release = () => {
    const next = slots.shift();
    if (next) next();
    else running -= 1;
  };

  const settle = () => {
    pending -= 1;
    if (pending === 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  };

  const run = async (subscriber: Subscriber<E>, event: E) => {
    for (let attempt = 1; ; attempt += 1) {
      await acquire();
      let failed: { error: unknown } | undefined;
      try {
        await subscriber.handle(event);
      } catch (error) {
        failed = { error };
      } finally {
        release();
      }
      if (!failed) return;
      const final = attempt >= attempts;
      options.onFailure?.(failed.error, { subscriber: subscriber.name, event, attempt, final });
      if (final) return;
      await sleep(backoff(attempt));
    }
  };

  const enqueue = (subscriber: Subscriber<E>, event: E) => {
    const chain = `${subscriber.name}\u0000${options.keyOf(event)}`;
    pending += 1;
    const previous = tails.get(chain) ?? Promise.resolve();
    const task = previous.then(() => run(subscriber, event)).finally(() => {
      if (tails.get(chain) === task) tails.delete(chain);
      settle();
    });
    tails.set(chain, task);
  };

  const idle = () => (pending === 0 ? Promise.resolve() : new Promise<void>((resolve) => idleWaiters.push(resolve)));

  return {
    subscribe(subscriber) {
      subscribers.push(subscriber);
    },
    publish(event) {
      if (draining) {
        options.onDropped?.(event);
        return;
      }
      for (const subscriber of subscribers) enqueue(subscriber, event);
    },
    idle,
    async drain(timeoutMs) {
      draining = true;
      if (timeoutMs === undefined) {
        await idle();
        return true;
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timedOut = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      });
      const done = await Promise.race([idle().then(() => true as const), timedOut]);
      clearTimeout(timer);
      return done;
    },
    get pending() {
      return pending;
    },
  };
}
