import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/domain/ports';
import { createSqliteBackend, documentQuery, MIGRATIONS, TERM_STATEMENTS, termSortedQuery } from '../../src/store/sqlite';
import Database from 'better-sqlite3';
import { similarityTerms } from '../../src/domain/feedback/similar';
import { storeOver } from '../../src/store/repositories';
import type { Store } from '../../src/store/types';
import { storeContract } from './contract';
import { startTestApp } from '../helpers/app';
import { createStaffToken } from '../../src/domain/staff/tokens';

const dir = mkdtempSync(join(tmpdir(), 'lotsen-sqlite-'));
const opened: Store[] = [];
let n = 0;
afterAll(async () => {
  for (const store of opened) await store.close();
  rmSync(dir, { recursive: true, force: true });
});

storeContract('sqlite', async (options) => {
  const store = storeOver(createSqliteBackend(join(dir, `contract-${(n += 1)}.sqlite`)), options);
  opened.push(store);
  return store;
});

describe('sqlite store', () => {
  it('finds the newest open items with a term by walking the term index in order, never by sorting all items with the term', async () => {
    const file = join(dir, 'term-order.sqlite');
    const store = storeOver(createSqliteBackend(file));
    opened.push(store);
    const ids: string[] = [];
    for (let i = 0; i < 12; i += 1) {
      const { item } = await store.feedback.create({
        municipality: 'mora', referencePrefix: 'MORA', kind: 'suggestion', text: `Fler företagarluncher ${i}`, masked: [], language: 'sv',
        focusArea: 'mora.competence', focusConfidence: 1, hasContact: false, submitter: { userKey: 'u', language: 'sv' },
        sourceKey: `term-${i}`, createdAt: `2026-11-23T08:${String(i).padStart(2, '0')}:00.000Z`,
      });
      ids.push(item.id);
      if (i === 11) await store.feedback.update({ ...item, status: 'closed' });
    }
    const terms = similarityTerms('företagarluncher', 'sv');
    // Newest open first, bounded: the closed newest one is skipped.
    expect((await store.feedback.openSimilarCandidates('mora', terms, 3)).map((f) => f.item.id)).toEqual([ids[10], ids[9], ids[8]]);
    const query = termSortedQuery('feedback', 'mora', {
      where: [{ field: 'terms', op: 'contains', value: terms[0]! }, { field: 'open', op: '=', value: true }],
      newestFirstBy: 'sortKey',
      limit: 40,
    });
    expect(query).toBeDefined();
    const db = new Database(file, { readonly: true });
    try {
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${query!.sql}`).all(...query!.params) as Array<{ detail: string }>).map((row) => row.detail);
      expect(plan.join('\n')).toContain('SEARCH t USING PRIMARY KEY (collection=? AND pk=? AND field=? AND term=?)');
      expect(plan.join('\n')).not.toMatch(/TEMP B-TREE/);
    } finally {
      db.close();
    }
  });

  it('commits a batch once, or nothing of it when the work fails; healthy while it holds the write lock', async () => {
    const file = join(dir, 'bulk.sqlite');
    const store = storeOver(createSqliteBackend(file), { probeEveryMs: 20 });
    opened.push(store);
    const item = (i: number) => ({
      municipality: 'mora', referencePrefix: 'MORA', kind: 'suggestion' as const, text: `Fler bänkar ${i}`, masked: [], language: 'sv' as const,
      focusArea: 'mora.competence', focusConfidence: 1, hasContact: false, submitter: { userKey: 'u', language: 'sv' as const },
      sourceKey: `bulk-${i}`, createdAt: '2026-11-23T00:00:00.000Z',
    });
    await expect(
      store.backend.bulk(async () => {
        await store.feedback.create(item(1));
        // The breaker's probe runs meanwhile and must not find the store unwritable.
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect((await store.health()).ok).toBe(true);
        throw new Error('import failed');
      }),
    ).rejects.toThrow('import failed');
    expect(await store.feedback.list('mora')).toEqual([]);
    await store.backend.bulk(async () => {
      for (let i = 0; i < 3; i += 1) await store.feedback.create(item(i));
    });
    // Another connection to the file sees the batch: it was committed.
    const other = storeOver(createSqliteBackend(file));
    opened.push(other);
    expect((await other.feedback.list('mora')).length).toBe(3);
    expect((await store.health()).ok).toBe(true);
  });

  it('keeps its data across a restart (a real file) and migrates once', async () => {
    const file = join(dir, 'restart.sqlite');
    const first = storeOver(createSqliteBackend(file));
    await first.kv.write({ k: { v: 'kept' } });
    const { item } = await first.feedback.create({
      municipality: 'mora', referencePrefix: 'MORA', kind: 'suggestion', text: 'x y z', masked: [], language: 'sv',
      focusArea: 'mora.competence', focusConfidence: 1, hasContact: false, submitter: { userKey: 'u', language: 'sv' },
      sourceKey: 's', createdAt: '2026-11-23T00:00:00.000Z',
    });
    await first.close();
    const second = storeOver(createSqliteBackend(file));
    opened.push(second);
    expect((await second.kv.read(['k'])).k).toMatchObject({ v: 'kept' });
    expect((await second.feedback.get('mora', item.id))?.reference).toBe('MORA-2026-000001');
  });

  it('keeps an existing file in the old layout working: the app moves its staff and focus groups to municipality partitions at start', async () => {
    const file = join(dir, 'old-layout.sqlite');
    // A file as the previous version left it: its schema migrations up to 5 (run from the list
    // itself), staff and focus groups in fixed partitions, and a suggestion with the fields that
    // version derived (written through today's document layer into a scratch file, then copied).
    const scratch = join(dir, 'old-layout-scratch.sqlite');
    const old = createSqliteBackend(scratch);
    const { token, hash } = createStaffToken();
    const at = '2026-11-01T00:00:00.000Z';
    await old.collection('staff').upsert('staff', 's-old', { id: 's-old', name: 'Sara', role: 'handler', municipalities: ['mora'], teams: [], tokenHash: hash, createdAt: at });
    await old.collection('focusGroups').insert('sessions', 'fs-old', {
      id: 'fs-old', code: 'OLD234', templateId: 'company-dialogue', municipality: 'mora', status: 'open', facilitator: { userKey: 'u', name: 'Sara' }, createdAt: at, updatedAt: at,
    });
    await old.collection('focusGroups').upsert('fs-old', 'p1', { sessionId: 'fs-old', participant: 'p1', position: 1, language: 'sv', consentAt: at });
    await old.collection('answers').insert('fs-old', 'a1', { participant: 'p1', stepId: 'intro', value: { kind: 'skip' }, at });
    const scratchStore = storeOver(old);
    const { item: kept } = await scratchStore.feedback.create({
      municipality: 'mora', referencePrefix: 'MORA', kind: 'suggestion', text: 'Fler företagarluncher i centrum', masked: [], language: 'sv',
      focusArea: 'mora.competence', focusConfidence: 1, hasContact: false, submitter: { userKey: 'u-old', language: 'sv' }, sourceKey: 'old-1', createdAt: at,
    });
    await scratchStore.close();
    const raw = new Database(file);
    raw.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
    MIGRATIONS.slice(0, 5).forEach((sql, index) => {
      raw.exec(sql);
      raw.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(index + 1, at);
    });
    raw.prepare('ATTACH DATABASE ? AS scratch').run(scratch);
    raw.exec(`INSERT INTO documents (collection, pk, id, etag, doc) SELECT collection, pk, id, etag, doc FROM scratch.documents;
      INSERT INTO counters SELECT * FROM scratch.counters;
      INSERT INTO document_terms (collection, pk, field, term, id) SELECT collection, pk, field, term, id FROM scratch.document_terms;
      DETACH DATABASE scratch;`);
    raw.close();

    const t = await startTestApp({}, { store: storeOver(createSqliteBackend(file)) });
    try {
      const me = await fetch(`${t.url}/api/staff/me`, { headers: { authorization: `Bearer ${token}` } });
      expect(me.status).toBe(200);
      const list = (await (await fetch(`${t.url}/api/staff/focus-groups?municipality=mora`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
        sessions: Array<{ id: string; progress: { joined: number } }>;
      };
      expect(list.sessions.map((s) => [s.id, s.progress.joined])).toEqual([['fs-old', 1]]);
      expect((await t.app.focusGroups.byCode('old234'))?.id).toBe('fs-old');
      expect(await t.app.store.backend.collection('staff').query('staff')).toEqual([]);
      // The suggestion stored in the old layout is found by every index the later migrations built.
      expect((await t.app.store.feedback.getByReference('mora', kept.reference))?.id).toBe(kept.id);
      expect((await t.app.store.feedback.inbox('mora', { status: 'new' }, { limit: 5 })).items.map((i) => i.id)).toEqual([kept.id]);
      expect((await t.app.store.feedback.list('mora', { submitterKey: 'u-old' })).map((i) => i.id)).toEqual([kept.id]);
      expect((await t.app.store.feedback.openSimilarCandidates('mora', similarityTerms('företagarluncher', 'sv'))).map((f) => f.item.id)).toEqual([kept.id]);
      const counts = await t.app.store.feedback.followUpCounts('mora', {});
      expect(counts.statuses.map((row) => [row.status, row.count])).toEqual([['new', 1]]);
    } finally {
      await t.stop();
    }
    // The move to the rowid table left no free pages behind (VACUUM once after it).
    const moved = new Database(file, { readonly: true });
    try {
      expect(moved.pragma('freelist_count', { simple: true })).toBe(0);
      expect((moved.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number }).v).toBe(MIGRATIONS.length);
    } finally {
      moved.close();
    }
  });

  it('says clearly when the file cannot be used', () => {
    const notADatabase = join(dir, 'garbage.sqlite');
    writeFileSync(notADatabase, 'this is not a database '.repeat(100));
    expect(() => createSqliteBackend(notADatabase)).toThrow(StoreUnavailableError);
    expect(() => createSqliteBackend(notADatabase)).toThrow(/garbage\.sqlite/);
  });

  it('reports unavailable (not a crash) once closed', async () => {
    const store = storeOver(createSqliteBackend(join(dir, 'closed.sqlite')));
    await store.close();
    await expect(store.kv.read(['x'])).rejects.toBeInstanceOf(StoreUnavailableError);
    expect((await store.health()).ok).toBe(false);
  });
});
