import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/domain/ports';
import { createSqliteBackend, documentQuery, factsQuery, MIGRATIONS, TERM_STATEMENTS, termSortedQuery } from '../../src/store/sqlite';
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

  const suggestion = (i: number, over: Record<string, unknown> = {}) => ({
    municipality: 'mora', referencePrefix: 'MORA', kind: 'suggestion' as const, text: `Fler företagarluncher och nätverksträffar i centrum för småföretagare, nummer ${i}`,
    masked: [], language: 'sv' as const, focusArea: 'mora.competence', focusConfidence: 1, hasContact: false,
    submitter: { userKey: `u-${i % 7}`, language: 'sv' as const }, sourceKey: `scale-${i}`, createdAt: `2026-11-23T08:00:${String(i % 60).padStart(2, '0')}.${String(i).padStart(3, '0')}Z`, ...over,
  });
  const plansOf = (file: string, statements: Array<{ sql: string; params: ReadonlyArray<string | number> }>): string[] => {
    const db = new Database(file, { readonly: true });
    try {
      return statements.map(({ sql, params }) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>).map((row) => row.detail).join(' | '));
    } finally {
      db.close();
    }
  };

  it('keeps a term row only for what came or went: every term write and delete finds its row by the whole key, never by walking the partition', async () => {
    const file = join(dir, 'term-writes.sqlite');
    const store = storeOver(createSqliteBackend(file));
    opened.push(store);
    await store.feedback.create(suggestion(1));
    const [termsOf, termDelete] = plansOf(file, [
      { sql: TERM_STATEMENTS.termsOf, params: ['feedback', 'mora', 'x'] },
      { sql: TERM_STATEMENTS.termDelete, params: ['feedback', 'mora', 'terms', 't', 's', 'x'] },
    ]);
    expect(termsOf).toMatch(/\(collection=\? AND pk=\? AND id=\?\)/);
    expect(termDelete).toContain('(collection=? AND pk=? AND field=? AND term=? AND sort=? AND id=?)');
  });

  it('keeps no term rows for a closed item (the similar search asks for open ones only) and writes them again when it is reopened', async () => {
    const file = join(dir, 'closed-terms.sqlite');
    const store = storeOver(createSqliteBackend(file));
    opened.push(store);
    const { item } = await store.feedback.create(suggestion(1));
    const rows = () => {
      const db = new Database(file, { readonly: true });
      try {
        return (db.prepare("SELECT count(*) AS n FROM document_terms WHERE id = ? AND field = 'terms'").get(item.id) as { n: number }).n;
      } finally {
        db.close();
      }
    };
    const stems = new Set(similarityTerms(item.text, 'sv')).size;
    expect(rows()).toBe(stems);
    const db = new Database(file, { readonly: true });
    try {
      // The row's sort value is the sort key without the id it ends with (the row holds the id).
      expect(db.prepare('SELECT DISTINCT sort FROM document_terms WHERE id = ?').all(item.id)).toEqual([{ sort: item.createdAt }]);
    } finally {
      db.close();
    }
    const closed = await store.feedback.update({ ...item, status: 'closed' });
    expect(rows()).toBe(0);
    await store.feedback.update({ ...closed, status: 'in-progress' });
    expect(rows()).toBe(stems);
    expect((await store.feedback.openSimilarCandidates('mora', similarityTerms('företagarluncher', 'sv'))).map((f) => f.item.id)).toEqual([item.id]);
  });

  it('stores a document in little more than its own bytes, and keeps the other collections\' rows and false flags out of the feedback indexes', async () => {
    const file = join(dir, 'bytes.sqlite');
    const store = storeOver(createSqliteBackend(file));
    opened.push(store);
    await store.backend.bulk(async () => {
      for (let i = 0; i < 200; i += 1) {
        const { item } = await store.feedback.create(suggestion(i));
        if (i % 4 === 0) await store.feedback.update({ ...item, status: 'in-progress', firstResponseAt: item.createdAt, history: [...item.history, { at: item.createdAt, by: 'staff', action: 'retagged', note: 'focusArea' }] });
      }
      for (let i = 0; i < 50; i += 1) await store.kv.write({ [`conversation-${i}`]: { turns: i } });
    });
    await store.close();
    const db = new Database(file, { readonly: true });
    try {
      const table = db.prepare("SELECT sum(pgsize) AS bytes FROM dbstat WHERE name = 'documents'").get() as { bytes: number };
      const docs = db.prepare('SELECT count(*) AS n, avg(length(doc)) AS size FROM documents').get() as { n: number; size: number };
      expect(docs.size).toBeGreaterThan(200);
      // A WITHOUT ROWID row of ~1 KB spilled into an overflow page of its own: ~4 KB per document.
      expect(table.bytes / docs.n).toBeLessThan(1.5 * docs.size + 64);
      const cells = (index: string) => (db.prepare('SELECT sum(ncell) AS n FROM dbstat WHERE name = ?').get(index) as { n: number }).n;
      expect(cells('feedback_status')).toBe(200);
      expect(cells('feedback_sort')).toBe(200);
      expect(cells('feedback_retagged')).toBe(50);
      expect(cells('feedback_team_awaiting')).toBe(150);
      expect(cells('feedback_outcome')).toBe(0);
      expect(cells('document_facts_awaiting')).toBe(150);
    } finally {
      db.close();
    }
  });

  it('answers the inbox, follow-up, digest, similar, retention and lookup queries from an index, never by scanning the partition', async () => {
    const file = join(dir, 'plans.sqlite');
    const store = storeOver(createSqliteBackend(file));
    opened.push(store);
    await store.feedback.create(suggestion(1));
    const q = (query: Parameters<typeof documentQuery>[2]) => documentQuery('feedback', 'mora', query);
    const cases: Array<[string, ReturnType<typeof documentQuery>]> = [
      ['feedback_status', q({ where: [{ field: 'status', op: '=', value: 'new' }, { field: 'sortKey', op: '<', value: 'z' }], newestFirstBy: 'sortKey', limit: 51 })],
      ['feedback_sort', q({ newestFirstBy: 'sortKey', limit: 51 })],
      ['documents_submitter', q({ where: [{ field: 'submitter.userKey', op: '=', value: 'u-1' }], newestFirstBy: 'createdAt' })],
      ['documents_reference', q({ where: [{ field: 'reference', op: '=', value: 'MORA-2026-000001' }] })],
      ['feedback_team_awaiting', q({ where: [{ field: 'assignment.team', op: '=', value: 't' }, { field: 'awaiting', op: '=', value: true }], newestFirstBy: 'createdAt' })],
      ['feedback_team_created', q({ where: [{ field: 'assignment.team', op: '=', value: 't' }, { field: 'createdAt', op: '>=', value: '2026' }], newestFirstBy: 'createdAt' })],
      ['feedback_retagged', q({ where: [{ field: 'retagged', op: '=', value: true }], newestFirstBy: 'sortKey' })],
      ['feedback_reachable', q({ where: [{ field: 'reachable', op: '=', value: true }], newestFirstBy: 'sortKey' })],
      ['feedback_outcome', q({ where: [{ field: 'outcomeAt', op: '>=', value: '2026' }], newestFirstBy: 'outcomeAt' })],
      ['feedback_contact_kept', q({ where: [{ field: 'contactKeptSince', op: '<', value: '2027' }], newestFirstBy: 'sortKey' })],
      ['feedback_area_theme', q({ where: [{ field: 'focusArea', op: '=', value: 'a' }, { field: 'theme', op: '=', value: 't' }], newestFirstBy: 'sortKey', limit: 20 })],
      ['PRIMARY KEY', q({ where: [{ field: 'terms', op: 'contains', value: 'företag' }, { field: 'open', op: '=', value: true }], newestFirstBy: 'sortKey', limit: 40 })],
      // The public requests (feedback.publicRequests, Open311): per status, by service, within a period.
      ['feedback_status', q({ where: [{ field: 'status', op: '=', value: 'done' }, { field: 'sortKey', op: '>=', value: '2026-01-01' }, { field: 'sortKey', op: '<', value: '2026-12-01}' }], newestFirstBy: 'sortKey', limit: 1001 })],
      ['feedback_status', q({ where: [{ field: 'focusArea', op: '=', value: 'a' }, { field: 'status', op: '=', value: 'new' }, { field: 'sortKey', op: '<', value: 'z' }], newestFirstBy: 'sortKey', limit: 335 })],
      ['feedback_sort', q({ where: [{ field: 'focusArea', op: '=', value: 'a' }, { field: 'sortKey', op: '>=', value: '2026-01-01' }], newestFirstBy: 'sortKey', limit: 1001 })],
      // The reindex pages (feedback.reindex): oldest first by creation, from a time on.
      ['documents_created', q({ oldestFirstBy: 'createdAt', limit: 201 })],
      ['documents_created', q({ where: [{ field: 'createdAt', op: '>=', value: '2026-11-23' }], oldestFirstBy: 'createdAt', limit: 201 })],
      ['documents_status', documentQuery('contactRequests', 'mora', { where: [{ field: 'status', op: '=', value: 'done' }], newestFirstBy: 'createdAt' })],
    ];
    // The follow-up report's groupings (feedback.followUpCounts, awaitingBetween): each from its covering index, in its order.
    const period = [{ field: 'createdAt', op: '>=' as const, value: '2026-01-01' }, { field: 'createdAt', op: '<' as const, value: '2027-01-01' }];
    const awaiting = { field: 'awaiting', op: '=' as const, value: true };
    const facts: Array<[string, ReturnType<typeof factsQuery>]> = [
      ['COVERING INDEX document_facts_groups', factsQuery('feedback', 'mora', { where: period, groupBy: ['focusArea', 'month', 'status', 'theme'], sum: 'supports' })],
      ['COVERING INDEX document_facts_response', factsQuery('feedback', 'mora', { where: period, groupBy: ['focusArea', 'month', 'responseDays'] })],
      ['COVERING INDEX document_facts_closure', factsQuery('feedback', 'mora', { groupBy: ['focusArea', 'month', 'closureDays'] })],
      ['COVERING INDEX document_facts_awaiting', factsQuery('feedback', 'mora', { where: [awaiting, ...period], groupBy: ['focusArea', 'month', 'kind', 'day'] })],
      ['COVERING INDEX document_facts_boundary', factsQuery('feedback', 'mora', { where: [awaiting, { field: 'kind', op: '=', value: 'suggestion' }, ...period], groupBy: ['focusArea', 'month'] })],
    ];
    plansOf(file, facts.map(([, statement]) => statement)).forEach((plan, i) => {
      expect(plan, facts[i]![1].sql).toContain(facts[i]![0]);
      expect(plan, facts[i]![1].sql).not.toMatch(/\bSCAN\b/);
      if (i < 4) expect(plan, facts[i]![1].sql).not.toContain('TEMP B-TREE');
    });
    const plans = plansOf(file, cases.map(([, statement]) => statement));
    cases.forEach(([index, statement], i) => {
      expect(plans[i], statement.sql).toContain(index);
      expect(plans[i], statement.sql).not.toMatch(/\bSCAN\b/);
      // A page (LIMIT) comes in the index's order; only a list of all matches may be sorted.
      if (/LIMIT/.test(statement.sql)) expect(plans[i], statement.sql).not.toContain('TEMP B-TREE FOR ORDER BY');
    });
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

  it('keeps focus-group participations and answers in a table of their own (no feedback index written for them), and moves those of an older file there', async () => {
    const file = join(dir, 'focus-table.sqlite');
    const at = '2026-11-23T08:00:00.000Z';
    const session = { id: 'fs-t', code: 'TAB234', templateId: 't', municipality: 'mora', status: 'open' as const, facilitator: { userKey: 'u', name: 'F' }, createdAt: at, updatedAt: at };
    const first = storeOver(createSqliteBackend(file));
    await first.focusGroups.createSession(session);
    await first.focusGroups.putParticipation({ sessionId: 'fs-t', participant: 'p1', position: 1, language: 'sv', answered: ['s'] });
    await first.focusGroups.addAnswer('fs-t', { participant: 'p1', stepId: 's', value: { kind: 'scale', value: 4 }, at });
    await first.close();
    const raw = new Database(file);
    const where = (table: string) => (raw.prepare(`SELECT collection FROM ${table} WHERE collection IN ('participations', 'answers') ORDER BY collection`).all() as Array<{ collection: string }>).map((r) => r.collection);
    expect(where('documents')).toEqual([]);
    expect(where('focus_documents')).toEqual(['answers', 'participations']);
    // A file from before the table: its participations and answers are in documents.
    const version = (raw.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number }).v;
    raw.exec(`INSERT INTO documents SELECT * FROM focus_documents; DROP TABLE focus_documents; DELETE FROM schema_migrations WHERE version = ${version};`);
    expect(where('documents')).toEqual(['answers', 'participations']);
    raw.close();
    const second = storeOver(createSqliteBackend(file));
    opened.push(second);
    expect(await second.focusGroups.getParticipation('fs-t', 'p1')).toMatchObject({ position: 1, answered: ['s'] });
    expect((await second.focusGroups.listAnswers('fs-t')).map((a) => a.value)).toEqual([{ kind: 'scale', value: 4 }]);
    const after = new Database(file, { readonly: true });
    try {
      expect((after.prepare("SELECT COUNT(*) AS n FROM documents WHERE collection IN ('participations', 'answers')").get() as { n: number }).n).toBe(0);
    } finally {
      after.close();
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
