/**
 * The embedded default store: one SQLite file (better-sqlite3, WAL), created on first start.
 * Schema changes are numbered migrations recorded in `schema_migrations`.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { ConcurrencyError, StoreUnavailableError } from '../../domain/ports';
import { assertFieldPath, type CollectionName, type Document, type DocumentBackend, type DocumentCollection, type Query, type Stored } from '../documents';

const MIGRATIONS: string[] = [
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
];

function migrate(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as Array<{ version: number }>).map((r) => r.version),
  );
  MIGRATIONS.forEach((sql, index) => {
    const version = index + 1;
    if (applied.has(version)) return;
    db.transaction(() => {
      db.exec(sql);
      db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(version, new Date().toISOString());
    })();
  });
}

function unavailable(error: unknown, path: string): never {
  const code = (error as { code?: string }).code ?? '';
  if (/^SQLITE_(BUSY|LOCKED|IOERR|CANTOPEN|FULL|READONLY|CORRUPT|NOTADB)/.test(code) || /database connection is not open/.test(String(error))) {
    throw new StoreUnavailableError(`the SQLite store at ${path} is unavailable (${code || (error as Error).message})`, { cause: error });
  }
  throw error;
}

export function createSqliteBackend(path: string): DocumentBackend {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  let db: Database.Database;
  try {
    db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    migrate(db);
  } catch (error) {
    throw new StoreUnavailableError(`cannot open the SQLite store at ${path}: ${(error as Error).message}`, { cause: error });
  }
  const guard = <T>(work: () => T): Promise<T> => {
    try {
      return Promise.resolve(work());
    } catch (error) {
      if (error instanceof ConcurrencyError) return Promise.reject(error);
      try {
        unavailable(error, path);
      } catch (wrapped) {
        return Promise.reject(wrapped);
      }
    }
  };

  const statements = {
    get: db.prepare('SELECT etag, doc FROM documents WHERE collection = ? AND pk = ? AND id = ?'),
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
  };
  const parse = (row: { etag: string; doc: string }): Stored => ({ etag: row.etag, doc: JSON.parse(row.doc) as Document });

  const collection = (name: CollectionName): DocumentCollection => ({
    get: (pk, id) =>
      guard(() => {
        const row = statements.get.get(name, pk, id) as { etag: string; doc: string } | undefined;
        return row ? parse(row) : undefined;
      }),
    insert: (pk, id, doc) =>
      guard(() => {
        const etag = randomUUID();
        const result = statements.insert.run(name, pk, id, etag, JSON.stringify(doc));
        return result.changes === 1 ? { etag, doc } : undefined;
      }),
    replace: (pk, id, doc, ifMatch) =>
      guard(() => {
        const etag = randomUUID();
        const result = ifMatch
          ? statements.replace.run(etag, JSON.stringify(doc), name, pk, id, ifMatch)
          : statements.replaceAny.run(etag, JSON.stringify(doc), name, pk, id);
        if (result.changes !== 1) throw new ConcurrencyError(`${name} ${id}`);
        return { etag, doc };
      }),
    upsert: (pk, id, doc) =>
      guard(() => {
        const etag = randomUUID();
        statements.upsert.run(name, pk, id, etag, JSON.stringify(doc));
        return { etag, doc };
      }),
    delete: (pk, id) =>
      guard(() => {
        statements.delete.run(name, pk, id);
      }),
    query: (pk, query: Query = {}) =>
      guard(() => {
        const params: Array<string | number> = [name, pk];
        let sql = 'SELECT etag, doc FROM documents WHERE collection = ? AND pk = ?';
        for (const condition of query.where ?? []) {
          sql +=
            condition.op === 'contains'
              ? ` AND EXISTS (SELECT 1 FROM json_each(doc, '$.${assertFieldPath(condition.field)}') WHERE json_each.value = ?)`
              : ` AND json_extract(doc, '$.${assertFieldPath(condition.field)}') ${condition.op} ?`;
          params.push(typeof condition.value === 'boolean' ? Number(condition.value) : condition.value);
        }
        if (query.newestFirstBy) sql += ` ORDER BY json_extract(doc, '$.${assertFieldPath(query.newestFirstBy)}') DESC, id`;
        if (query.limit) sql += ` LIMIT ${Math.max(1, Math.floor(query.limit))}`;
        return (db.prepare(sql).all(...params) as Array<{ etag: string; doc: string }>).map(parse);
      }),
  });

  return {
    kind: 'sqlite',
    collection,
    nextSequence: (pk, name) => guard(() => (statements.next.get(pk, name) as { value: number }).value),
    health: async () => {
      try {
        db.prepare('SELECT 1').get();
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
