/**
 * The one thing a storage back end has to provide: partitioned JSON documents with eTags, simple
 * equality/range queries and an atomic counter. The repositories (repositories.ts) are written
 * once on top of it, so SQLite and Cosmos DB behave the same by construction and pass one
 * contract suite (test/store/).
 */
import type { StoreHealth } from '../domain/ports';

export type Document = Record<string, unknown>;

export interface Stored<T extends Document = Document> {
  /** The document's id in its partition (for messages about it; the repositories keep their own). */
  id: string;
  doc: T;
  etag: string;
}

export interface Condition {
  /** A field path such as `status` or `submitter.userKey` (letters, digits and dots only). */
  field: string;
  /**
   * `contains`: the field is an array of strings that holds `value`. The fields in
   * INDEXED_ARRAY_FIELDS are indexed by both stores (Cosmos DB indexes arrays; SQLite keeps them in
   * a side table), so such a query never scans the partition; other arrays are searched in place.
   */
  op: '=' | '>=' | '<' | 'contains';
  value: string | number | boolean;
}

/**
 * The fields aggregates may group, sum and filter by, and the collections whose documents have
 * them: SQLite keeps them in a narrow side table with a covering index, so GROUP BY never reads
 * the documents.
 */
export const AGGREGATE_FIELDS = ['createdAt', 'focusArea', 'month', 'day', 'status', 'theme', 'kind', 'supports', 'responseDays', 'closureDays', 'awaiting'] as const;
export const AGGREGATED_COLLECTIONS = ['feedback'] as const;

/** Top-level array-of-strings fields that `contains` conditions may use (the stores index them). */
export const INDEXED_ARRAY_FIELDS = ['terms', 'supporters'] as const;

export interface Query {
  where?: Condition[];
  /** Newest first by this field (an ISO date string). */
  newestFirstBy?: string;
  /** Oldest first by this field (when newestFirstBy is not given). */
  oldestFirstBy?: string;
  limit?: number;
}

/** A count per distinct combination of the `groupBy` fields (null where a document lacks one), with a sum. */
export interface Aggregate {
  where?: Condition[];
  groupBy: string[];
  /** A numeric field summed per group (absent values count as 0). */
  sum?: string;
}

export interface AggregateRow {
  key: Array<string | number | boolean | null>;
  count: number;
  sum: number;
}

export interface DocumentCollection {
  get(pk: string, id: string): Promise<Stored | undefined>;
  /** Creates; resolves undefined when a document with this id already exists. */
  insert(pk: string, id: string, doc: Document): Promise<Stored | undefined>;
  /** Replaces when `ifMatch` matches (or is absent); throws ConcurrencyError otherwise or when missing. */
  replace(pk: string, id: string, doc: Document, ifMatch?: string): Promise<Stored>;
  upsert(pk: string, id: string, doc: Document): Promise<Stored>;
  delete(pk: string, id: string): Promise<void>;
  query(pk: string, query?: Query): Promise<Stored[]>;
  /**
   * Counts the partition's documents per group, in the store: SQLite GROUP BY over an index that
   * holds the fields; Cosmos DB (whose emulator here has no GROUP BY) reads only the projected
   * fields and groups them in the adapter.
   */
  aggregate(pk: string, aggregate: Aggregate): Promise<AggregateRow[]>;
}

export interface DocumentBackend {
  kind: 'sqlite' | 'cosmos';
  collection(name: CollectionName): DocumentCollection;
  /** Atomically increments and returns a named counter of a partition (starts at 1). */
  nextSequence(pk: string, name: string): Promise<number>;
  /**
   * Runs `work` with its writes batched, for imports and seeding (many items at once): SQLite
   * commits them in one transaction (none of them if `work` fails), Cosmos DB writes them as they
   * come. Other writes this process makes meanwhile join the batch, so it is not for request paths.
   */
  bulk<T>(work: () => Promise<T>): Promise<T>;
  health(): Promise<StoreHealth>;
  close(): Promise<void>;
}

export const collectionNames = ['state', 'feedback', 'contacts', 'contactRequests', 'guideEvents', 'transcripts', 'staff', 'channels', 'focusGroups', 'participations', 'answers', 'apiKeys', 'lookups', 'teamCards'] as const;
export type CollectionName = (typeof collectionNames)[number];

/** A focus-group participation's id in its municipality's partition (the session's participant). */
export const participationId = (sessionId: string, participant: string): string => `${sessionId}|${participant}`;

export function assertIndexedArray(field: string): string {
  if (!(INDEXED_ARRAY_FIELDS as readonly string[]).includes(field)) throw new Error(`"${field}" is not an indexed array field`);
  return field;
}

export function assertFieldPath(field: string): string {
  if (!/^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$/.test(field)) throw new Error(`bad field path "${field}"`);
  return field;
}
