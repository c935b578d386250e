/**
 * A circuit breaker in front of a DocumentBackend, so a store that is slow or down never holds up
 * the bot: after one operation found the store unavailable (its own timeout spent), further
 * operations fail at once with StoreUnavailableError (suggestions go to the outbox, the user gets
 * an apology) until a background probe finds the store answering again.
 *
 * Writes and reads trip separately: a SQLite file locked by another process still serves reads
 * (WAL), so the bot can still read its dialog state and acknowledge a suggestion it keeps in the
 * outbox; a failed read (Cosmos DB unreachable) stops both.
 *
 * health() never touches the store: /healthz answers from the last known state at once.
 */
import { StoreUnavailableError, type StoreHealth } from '../domain/ports';
import type { CollectionName, DocumentBackend, DocumentCollection } from './documents';

export interface BreakerOptions {
  /** How often the store is probed while it is unavailable (default 1000 ms). */
  retryAfterMs?: number;
  /** How often the store is probed while it answers, to notice an outage between operations (default 5000 ms). */
  probeEveryMs?: number;
  /** An injected clock for the messages. */
  now?: () => Date;
}

export interface GuardedBackend extends DocumentBackend {
  /** Called each time the store answers again after an outage (e.g. to flush the outbox). */
  onAvailable(listener: () => void): void;
}

type Down = 'none' | 'writes' | 'all';

export function withCircuitBreaker(backend: DocumentBackend, options: BreakerOptions = {}): GuardedBackend {
  const retryAfterMs = options.retryAfterMs ?? 1000;
  const probeEveryMs = options.probeEveryMs ?? 5000;
  const now = options.now ?? (() => new Date());
  let down: Down = 'none';
  let since = '';
  let detail = '';
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  const listeners: Array<() => void> = [];

  const schedule = () => {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(() => void probe(), down === 'none' ? probeEveryMs : retryAfterMs);
    timer.unref();
  };
  const trip = (scope: Exclude<Down, 'none'>, error: unknown) => {
    if (down === 'none') since = now().toISOString();
    if (down !== 'all') down = scope;
    detail = error instanceof Error ? error.message : String(error);
    schedule();
  };
  const probe = async () => {
    let health: StoreHealth;
    try {
      health = await backend.health();
    } catch (error) {
      health = { ok: false, kind: backend.kind, detail: error instanceof Error ? error.message : String(error) };
    }
    if (closed) return;
    if (health.ok && down !== 'none') {
      down = 'none';
      listeners.forEach((listener) => listener());
    } else if (!health.ok) {
      trip(down === 'all' ? 'all' : 'writes', new StoreUnavailableError(health.detail ?? 'the store does not answer'));
      return;
    }
    schedule();
  };
  schedule();

  const guarded = <T>(kind: 'read' | 'write', work: () => Promise<T>): Promise<T> => {
    if (closed) return Promise.reject(new StoreUnavailableError(`the ${backend.kind} store is closed`));
    if (down === 'all' || (down === 'writes' && kind === 'write')) {
      return Promise.reject(
        new StoreUnavailableError(`the ${backend.kind} store is unavailable since ${since} (${detail}); retrying every ${retryAfterMs} ms`),
      );
    }
    return work().catch((error: unknown) => {
      if (error instanceof StoreUnavailableError) trip(kind === 'read' ? 'all' : 'writes', error);
      throw error;
    });
  };

  const collections = new Map<CollectionName, DocumentCollection>();
  const collection = (name: CollectionName): DocumentCollection => {
    let found = collections.get(name);
    if (found) return found;
    const inner = backend.collection(name);
    found = {
      get: (pk, id) => guarded('read', () => inner.get(pk, id)),
      query: (pk, query) => guarded('read', () => inner.query(pk, query)),
      aggregate: (pk, aggregate) => guarded('read', () => inner.aggregate(pk, aggregate)),
      insert: (pk, id, doc) => guarded('write', () => inner.insert(pk, id, doc)),
      replace: (pk, id, doc, ifMatch) => guarded('write', () => inner.replace(pk, id, doc, ifMatch)),
      upsert: (pk, id, doc) => guarded('write', () => inner.upsert(pk, id, doc)),
      delete: (pk, id) => guarded('write', () => inner.delete(pk, id)),
    };
    collections.set(name, found);
    return found;
  };

  return {
    kind: backend.kind,
    collection,
    nextSequence: (pk, name) => guarded('write', () => backend.nextSequence(pk, name)),
    // The writes inside are guarded one by one (collection and nextSequence above).
    bulk: (work) => guarded('write', () => backend.bulk(work)),
    health: async () => {
      if (closed) return { ok: false, kind: backend.kind, detail: 'closed' };
      if (down === 'none') return { ok: true, kind: backend.kind };
      return { ok: false, kind: backend.kind, detail: `${down === 'all' ? 'unavailable' : 'not writable'} since ${since}: ${detail}` };
    },
    onAvailable: (listener) => {
      listeners.push(listener);
    },
    close: async () => {
      closed = true;
      clearTimeout(timer);
      await backend.close();
    },
  };
}
