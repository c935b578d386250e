/**
 * The embedded default store: one SQLite file (better-sqlite3, WAL), created on first start.
 * Schema changes are numbered migrations recorded in `schema_migrations`.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { ConcurrencyError, StoreUnavailableError } from '../../domain/ports';
import { assertFieldPath, assertIndexedArray, INDEXED_ARRAY_FIELDS, AGGREGATE_FIELDS, AGGREGATED_COLLECTIONS, type Aggregate, type CollectionName, type Condition, type Document, type DocumentBackend, type DocumentCollection, type Query, type Stored } from '../documents';

/** The schema migrations, in order: a file records the versions (positions) applied; a change is a new one at the end. */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE documents (
     collection TEXT NOT NULL,
     pk TEXT NOT NULL,
     id TEXT NOT NULL,
     etag TEXT NOT NULL,
     doc TEXT NOT NULL,
     PRIMARY KEY (collection, pk, id)
   ) WITHOUT ROWID;
   CREATE TABLE counters (
     pk TEXT NOT NULL,
     name TEXT NOT NULL,
     value INTEGER NOT NULL,
     PRIMARY KEY (pk, name)
   ) WITHOUT ROWID;`,
  `CREATE INDEX documents_created ON documents (collection, pk, json_extract(doc, '$.createdAt'));`,
  // Indexed array fields (INDEXED_ARRAY_FIELDS, e.g. a suggestion's stems) as rows, for `contains`;
  // and expression indexes on the fields the repositories filter and page by.
  `CREATE TABLE document_terms (
     collection TEXT NOT NULL,
     pk TEXT NOT NULL,
     field TEXT NOT NULL,
     term TEXT NOT NULL,
     id TEXT NOT NULL,
     PRIMARY KEY (collection, pk, field, term, id)
   ) WITHOUT ROWID;
   CREATE INDEX document_terms_doc ON document_terms (collection, pk, id);
   INSERT OR IGNORE INTO document_terms (collection, pk, field, term, id)
     SELECT d.collection, d.pk, 'terms', j.value, d.id FROM documents d, json_each(d.doc, '$.terms') j
     WHERE json_type(d.doc, '$.terms') = 'array' AND j.type = 'text';
   CREATE INDEX documents_sort ON documents (collection, pk, json_extract(doc, '$.sortKey'));
   CREATE INDEX documents_status ON documents (collection, pk, json_extract(doc, '$.status'), json_extract(doc, '$.sortKey'));
   CREATE INDEX documents_open ON documents (collection, pk, json_extract(doc, '$.open'), json_extract(doc, '$.sortKey'));
   CREATE INDEX documents_reference ON documents (collection, pk, json_extract(doc, '$.reference'));
   CREATE INDEX documents_submitter ON documents (collection, pk, json_extract(doc, '$.submitter.userKey'));
   CREATE INDEX documents_code ON documents (collection, pk, json_extract(doc, '$.code'));`,
  // Focus group answers by kind and step (the statements participants added).
  `CREATE INDEX documents_answer_kind ON documents (collection, pk, json_extract(doc, '$.value.kind'), json_extract(doc, '$.stepId'));`,
  // The feedback repository's purpose-named queries (its derived fields: retagged, awaiting, ...).
  `CREATE INDEX documents_retagged ON documents (collection, pk, json_extract(doc, '$.retagged'), json_extract(doc, '$.sortKey'));
   CREATE INDEX documents_team_created ON documents (collection, pk, json_extract(doc, '$.assignment.team'), json_extract(doc, '$.createdAt'));
   CREATE INDEX documents_team_awaiting ON documents (collection, pk, json_extract(doc, '$.assignment.team'), json_extract(doc, '$.awaiting'));
   CREATE INDEX documents_outcome ON documents (collection, pk, json_extract(doc, '$.outcomeAt'));
   CREATE INDEX documents_reachable ON documents (collection, pk, json_extract(doc, '$.reachable'), json_extract(doc, '$.sortKey'));
   CREATE INDEX documents_contact_kept ON documents (collection, pk, json_extract(doc, '$.contactKeptSince'));
   INSERT OR IGNORE INTO document_terms (collection, pk, field, term, id)
     SELECT d.collection, d.pk, 'supporters', j.value, d.id FROM documents d, json_each(d.doc, '$.supporters') j
     WHERE json_type(d.doc, '$.supporters') = 'array' AND j.type = 'text';`,
  // Focus-group participations and answers by session, in the municipality's partition.
  `CREATE INDEX documents_session ON documents (collection, pk, json_extract(doc, '$.sessionId'));
   CREATE INDEX documents_session_added ON documents (collection, pk, json_extract(doc, '$.sessionId'), json_extract(doc, '$.value.kind'), json_extract(doc, '$.stepId'), json_extract(doc, '$.at'));`,
  // The fields aggregates group and sum by (AGGREGATE_FIELDS) of the aggregated collections, in a
  // narrow side table kept in step with the documents; its covering index answers GROUP BY alone.
  `CREATE TABLE document_facts (
     collection TEXT NOT NULL,
     pk TEXT NOT NULL,
     id TEXT NOT NULL,
     createdAt TEXT, focusArea TEXT, month TEXT, day TEXT, status TEXT, theme TEXT, kind TEXT,
     supports REAL, responseDays REAL, closureDays REAL, awaiting INTEGER,
     PRIMARY KEY (collection, pk, id)
   ) WITHOUT ROWID;
   -- Each index is in the order of one aggregate's GROUP BY (feedback.followUpCounts), so the groups
   -- stream from the index without a sort; createdAt last, for the period.
   CREATE INDEX document_facts_groups ON document_facts (collection, pk, focusArea, month, status, theme, supports, createdAt);
   CREATE INDEX document_facts_response ON document_facts (collection, pk, focusArea, month, responseDays, createdAt);
   CREATE INDEX document_facts_closure ON document_facts (collection, pk, focusArea, month, closureDays, createdAt);
   CREATE INDEX document_facts_awaiting ON document_facts (collection, pk, awaiting, focusArea, month, kind, day, createdAt);
   CREATE INDEX document_facts_boundary ON document_facts (collection, pk, awaiting, kind, createdAt, focusArea, month);
   INSERT OR IGNORE INTO document_facts
     SELECT collection, pk, id, json_extract(doc, '$.createdAt'), json_extract(doc, '$.focusArea'), json_extract(doc, '$.month'), json_extract(doc, '$.day'),
       json_extract(doc, '$.status'), json_extract(doc, '$.theme'), json_extract(doc, '$.kind'), json_extract(doc, '$.supports'),
       json_extract(doc, '$.responseDays'), json_extract(doc, '$.closureDays'), json_extract(doc, '$.awaiting')
     FROM documents WHERE collection = 'feedback';
   CREATE INDEX documents_area_theme ON documents (collection, pk, json_extract(doc, '$.focusArea'), json_extract(doc, '$.theme'), json_extract(doc, '$.sortKey'));`,
  // Each indexed term row carries its document's sort key (TERM_SORT_FIELD), so "the newest
  // documents with this term" walks an index in order and stops at the limit, instead of fetching
  // and sorting every document with the term (13 900 of 51 000 items for "företag": 0.8 s).
  // Rebuilt from the documents (each parsed once) rather than updated row by row.
  `ALTER TABLE document_terms ADD COLUMN sort TEXT NOT NULL DEFAULT '';
   DELETE FROM document_terms;
   INSERT OR IGNORE INTO document_terms (collection, pk, field, term, id, sort)
     SELECT d.collection, d.pk, 'terms', j.value, d.id, coalesce(json_extract(d.doc, '$.sortKey'), '') FROM documents d, json_each(d.doc, '$.terms') j
     WHERE json_type(d.doc, '$.terms') = 'array' AND j.type = 'text';
   INSERT OR IGNORE INTO document_terms (collection, pk, field, term, id, sort)
     SELECT d.collection, d.pk, 'supporters', j.value, d.id, coalesce(json_extract(d.doc, '$.sortKey'), '') FROM documents d, json_each(d.doc, '$.supporters') j
     WHERE json_type(d.doc, '$.supporters') = 'array' AND j.type = 'text';
   CREATE INDEX document_terms_sorted ON document_terms (collection, pk, field, term, sort);`,
  // Writes that cost less and files that hold little more than the data (issue 13: seeding 32k
  // items took over 900 s, a 1 KB document took ~4 KB of file).
  // - Documents in a rowid table: a WITHOUT ROWID row is an index cell, and any cell over ~1 KB
  //   spills into a 4 KB overflow page of its own. The key (collection, pk, id) is a unique index;
  //   every other index holds the 8-byte rowid instead of that key.
  // - One b-tree for the term rows: its key is in the order of the similarity walk (term, then
  //   sort key), so it also serves `contains` and uniqueness. A write changes only the rows of the
  //   terms that came or went (the old ones are read from the stored document), where it used to
  //   delete all of a document's rows through an index the planner answered with a walk of the
  //   whole partition's terms (every write O(items)).
  //   A term row's sort value leaves out the document id the sort key ends with (the inbox sort key
  //   is createdAt|id): the row holds the id anyway, and (sort, id) orders as the sort key does.
  // - The aggregate facts in a rowid table too: each entry of their covering indexes holds an
  //   8-byte rowid instead of the document's key, so the follow-up's GROUP BY walks (each over all
  //   of a municipality's items) read about half as many pages; the indexes of awaiting items hold
  //   only the items still waiting for a first response.
  // - The feedback-only indexes are partial (WHERE collection = 'feedback'; the queries name their
  //   collection as a literal), so no other collection's rows go into them; the indexes of fields
  //   most items lack or have false (retagged, reachable, awaiting, outcomeAt, contactKeptSince)
  //   hold only the items that have them; `open` is only ever asked together with a term, and
  //   `code` never (a session is found by its code through a lookup document).
  `CREATE TABLE documents_v9 (
     collection TEXT NOT NULL,
     pk TEXT NOT NULL,
     id TEXT NOT NULL,
     etag TEXT NOT NULL,
     doc TEXT NOT NULL,
     PRIMARY KEY (collection, pk, id)
   );
   INSERT INTO documents_v9 (collection, pk, id, etag, doc) SELECT collection, pk, id, etag, doc FROM documents ORDER BY collection, pk, id;
   DROP TABLE documents;
   ALTER TABLE documents_v9 RENAME TO documents;
   CREATE INDEX documents_created ON documents (collection, pk, json_extract(doc, '$.createdAt'));
   CREATE INDEX documents_reference ON documents (collection, pk, json_extract(doc, '$.reference')) WHERE collection = 'feedback' OR collection = 'contactRequests';
   CREATE INDEX documents_submitter ON documents (collection, pk, json_extract(doc, '$.submitter.userKey'), json_extract(doc, '$.createdAt')) WHERE collection = 'feedback' OR collection = 'contactRequests';
   CREATE INDEX documents_session ON documents (collection, pk, json_extract(doc, '$.sessionId')) WHERE collection = 'participations' OR collection = 'answers';
   CREATE INDEX documents_session_added ON documents (collection, pk, json_extract(doc, '$.sessionId'), json_extract(doc, '$.value.kind'), json_extract(doc, '$.stepId'), json_extract(doc, '$.at'))
     WHERE collection = 'answers';
   CREATE INDEX documents_answer_kind ON documents (collection, pk, json_extract(doc, '$.value.kind'), json_extract(doc, '$.stepId')) WHERE collection = 'answers';
   CREATE INDEX documents_status ON documents (collection, pk, json_extract(doc, '$.status'), json_extract(doc, '$.createdAt')) WHERE collection = 'contactRequests';
   CREATE INDEX feedback_sort ON documents (collection, pk, json_extract(doc, '$.sortKey')) WHERE collection = 'feedback';
   CREATE INDEX feedback_status ON documents (collection, pk, json_extract(doc, '$.status'), json_extract(doc, '$.sortKey')) WHERE collection = 'feedback';
   CREATE INDEX feedback_area_theme ON documents (collection, pk, json_extract(doc, '$.focusArea'), json_extract(doc, '$.theme'), json_extract(doc, '$.sortKey')) WHERE collection = 'feedback';
   CREATE INDEX feedback_team_created ON documents (collection, pk, json_extract(doc, '$.assignment.team'), json_extract(doc, '$.createdAt')) WHERE collection = 'feedback';
   CREATE INDEX feedback_team_awaiting ON documents (collection, pk, json_extract(doc, '$.assignment.team'), json_extract(doc, '$.createdAt'))
     WHERE collection = 'feedback' AND json_extract(doc, '$.awaiting') = 1;
   CREATE INDEX feedback_retagged ON documents (collection, pk, json_extract(doc, '$.sortKey')) WHERE collection = 'feedback' AND json_extract(doc, '$.retagged') = 1;
   CREATE INDEX feedback_reachable ON documents (collection, pk, json_extract(doc, '$.sortKey')) WHERE collection = 'feedback' AND json_extract(doc, '$.reachable') = 1;
   CREATE INDEX feedback_outcome ON documents (collection, pk, json_extract(doc, '$.outcomeAt')) WHERE collection = 'feedback' AND json_extract(doc, '$.outcomeAt') IS NOT NULL;
   CREATE INDEX feedback_contact_kept ON documents (collection, pk, json_extract(doc, '$.contactKeptSince'))
     WHERE collection = 'feedback' AND json_extract(doc, '$.contactKeptSince') IS NOT NULL;
   CREATE TABLE document_terms_v9 (
     collection TEXT NOT NULL,
     pk TEXT NOT NULL,
     field TEXT NOT NULL,
     term TEXT NOT NULL,
     sort TEXT NOT NULL,
     id TEXT NOT NULL,
     PRIMARY KEY (collection, pk, field, term, sort, id)
   ) WITHOUT ROWID;
   INSERT OR IGNORE INTO document_terms_v9 (collection, pk, field, term, sort, id)
     SELECT collection, pk, field, term, CASE WHEN substr(sort, -length(id) - 1) = '|' || id THEN substr(sort, 1, length(sort) - length(id) - 1) ELSE sort END, id FROM document_terms;
   DROP TABLE document_terms;
   ALTER TABLE document_terms_v9 RENAME TO document_terms;
   CREATE TABLE document_facts_v9 (
     collection TEXT NOT NULL,
     pk TEXT NOT NULL,
     id TEXT NOT NULL,
     createdAt TEXT, focusArea TEXT, month TEXT, day TEXT, status TEXT, theme TEXT, kind TEXT,
     supports REAL, responseDays REAL, closureDays REAL, awaiting INTEGER,
     UNIQUE (collection, pk, id)
   );
   INSERT INTO document_facts_v9 (collection, pk, id, createdAt, focusArea, month, day, status, theme, kind, supports, responseDays, closureDays, awaiting)
     SELECT collection, pk, id, createdAt, focusArea, month, day, status, theme, kind, supports, responseDays, closureDays, awaiting FROM document_facts;
   DROP TABLE document_facts;
   ALTER TABLE document_facts_v9 RENAME TO document_facts;
   CREATE INDEX document_facts_groups ON document_facts (collection, pk, focusArea, month, status, theme, supports, createdAt);
   CREATE INDEX document_facts_response ON document_facts (collection, pk, focusArea, month, responseDays, createdAt);
   CREATE INDEX document_facts_closure ON document_facts (collection, pk, focusArea, month, closureDays, createdAt);
   CREATE INDEX document_facts_awaiting ON document_facts (collection, pk, focusArea, month, kind, day, createdAt) WHERE awaiting = 1;
   CREATE INDEX document_facts_boundary ON document_facts (collection, pk, kind, createdAt, focusArea, month) WHERE awaiting = 1;`,
  // Focus-group participations and answers in a table of their own (LEAN_TABLES), with only the
  // indexes they are queried by; moved out of documents, whose indexes they no longer pay for.
  `CREATE TABLE IF NOT EXISTS focus_documents (
     collection TEXT NOT NULL,
     pk TEXT NOT NULL,
     id TEXT NOT NULL,
     etag TEXT NOT NULL,
     doc TEXT NOT NULL,
     PRIMARY KEY (collection, pk, id)
   ) WITHOUT ROWID;
   CREATE INDEX IF NOT EXISTS focus_documents_session ON focus_documents (collection, pk, json_extract(doc, '$.sessionId'));
   CREATE INDEX IF NOT EXISTS focus_documents_added ON focus_documents (collection, pk, json_extract(doc, '$.sessionId'), json_extract(doc, '$.value.kind'), json_extract(doc, '$.stepId'), json_extract(doc, '$.at'));
   INSERT OR IGNORE INTO focus_documents (collection, pk, id, etag, doc)
     SELECT collection, pk, id, etag, doc FROM documents WHERE collection IN ('participations', 'answers');
   DELETE FROM documents WHERE collection IN ('participations', 'answers');
   DROP INDEX IF EXISTS documents_session;
   DROP INDEX IF EXISTS documents_session_added;
   DROP INDEX IF EXISTS documents_answer_kind;`,
];

/** The migration after which a file that already held data is compacted once (VACUUM): it rewrote most indexes. */
const COMPACT_AFTER = 9;

/**
 * Collections kept in a table of their own. Every index of `documents` is an expression over the
 * JSON document, and SQLite writes an entry in each of them for every row whatever its collection:
 * a focus-group answer there cost about 1.2 ms to write (some 18 index entries), here about 0.15 ms.
 * Their documents hold no indexed arrays and no aggregate facts (no side tables).
 */
const LEAN_TABLES: Partial<Record<CollectionName, 'focus_documents'>> = { participations: 'focus_documents', answers: 'focus_documents' };

/** The document field whose value the term rows keep for ordering (see the last migration). */
const TERM_SORT_FIELD = 'sortKey';

/** A term row's sort value: the document's sort key without the `|id` it ends with (migration 9). */
function termSort(sortKey: unknown, id: string): string {
  if (typeof sortKey !== 'string') return '';
  return sortKey.endsWith(`|${id}`) ? sortKey.slice(0, -(id.length + 1)) : sortKey;
}

/**
 * A collection's name as an SQL literal: queries name their collection in their text, so that the
 * planner can use the indexes that hold one collection's rows (partial, `WHERE collection = ...`).
 */
function collectionLiteral(name: string): string {
  if (!/^[A-Za-z]+$/.test(name)) throw new Error(`bad collection name "${name}"`);
  return `'${name}'`;
}

/**
 * A condition's value in SQL: a boolean as the literal 1/0 in the statement's text (the partial
 * indexes of true flags, e.g. `awaiting = 1`, only serve a query that says so in its text), any
 * other value as a parameter.
 */
function sqlValue(value: string | number | boolean, params: Array<string | number>): string {
  if (typeof value === 'boolean') return value ? '1' : '0';
  params.push(value);
  return '?';
}

/** How many ad-hoc query statements are kept prepared. */
const MAX_PREPARED = 200;

/**
 * One indexed `contains` term, newest first by the sort key, with a limit (the similar-suggestion
 * candidates): walked from the term rows in sort order, joined to their documents, stopped at the
 * limit. Undefined for any other query shape.
 */
export function termSortedQuery(name: string, pk: string, query: Query): { sql: string; params: Array<string | number> } | undefined {
  const where = query.where ?? [];
  const terms = where.filter((c) => c.op === 'contains' && (INDEXED_ARRAY_FIELDS as readonly string[]).includes(c.field));
  if (terms.length !== 1 || query.newestFirstBy !== TERM_SORT_FIELD || !query.limit) return undefined;
  const [term] = terms;
  if (!term) return undefined;
  const params: Array<string | number> = [pk, assertIndexedArray(term.field), typeof term.value === 'boolean' ? Number(term.value) : term.value];
  let sql =
    'SELECT d.id AS id, d.etag AS etag, d.doc AS doc FROM document_terms t JOIN documents d ON d.collection = t.collection AND d.pk = t.pk AND d.id = t.id' +
    ` WHERE t.collection = ${collectionLiteral(name)} AND t.pk = ? AND t.field = ? AND t.term = ?`;
  for (const condition of where) {
    if (condition === term) continue;
    if (condition.op === 'contains') return undefined;
    sql += ` AND json_extract(d.doc, '$.${assertFieldPath(condition.field)}') ${condition.op} ${sqlValue(condition.value, params)}`;
  }
  // In the order of the term rows' key (term, sort key, id): nothing to sort.
  sql += ` ORDER BY t.sort DESC, t.id DESC LIMIT ${Math.max(1, Math.floor(query.limit))}`;
  return { sql, params };
}

/** The WHERE conditions of a query or an aggregate (pushing their values on `params`). */
function conditions(name: string, pk: string, where: readonly Condition[], params: Array<string | number>): string {
  let sql = '';
  for (const condition of where) {
    const value = typeof condition.value === 'boolean' ? Number(condition.value) : condition.value;
    if (condition.op === 'contains' && (INDEXED_ARRAY_FIELDS as readonly string[]).includes(condition.field)) {
      sql += ` AND id IN (SELECT id FROM document_terms WHERE collection = ${collectionLiteral(name)} AND pk = ? AND field = ? AND term = ?)`;
      params.push(pk, assertIndexedArray(condition.field), value);
      continue;
    }
    if (condition.op === 'contains') {
      sql += ` AND EXISTS (SELECT 1 FROM json_each(doc, '$.${assertFieldPath(condition.field)}') WHERE json_each.value = ?)`;
      params.push(value);
      continue;
    }
    sql += ` AND json_extract(doc, '$.${assertFieldPath(condition.field)}') ${condition.op} ${sqlValue(condition.value, params)}`;
  }
  return sql;
}

/** The statement of an aggregate over the facts side table (its fields all in AGGREGATE_FIELDS). */
export function factsQuery(name: string, pk: string, aggregate: Aggregate): { sql: string; params: Array<string | number> } {
  const params: Array<string | number> = [pk];
  const fields = new Set<string>(AGGREGATE_FIELDS);
  const column = (field: string): string => {
    if (!fields.has(field)) throw new Error(`"${field}" is not an aggregate field`);
    return field;
  };
  const keys = aggregate.groupBy.map((field, index) => `${column(field)} AS k${index}`);
  let sql = `SELECT ${[...keys, 'COUNT(*) AS n', `${aggregate.sum ? `TOTAL(${column(aggregate.sum)})` : '0'} AS s`].join(', ')} FROM document_facts WHERE collection = ${collectionLiteral(name)} AND pk = ?`;
  for (const condition of aggregate.where ?? []) sql += ` AND ${column(condition.field)} ${condition.op} ${sqlValue(condition.value, params)}`;
  if (keys.length > 0) sql += ` GROUP BY ${aggregate.groupBy.map((_field, index) => `k${index}`).join(', ')}`;
  return { sql, params };
}

/** The statement of a query (TERM_SORT_FIELD-ordered term lookups walk the term rows, termSortedQuery). */
export function documentQuery(name: string, pk: string, query: Query): { sql: string; params: Array<string | number> } {
  const sorted = termSortedQuery(name, pk, query);
  if (sorted) return sorted;
  const params: Array<string | number> = [pk];
  let sql = `SELECT id, etag, doc FROM documents WHERE collection = ${collectionLiteral(name)} AND pk = ?` + conditions(name, pk, query.where ?? [], params);
  if (query.newestFirstBy) sql += ` ORDER BY json_extract(doc, '$.${assertFieldPath(query.newestFirstBy)}') DESC, id`;
  else if (query.oldestFirstBy) sql += ` ORDER BY json_extract(doc, '$.${assertFieldPath(query.oldestFirstBy)}') ASC, id`;
  if (query.limit) sql += ` LIMIT ${Math.max(1, Math.floor(query.limit))}`;
  return { sql, params };
}

/**
 * The statements that keep the term rows in step with a document: the indexed fields of the
 * stored document (what it had before a write), and one row deleted or inserted by its whole key.
 */
export const TERM_STATEMENTS = {
  termsOf:
    `SELECT ${[...INDEXED_ARRAY_FIELDS.map((field, index) => `json_extract(doc, '$.${field}') AS f${index}`), `json_extract(doc, '$.${TERM_SORT_FIELD}') AS sort`].join(', ')}` +
    ' FROM documents WHERE collection = ? AND pk = ? AND id = ?',
  termDelete: 'DELETE FROM document_terms WHERE collection = ? AND pk = ? AND field = ? AND term = ? AND sort = ? AND id = ?',
  termInsert: 'INSERT OR IGNORE INTO document_terms (collection, pk, field, term, sort, id) VALUES (?, ?, ?, ?, ?, ?)',
};

function migrate(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as Array<{ version: number }>).map((r) => r.version),
  );
  let compact = false;
  MIGRATIONS.forEach((sql, index) => {
    const version = index + 1;
    if (applied.has(version)) return;
    db.transaction(() => {
      db.exec(sql);
      db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(version, new Date().toISOString());
    })();
    if (version === COMPACT_AFTER && applied.size > 0) compact = true;
  });
  // The space the rewritten indexes left behind goes back to the file system (once; outside any
  // transaction, as VACUUM must be).
  if (compact) db.exec('VACUUM');
}

function unavailable(error: unknown, path: string): never {
  const code = (error as { code?: string }).code ?? '';
  if (/^SQLITE_(BUSY|LOCKED|IOERR|CANTOPEN|FULL|READONLY|CORRUPT|NOTADB)/.test(code) || /database connection is not open/.test(String(error))) {
    throw new StoreUnavailableError(`the SQLite store at ${path} is unavailable (${code || (error as Error).message})`, { cause: error });
  }
  throw error;
}

export interface SqliteOptions {
  /**
   * How long one operation may wait for a file that another process has locked before the store
   * counts as unavailable (default 1000 ms). The wait is spent in asynchronous retries, not inside
   * SQLite's busy handler: better-sqlite3 is synchronous, so a busy handler blocks the event loop
   * (every conversation and /healthz) for as long as it waits.
   */
  timeoutMs?: number;
}

/**
 * What one attempt may block the event loop waiting for a lock (SQLite's busy_timeout): nothing.
 * A locked file fails the attempt at once and the retry waits asynchronously (guard below).
 */
const BUSY_WAIT_MS = 0;

const isBusy = (error: unknown): boolean => /^SQLITE_(BUSY|LOCKED)/.test((error as { code?: string }).code ?? '');
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createSqliteBackend(path: string, options: SqliteOptions = {}): DocumentBackend {
  const timeoutMs = options.timeoutMs ?? 1000;
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  let db: Database.Database;
  try {
    db = new Database(path, { timeout: BUSY_WAIT_MS });
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    // A large batch grows the write-ahead log; once checkpointed it is cut back to this size
    // instead of keeping its largest size on disk.
    db.pragma(`journal_size_limit = ${4 * 1024 * 1024}`);
    // Pages kept in memory (the default is 2 MB): a write touches a page of each of a dozen indexes.
    db.pragma('cache_size = -32768');
    db.pragma(`busy_timeout = ${BUSY_WAIT_MS}`);
    migrate(db);
  } catch (error) {
    throw new StoreUnavailableError(`cannot open the SQLite store at ${path}: ${(error as Error).message}`, { cause: error });
  }
  /**
   * Runs one statement; while another process holds the write lock it is retried with backoff
   * (an attempt never waits inside SQLite) until timeoutMs, then the store is unavailable.
   */
  const guard = async <T>(work: () => T): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (let pause = 5; ; pause = Math.min(pause * 2, 200)) {
      try {
        return work();
      } catch (error) {
        if (error instanceof ConcurrencyError) throw error;
        if (isBusy(error) && Date.now() + pause < deadline) {
          await sleep(pause);
          continue;
        }
        unavailable(error, path);
      }
    }
  };

  const statements = {
    get: db.prepare('SELECT id, etag, doc FROM documents WHERE collection = ? AND pk = ? AND id = ?'),
    insert: db.prepare('INSERT OR IGNORE INTO documents (collection, pk, id, etag, doc) VALUES (?, ?, ?, ?, ?)'),
    replace: db.prepare('UPDATE documents SET etag = ?, doc = ? WHERE collection = ? AND pk = ? AND id = ? AND etag = ?'),
    replaceAny: db.prepare('UPDATE documents SET etag = ?, doc = ? WHERE collection = ? AND pk = ? AND id = ?'),
    upsert: db.prepare(
      'INSERT INTO documents (collection, pk, id, etag, doc) VALUES (?, ?, ?, ?, ?) ON CONFLICT (collection, pk, id) DO UPDATE SET etag = excluded.etag, doc = excluded.doc',
    ),
    delete: db.prepare('DELETE FROM documents WHERE collection = ? AND pk = ? AND id = ?'),
    next: db.prepare(
      'INSERT INTO counters (pk, name, value) VALUES (?, ?, 1) ON CONFLICT (pk, name) DO UPDATE SET value = value + 1 RETURNING value',
    ),
    termsOf: db.prepare(TERM_STATEMENTS.termsOf),
    termDelete: db.prepare(TERM_STATEMENTS.termDelete),
    termInsert: db.prepare(TERM_STATEMENTS.termInsert),
    factsDelete: db.prepare('DELETE FROM document_facts WHERE collection = ? AND pk = ? AND id = ?'),
    factsInsert: db.prepare(
      `INSERT OR REPLACE INTO document_facts (collection, pk, id, ${AGGREGATE_FIELDS.join(', ')}) VALUES (?, ?, ?, ${AGGREGATE_FIELDS.map(() => '?').join(', ')})`,
    ),
  };
  const aggregated = (name: string): boolean => (AGGREGATED_COLLECTIONS as readonly string[]).includes(name);
  /** A fact as SQLite stores it: text, number, 1/0 for a boolean, NULL when absent. */
  const fact = (value: unknown): string | number | null =>
    typeof value === 'boolean' ? Number(value) : typeof value === 'string' || typeof value === 'number' ? value : null;
  // Query statements by their SQL: the same shape of query is prepared once.
  const prepared = new Map<string, Database.Statement>();
  const prepare = (sql: string): Database.Statement => {
    let statement = prepared.get(sql);
    if (!statement) {
      if (prepared.size >= MAX_PREPARED) {
        const oldest = prepared.keys().next().value;
        if (oldest !== undefined) prepared.delete(oldest);
      }
      statement = db.prepare(sql);
      prepared.set(sql, statement);
    }
    return statement;
  };
  /** The term rows of a document: field, term and sort value, as one string each (NUL-separated). */
  const termRows = (id: string, doc: Document | undefined): Set<string> => {
    const rows = new Set<string>();
    if (!doc) return rows;
    const sort = termSort(doc[TERM_SORT_FIELD], id);
    for (const field of INDEXED_ARRAY_FIELDS) {
      const values = doc[field];
      if (!Array.isArray(values)) continue;
      for (const term of values) if (typeof term === 'string') rows.add(`${field}\0${term}\0${sort}`);
    }
    return rows;
  };
  /** The term rows of the stored document (before a write changes it), from its indexed fields alone. */
  const storedTermRows = (name: string, pk: string, id: string): Set<string> => {
    const row = statements.termsOf.get(name, pk, id) as Record<string, string | null> | undefined;
    if (!row) return new Set();
    const doc: Document = { [TERM_SORT_FIELD]: row.sort };
    INDEXED_ARRAY_FIELDS.forEach((field, index) => {
      const value = row[`f${index}`];
      if (typeof value === 'string' && value.startsWith('[')) doc[field] = JSON.parse(value) as unknown;
    });
    return termRows(id, doc);
  };
  /**
   * Keeps the side tables in step with a document (in the same transaction): of the term rows only
   * those that came or went are written (`before`: the stored document's), the aggregate facts
   * whole.
   */
  const indexTerms = (name: string, pk: string, id: string, doc: Document | undefined, before: Set<string>) => {
    if (aggregated(name)) {
      if (doc) statements.factsInsert.run(name, pk, id, ...AGGREGATE_FIELDS.map((field) => fact(doc[field])));
      else statements.factsDelete.run(name, pk, id);
    }
    const after = termRows(id, doc);
    for (const row of before) if (!after.has(row)) statements.termDelete.run(name, pk, ...row.split('\0'), id);
    for (const row of after) if (!before.has(row)) statements.termInsert.run(name, pk, ...row.split('\0'), id);
  };
  /** Whether a write must keep a side table in step (indexed arrays, aggregate facts): then it runs in a transaction. */
  const hasTerms = (doc: Document, name?: string) => (name !== undefined && aggregated(name)) || INDEXED_ARRAY_FIELDS.some((field) => Array.isArray(doc[field]));
  const insertTx = db.transaction((name: string, pk: string, id: string, etag: string, doc: Document): boolean => {
    const result = statements.insert.run(name, pk, id, etag, JSON.stringify(doc));
    if (result.changes !== 1) return false;
    indexTerms(name, pk, id, doc, new Set());
    return true;
  });
  const replaceTx = db.transaction((name: string, pk: string, id: string, etag: string, doc: Document, ifMatch: string | undefined): boolean => {
    const before = storedTermRows(name, pk, id);
    const result = ifMatch
      ? statements.replace.run(etag, JSON.stringify(doc), name, pk, id, ifMatch)
      : statements.replaceAny.run(etag, JSON.stringify(doc), name, pk, id);
    if (result.changes !== 1) return false;
    indexTerms(name, pk, id, doc, before);
    return true;
  });
  const upsertTx = db.transaction((name: string, pk: string, id: string, etag: string, doc: Document) => {
    const before = storedTermRows(name, pk, id);
    statements.upsert.run(name, pk, id, etag, JSON.stringify(doc));
    indexTerms(name, pk, id, doc, before);
  });
  const deleteTx = db.transaction((name: string, pk: string, id: string) => {
    const before = storedTermRows(name, pk, id);
    statements.delete.run(name, pk, id);
    indexTerms(name, pk, id, undefined, before);
  });
  const parse = (row: { id: string; etag: string; doc: string }): Stored => ({ id: row.id, etag: row.etag, doc: JSON.parse(row.doc) as Document });


  /** A collection of LEAN_TABLES: the same operations on its own table, without side tables. */
  const leanStatements = new Map<string, ReturnType<typeof prepareLean>>();
  function prepareLean(table: string) {
    return {
      get: db.prepare(`SELECT id, etag, doc FROM ${table} WHERE collection = ? AND pk = ? AND id = ?`),
      insert: db.prepare(`INSERT OR IGNORE INTO ${table} (collection, pk, id, etag, doc) VALUES (?, ?, ?, ?, ?)`),
      replace: db.prepare(`UPDATE ${table} SET etag = ?, doc = ? WHERE collection = ? AND pk = ? AND id = ? AND etag = ?`),
      replaceAny: db.prepare(`UPDATE ${table} SET etag = ?, doc = ? WHERE collection = ? AND pk = ? AND id = ?`),
      upsert: db.prepare(
        `INSERT INTO ${table} (collection, pk, id, etag, doc) VALUES (?, ?, ?, ?, ?) ON CONFLICT (collection, pk, id) DO UPDATE SET etag = excluded.etag, doc = excluded.doc`,
      ),
      delete: db.prepare(`DELETE FROM ${table} WHERE collection = ? AND pk = ? AND id = ?`),
    };
  }
  const leanCollection = (name: CollectionName, table: string): DocumentCollection => {
    let lean = leanStatements.get(table);
    if (!lean) {
      lean = prepareLean(table);
      leanStatements.set(table, lean);
    }
    const st = lean;
    return {
      get: (pk, id) =>
        guard(() => {
          const row = st.get.get(name, pk, id) as { id: string; etag: string; doc: string } | undefined;
          return row ? parse(row) : undefined;
        }),
      insert: (pk, id, doc) =>
        guard(() => {
          const etag = randomUUID();
          return st.insert.run(name, pk, id, etag, JSON.stringify(doc)).changes === 1 ? { id, etag, doc } : undefined;
        }),
      replace: (pk, id, doc, ifMatch) =>
        guard(() => {
          const etag = randomUUID();
          const result = ifMatch ? st.replace.run(etag, JSON.stringify(doc), name, pk, id, ifMatch) : st.replaceAny.run(etag, JSON.stringify(doc), name, pk, id);
          if (result.changes !== 1) throw new ConcurrencyError(`${name} ${id}`);
          return { id, etag, doc };
        }),
      upsert: (pk, id, doc) =>
        guard(() => {
          const etag = randomUUID();
          st.upsert.run(name, pk, id, etag, JSON.stringify(doc));
          return { id, etag, doc };
        }),
      delete: (pk, id) =>
        guard(() => {
          st.delete.run(name, pk, id);
        }),
      query: (pk, query: Query = {}) =>
        guard(() => {
          const params: Array<string | number> = [name, pk];
          let sql = `SELECT id, etag, doc FROM ${table} WHERE collection = ? AND pk = ?` + conditions(name, pk, query.where ?? [], params);
          if (query.newestFirstBy) sql += ` ORDER BY json_extract(doc, '$.${assertFieldPath(query.newestFirstBy)}') DESC, id`;
          else if (query.oldestFirstBy) sql += ` ORDER BY json_extract(doc, '$.${assertFieldPath(query.oldestFirstBy)}') ASC, id`;
          if (query.limit) sql += ` LIMIT ${Math.max(1, Math.floor(query.limit))}`;
          return (prepare(sql).all(...params) as Array<{ id: string; etag: string; doc: string }>).map(parse);
        }),
      aggregate: (pk, aggregate: Aggregate) =>
        guard(() => {
          const params: Array<string | number> = [name, pk];
          const keys = aggregate.groupBy.map((field, index) => `json_extract(doc, '$.${assertFieldPath(field)}') AS k${index}`);
          const sum = aggregate.sum ? `TOTAL(json_extract(doc, '$.${assertFieldPath(aggregate.sum)}'))` : '0';
          let sql = `SELECT ${[...keys, 'COUNT(*) AS n', `${sum} AS s`].join(', ')} FROM ${table} WHERE collection = ? AND pk = ?`;
          sql += conditions(name, pk, aggregate.where ?? [], params);
          if (keys.length > 0) sql += ` GROUP BY ${aggregate.groupBy.map((_field, index) => `k${index}`).join(', ')}`;
          const rows = prepare(sql).all(...params) as Array<Record<string, string | number | null>>;
          return rows.map((row) => ({ key: aggregate.groupBy.map((_field, index) => row[`k${index}`] ?? null), count: Number(row.n ?? 0), sum: Number(row.s ?? 0) }));
        }),
    };
  };

  const collection = (name: CollectionName): DocumentCollection => {
    const table = LEAN_TABLES[name];
    return table ? leanCollection(name, table) : documentCollection(name);
  };
  const documentCollection = (name: CollectionName): DocumentCollection => ({
    get: (pk, id) =>
      guard(() => {
        const row = statements.get.get(name, pk, id) as { id: string; etag: string; doc: string } | undefined;
        return row ? parse(row) : undefined;
      }),
    insert: (pk, id, doc) =>
      guard(() => {
        const etag = randomUUID();
        if (!hasTerms(doc, name)) {
          const result = statements.insert.run(name, pk, id, etag, JSON.stringify(doc));
          return result.changes === 1 ? { id, etag, doc } : undefined;
        }
        return insertTx(name, pk, id, etag, doc) ? { id, etag, doc } : undefined;
      }),
    replace: (pk, id, doc, ifMatch) =>
      guard(() => {
        const etag = randomUUID();
        // Bot state has no term rows and no facts: one UPDATE, no side-table read (every turn writes it).
        const replaced =
          name === 'state' && !hasTerms(doc)
            ? (ifMatch ? statements.replace.run(etag, JSON.stringify(doc), name, pk, id, ifMatch) : statements.replaceAny.run(etag, JSON.stringify(doc), name, pk, id)).changes === 1
            : replaceTx(name, pk, id, etag, doc, ifMatch);
        if (!replaced) throw new ConcurrencyError(`${name} ${id}`);
        return { id, etag, doc };
      }),
    upsert: (pk, id, doc) =>
      guard(() => {
        const etag = randomUUID();
        if (name === 'state' && !hasTerms(doc)) statements.upsert.run(name, pk, id, etag, JSON.stringify(doc));
        else upsertTx(name, pk, id, etag, doc);
        return { id, etag, doc };
      }),
    delete: (pk, id) =>
      guard(() => {
        deleteTx(name, pk, id);
      }),
    query: (pk, query: Query = {}) =>
      guard(() => {
        const { sql, params } = documentQuery(name, pk, query);
        return (prepare(sql).all(...params) as Array<{ id: string; etag: string; doc: string }>).map(parse);
      }),
    aggregate: (pk, aggregate: Aggregate) =>
      guard(() => {
        const fields = [...aggregate.groupBy, ...(aggregate.sum ? [aggregate.sum] : []), ...(aggregate.where ?? []).map((c) => c.field)];
        if (aggregated(name) && fields.every((f) => (AGGREGATE_FIELDS as readonly string[]).includes(f)) && (aggregate.where ?? []).every((c) => c.op !== 'contains')) {
          // From the side table's covering index: the documents are never read.
          const { sql, params } = factsQuery(name, pk, aggregate);
          const rows = prepare(sql).all(...params) as Array<Record<string, string | number | null>>;
          return rows.map((row) => ({ key: aggregate.groupBy.map((_field, index) => row[`k${index}`] ?? null), count: Number(row.n ?? 0), sum: Number(row.s ?? 0) }));
        }
        const params: Array<string | number> = [pk];
        const keys = aggregate.groupBy.map((field, index) => `json_extract(doc, '$.${assertFieldPath(field)}') AS k${index}`);
        const sum = aggregate.sum ? `TOTAL(json_extract(doc, '$.${assertFieldPath(aggregate.sum)}'))` : '0';
        let sql = `SELECT ${[...keys, 'COUNT(*) AS n', `${sum} AS s`].join(', ')} FROM documents WHERE collection = ${collectionLiteral(name)} AND pk = ?`;
        sql += conditions(name, pk, aggregate.where ?? [], params);
        if (keys.length > 0) sql += ` GROUP BY ${aggregate.groupBy.map((_field, index) => `k${index}`).join(', ')}`;
        const rows = prepare(sql).all(...params) as Array<Record<string, string | number | null>>;
        return rows.map((row) => ({
          key: aggregate.groupBy.map((_field, index) => row[`k${index}`] ?? null),
          count: Number(row.n ?? 0),
          sum: Number(row.s ?? 0),
        }));
      }),
  });

  return {
    kind: 'sqlite',
    collection,
    nextSequence: (pk, name) => guard(() => (statements.next.get(pk, name) as { value: number }).value),
    bulk: async (work) => {
      // One commit instead of one per write (each statement below runs inside this transaction,
      // better-sqlite3's own transactions as savepoints). A batch inside a batch is the outer one.
      if (db.inTransaction) return work();
      await guard(() => db.exec('BEGIN IMMEDIATE'));
      try {
        const result = await work();
        db.exec('COMMIT');
        return result;
      } catch (error) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw error;
      }
    },
    health: async () => {
      // A batch in progress holds the write lock of this very connection: the store is writable.
      if (db.inTransaction) return { ok: true, kind: 'sqlite' };
      try {
        // Can we write? Reads go on while another process holds the write lock (WAL), so `SELECT 1`
        // would say ok to a store that cannot take a single suggestion.
        db.exec('BEGIN IMMEDIATE');
        db.exec('ROLLBACK');
        return { ok: true, kind: 'sqlite' };
      } catch (error) {
        return { ok: false, kind: 'sqlite', detail: (error as Error).message };
      }
    },
    close: async () => {
      if (db.open) db.close();
    },
  };
}
