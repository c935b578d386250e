import { describe, expect, it } from 'vitest';
import { createEventQueue, type EventFailure } from '../../src/domain/events/queue';

interface Ev {
  key: string;
  n: number;
}

const options = (failures: Array<{ error: unknown; failure: EventFailure<Ev> }> = []) => ({
  keyOf: (event: Ev) => event.key,
  backoffMs: () => 1,
  onFailure: (error: unknown, failure: EventFailure<Ev>) => failures.push({ error, failure }),
});

/** A promise and its resolver (a subscriber that waits until the test lets it go). */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = () => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe('the event queue', () => {
  it('handles events off the publisher: publish returns before any subscriber ran', async () => {
    const queue = createEventQueue<Ev>(options());
    const seen: number[] = [];
    queue.subscribe({ name: 'a', handle: async (e) => void seen.push(e.n) });
    queue.publish({ key: 'x', n: 1 });
    expect(seen).toEqual([]);
    await queue.idle();
    expect(seen).toEqual([1]);
  });

  it('retries a failing subscriber with backoff until it succeeds, reporting each failure, without repeating the other subscribers', async () => {
    const failures: Array<{ error: unknown; failure: EventFailure<Ev> }> = [];
    const queue = createEventQueue<Ev>({ ...options(failures), attempts: 5 });
    let calls = 0;
    let otherCalls = 0;
    queue.subscribe({
      name: 'flaky',
      handle: async () => {
        calls += 1;
        if (calls < 3) throw new Error(`down ${calls}`);
      },
    });
    queue.subscribe({ name: 'steady', handle: async () => void (otherCalls += 1) });
    queue.publish({ key: 'x', n: 1 });
    await queue.idle();
    expect(calls).toBe(3);
    expect(otherCalls).toBe(1);
    expect(failures.map(({ error, failure }) => [(error as Error).message, failure.subscriber, failure.attempt, failure.final])).toEqual([
      ['down 1', 'flaky', 1, false],
      ['down 2', 'flaky', 2, false],
    ]);
  });

  it('gives up after the bounded number of attempts and says the last failure is final', async () => {
    const failures: Array<{ error: unknown; failure: EventFailure<Ev> }> = [];
    const queue = createEventQueue<Ev>({ ...options(failures), attempts: 3 });
    let calls = 0;
    queue.subscribe({
      name: 'broken',
      handle: async () => {
        calls += 1;
        throw new Error('always');
      },
    });
    queue.publish({ key: 'x', n: 1 });
    await queue.idle();
    expect(calls).toBe(3);
    expect(failures.map(({ failure }) => failure.final)).toEqual([false, false, true]);
    expect(queue.pending).toBe(0);
  });

  it('handles the events of one key in order, even when the first is retried, and other keys meanwhile', async () => {
    const queue = createEventQueue<Ev>(options());
    const order: string[] = [];
    let failedOnce = false;
    const first = gate();
    const otherKeyDone = gate();
    queue.subscribe({
      name: 'card',
      handle: async (e) => {
        if (e.key === 'a' && e.n === 1) {
          await first.promise;
          if (!failedOnce) {
            failedOnce = true;
            throw new Error('post failed');
          }
        }
        order.push(`${e.key}${e.n}`);
        if (e.key === 'b') otherKeyDone.open();
      },
    });
    queue.publish({ key: 'a', n: 1 });
    queue.publish({ key: 'a', n: 2 });
    queue.publish({ key: 'b', n: 1 });
    await otherKeyDone.promise;
    expect(order).toEqual(['b1']);
    first.open();
    await queue.idle();
    expect(order).toEqual(['b1', 'a1', 'a2']);
  });

  it('drains: waits for accepted work, then refuses new events', async () => {
    const dropped: Ev[] = [];
    const queue = createEventQueue<Ev>({ ...options(), onDropped: (e) => dropped.push(e) });
    const slow = gate();
    const done: number[] = [];
    queue.subscribe({
      name: 'slow',
      handle: async (e) => {
        await slow.promise;
        done.push(e.n);
      },
    });
    queue.publish({ key: 'x', n: 1 });
    let drained = false;
    const draining = queue.drain().then((ok) => {
      drained = ok;
    });
    queue.publish({ key: 'x', n: 2 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(drained).toBe(false);
    slow.open();
    await draining;
    expect(drained).toBe(true);
    expect(done).toEqual([1]);
    expect(dropped).toEqual([{ key: 'x', n: 2 }]);
  });

  it('drain with a deadline resolves false when work is still running at the deadline', async () => {
    const queue = createEventQueue<Ev>(options());
    const never = gate();
    queue.subscribe({ name: 'stuck', handle: () => never.promise });
    queue.publish({ key: 'x', n: 1 });
    expect(await queue.drain(30)).toBe(false);
    expect(queue.pending).toBe(1);
    never.open();
    await queue.idle();
  });
});
