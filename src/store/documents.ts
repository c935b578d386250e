/**
 * The one thing a storage back end has to provide: partitioned JSON documents with eTags, simple
 * equality/range queries and an atomic counter. The repositories (repositories.ts) are written
 * once on top of it, so SQLite and Cosmos DB behave the same by construction and pass one
 * contract suite (test/store/).
 */
import type { StoreHealth } from '../domain/ports';

export type Document = Record<string, unknown>;

export interface Stored<T extends Document = Document> {
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

/** Top-level array-of-strings fields that `contains` conditions may use (the stores index them). */
export const INDEXED_ARRAY_FIELDS = ['terms'] as const;

export interface Query {
  where?: Condition[];
  /** Newest first by this field (an ISO date string). */
  newestFirstBy?: string;
  /** Oldest first by this field (when newestFirstBy is not given). */
  oldestFirstBy?: string;
  limit?: number;
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

export const collectionNames = ['state', 'feedback', 'contacts', 'contactRequests', 'guideEvents', 'transcripts', 'staff', 'channels', 'focusGroups', 'answers', 'apiKeys'] as const;
export type CollectionName = (typeof collectionNames)[number];

export function assertIndexedArray(field: string): string {
  if (!(INDEXED_ARRAY_FIELDS as readonly string[]).includes(field)) throw new Error(`"${field}" is not an indexed array field`);
  return field;
}

export function assertFieldPath(field: string): string {
  if (!/^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$/.test(field)) throw new Error(`bad field path "${field}"`);
  return field;
}
