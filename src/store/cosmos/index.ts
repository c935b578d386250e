/**
 * The production store: Azure Cosmos DB (SQL API) through @azure/cosmos. One database, one
 * container per collection, partitioned by municipality (`/pk`; bot state by its own key).
 * Documents are kept as `{ id, pk, doc }` so the product's own fields never clash with Cosmos'.
 */
import { CosmosClient, type CompositePath, type Container, type Database, type IndexingPolicy, type SqlParameter } from '@azure/cosmos';
import { ConcurrencyError, StoreUnavailableError } from '../../domain/ports';
import {
  assertFieldPath,
  collectionNames,
  type Aggregate,
  type AggregateRow,
  type CollectionName,
  type Document,
  type DocumentBackend,
  type DocumentCollection,
  type Query,
  type Stored,
} from '../documents';

export interface CosmosOptions {
  endpoint: string;
  key: string;
  database: string;
  /** Milliseconds per request before the store counts as unavailable. */
  requestTimeoutMs?: number;
}

interface Envelope {
  id: string;
  pk: string;
  doc: Document;
  _etag?: string;
}

function statusOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown; statusCode?: unknown }).code ?? (error as { statusCode?: unknown }).statusCode;
  return typeof code === 'number' ? code : undefined;
}

function wrap(error: unknown, what: string): never {
  const status = statusOf(error);
  if (status === 412 || status === 404) throw new ConcurrencyError(what);
  if (status === undefined || status === 408 || status === 429 || status >= 500) {
    throw new StoreUnavailableError(`Cosmos DB is unavailable (${(error as Error).message ?? String(error)})`, { cause: error });
  }
  throw error;
}

const COUNTERS = 'counters';

/** A composite index of a filtered field and the field its queries order by (newest first). */
const newestBy = (filter: string, order: string): CompositePath[] => [
  { path: `/doc/${filter.replace(/\./g, '/')}`, order: 'ascending' },
  { path: `/doc/${order}`, order: 'descending' },
];

/**
 * What Cosmos DB indexes in a new container (it indexes every path unless told; a container made
 * before keeps its policy). Bot state is only ever read by id: nothing of it is indexed, so a
 * turn's write costs no index work. Of a suggestion, its text, history and masked spans are never
 * asked for; the composite indexes are the inbox's and the digest's filters with their order (the
 * repositories' queries, repositories.ts).
 */
export const INDEXING: Partial<Record<string, IndexingPolicy>> = {
  state: { indexingMode: 'consistent', automatic: true, includedPaths: [], excludedPaths: [{ path: '/*' }] },
  feedback: {
    indexingMode: 'consistent',
    automatic: true,
    includedPaths: [{ path: '/*' }],
    excludedPaths: [{ path: '/doc/text/?' }, { path: '/doc/history/*' }, { path: '/doc/masked/*' }, { path: '/"_etag"/?' }],
    compositeIndexes: [
      newestBy('status', 'sortKey'),
      newestBy('focusArea', 'sortKey'),
      newestBy('kind', 'sortKey'),
      newestBy('assignment.team', 'createdAt'),
      newestBy('submitter.userKey', 'createdAt'),
    ],
  },
};

/** A document field in Cosmos SQL, in brackets so that keywords (`value`) are names too. */
const path = (field: string): string => `c.doc${field.split('.').map((part) => `["${part}"]`).join('')}`;

export async function createCosmosBackend(options: CosmosOptions): Promise<DocumentBackend> {
  const client = new CosmosClient({
    endpoint: options.endpoint,
    key: options.key,
    connectionPolicy: {
      enableEndpointDiscovery: false,
      requestTimeout: options.requestTimeoutMs ?? 10_000,
      retryOptions: { maxRetryAttemptCount: 3, fixedRetryIntervalInMilliseconds: 200, maxWaitTimeInSeconds: 5 },
    },
  });
  let database: Database;
  const containers = new Map<string, Container>();
  try {
    ({ database } = await client.databases.createIfNotExists({ id: options.database }));
    for (const name of [...collectionNames, COUNTERS]) {
      const indexingPolicy = INDEXING[name];
      const { container } = await database.containers.createIfNotExists({ id: name, partitionKey: { paths: ['/pk'] }, ...(indexingPolicy ? { indexingPolicy } : {}) });
      containers.set(name, container);
    }
  } catch (error) {
    throw new StoreUnavailableError(
      `cannot open Cosmos DB database "${options.database}" at ${options.endpoint}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const container = (name: string): Container => {
    const found = containers.get(name);
    if (!found) throw new Error(`no container ${name}`);
    return found;
  };
  const stored = (resource: Envelope | undefined, etag?: string): Stored | undefined =>
    resource ? { id: resource.id, doc: resource.doc, etag: etag ?? resource._etag ?? '' } : undefined;

  /**
   * Every operation gets one deadline (requestTimeoutMs), whatever the SDK's own retries would
   * do (it retries reads on a reset connection ten times, a second apart): past it the request is
   * aborted and the store counts as unavailable, so a turn never waits longer than that.
   */
  const timeoutMs = options.requestTimeoutMs ?? 10_000;
  const deadline = async <T>(what: string, work: (abortSignal: AbortSignal) => Promise<T>): Promise<T> => {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new StoreUnavailableError(`Cosmos DB did not answer within ${timeoutMs} ms (${what})`));
      }, timeoutMs);
    });
    try {
      return await Promise.race([work(controller.signal), timedOut]);
    } finally {
      clearTimeout(timer);
    }
  };

  const collection = (name: CollectionName): DocumentCollection => {
    const c = container(name);
    return {
      get: (pk, id) =>
        deadline(`${name} read`, async (abortSignal) => {
          try {
            const { resource } = await c.item(id, pk).read<Envelope>({ abortSignal });
            return stored(resource);
          } catch (error) {
            if (statusOf(error) === 404) return undefined;
            return wrap(error, `${name} ${id}`);
          }
        }),
      insert: (pk, id, doc) =>
        deadline(`${name} create`, async (abortSignal) => {
          try {
            const { resource } = await c.items.create<Envelope>({ id, pk, doc }, { abortSignal });
            return stored(resource);
          } catch (error) {
            if (statusOf(error) === 409) return undefined;
            return wrap(error, `${name} ${id}`);
          }
        }),
      replace: (pk, id, doc, ifMatch) =>
        deadline(`${name} replace`, async (abortSignal) => {
          try {
            const { resource } = await c
              .item(id, pk)
              .replace<Envelope>({ id, pk, doc }, ifMatch ? { accessCondition: { type: 'IfMatch', condition: ifMatch }, abortSignal } : { abortSignal });
            const result = stored(resource);
            if (!result) throw new ConcurrencyError(`${name} ${id}`);
            return result;
          } catch (error) {
            if (error instanceof ConcurrencyError) throw error;
            return wrap(error, `${name} ${id}`);
          }
        }),
      upsert: (pk, id, doc) =>
        deadline(`${name} upsert`, async (abortSignal) => {
          try {
            const { resource } = await c.items.upsert<Envelope>({ id, pk, doc }, { abortSignal });
            const result = stored(resource);
            if (!result) throw new StoreUnavailableError(`Cosmos DB returned no document for ${name} ${id}`);
            return result;
          } catch (error) {
            if (error instanceof StoreUnavailableError) throw error;
            return wrap(error, `${name} ${id}`);
          }
        }),
      delete: (pk, id) =>
        deadline(`${name} delete`, async (abortSignal) => {
          try {
            await c.item(id, pk).delete({ abortSignal });
          } catch (error) {
            if (statusOf(error) === 404) return;
            wrap(error, `${name} ${id}`);
          }
        }),
      query: (pk, query: Query = {}) => {
        const parameters: SqlParameter[] = [{ name: '@pk', value: pk }];
        // TOP bounds the work to the page asked for (fetchAll would read every page otherwise).
        const top = query.limit ? `TOP ${Math.max(1, Math.floor(query.limit))} ` : '';
        let sql = `SELECT ${top}* FROM c WHERE c.pk = @pk`;
        (query.where ?? []).forEach((condition, index) => {
          if (condition.op === 'contains') sql += ` AND ARRAY_CONTAINS(${path(assertFieldPath(condition.field))}, @p${index})`;
          else sql += ` AND ${path(assertFieldPath(condition.field))} ${condition.op} @p${index}`;
          parameters.push({ name: `@p${index}`, value: condition.value });
        });
        if (query.newestFirstBy) sql += ` ORDER BY ${path(assertFieldPath(query.newestFirstBy))} DESC`;
        else if (query.oldestFirstBy) sql += ` ORDER BY ${path(assertFieldPath(query.oldestFirstBy))} ASC`;
        return deadline(`${name} query`, async (abortSignal) => {
          try {
            const { resources } = await c.items
              .query<Envelope>({ query: sql, parameters }, { partitionKey: pk, maxItemCount: query.limit, abortSignal })
              .fetchAll();
            const list = resources.flatMap((r) => stored(r) ?? []);
            return query.limit ? list.slice(0, query.limit) : list;
          } catch (error) {
            return wrap(error, `${name} query`);
          }
        });
      },
      aggregate: (pk, aggregate: Aggregate) => {
        // Real Cosmos DB has GROUP BY; the local emulator the tests run against does not. The
        // query reads only the grouped fields (a few bytes per document), grouped here.
        const parameters: SqlParameter[] = [{ name: '@pk', value: pk }];
        const fields = [...aggregate.groupBy, ...(aggregate.sum ? [aggregate.sum] : [])];
        const select = fields.map((field, index) => `${path(assertFieldPath(field))} AS k${index}`).join(', ') || 'c.id AS k0';
        let sql = `SELECT ${select} FROM c WHERE c.pk = @pk`;
        (aggregate.where ?? []).forEach((condition, index) => {
          if (condition.op === 'contains') sql += ` AND ARRAY_CONTAINS(${path(assertFieldPath(condition.field))}, @p${index})`;
          else sql += ` AND ${path(assertFieldPath(condition.field))} ${condition.op} @p${index}`;
          parameters.push({ name: `@p${index}`, value: condition.value });
        });
        return deadline(`${name} aggregate`, async (abortSignal) => {
          try {
            const { resources } = await c.items.query<Record<string, unknown>>({ query: sql, parameters }, { partitionKey: pk, abortSignal }).fetchAll();
            const groups = new Map<string, AggregateRow>();
            for (const row of resources) {
              const key = aggregate.groupBy.map((_field, index) => {
                const value = row[`k${index}`];
                return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : null;
              });
              const id = JSON.stringify(key);
              const group = groups.get(id) ?? { key, count: 0, sum: 0 };
              group.count += 1;
              const summed = aggregate.sum ? row[`k${aggregate.groupBy.length}`] : undefined;
              if (typeof summed === 'number') group.sum += summed;
              groups.set(id, group);
            }
            return [...groups.values()];
          } catch (error) {
            return wrap(error, `${name} aggregate`);
          }
        });
      },
    };
  };

  return {
    kind: 'cosmos',
    collection,
    nextSequence: (pk, name) => deadline('counter', async (abortSignal) => {
      const counters = container(COUNTERS);
      const id = name;
      for (let attempt = 0; attempt < 20; attempt += 1) {
        try {
          const { resource } = await counters.item(id, pk).read<{ id: string; pk: string; value: number; _etag: string }>({ abortSignal });
          if (!resource) {
            try {
              await counters.items.create({ id, pk, value: 1 }, { abortSignal });
              return 1;
            } catch (error) {
              if (statusOf(error) === 409) continue;
              throw error;
            }
          }
          const value = resource.value + 1;
          try {
            await counters.item(id, pk).replace({ id, pk, value }, { accessCondition: { type: 'IfMatch', condition: resource._etag }, abortSignal });
            return value;
          } catch (error) {
            if (statusOf(error) === 412) continue;
            throw error;
          }
        } catch (error) {
          if (statusOf(error) === 404) {
            try {
              await counters.items.create({ id, pk, value: 1 }, { abortSignal });
              return 1;
            } catch (inner) {
              if (statusOf(inner) === 409) continue;
              return wrap(inner, 'counter');
            }
          }
          return wrap(error, 'counter');
        }
      }
      throw new StoreUnavailableError('Cosmos DB counter is too contended; try again');
    }),
    // Each write is its own request; a batch is only a name for many of them.
    bulk: (work) => work(),
    async health() {
      try {
        await deadline('health', (abortSignal) => database.read({ abortSignal }));
        return { ok: true, kind: 'cosmos' };
      } catch (error) {
        return { ok: false, kind: 'cosmos', detail: (error as Error).message };
      }
    },
    async close() {
      client.dispose();
    },
  };
}
