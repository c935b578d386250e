import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/domain/ports';
import { createSqliteBackend, termSortedQuery } from '../../src/store/sqlite';
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
      expect(plan.join('\n')).toContain('document_terms_sorted');
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
    // A file as the previous version left it: its schema migrations up to 5, staff and focus
    // groups in fixed partitions (written through the document layer, as that version did).
    const old = createSqliteBackend(file);
    const { token, hash } = createStaffToken();
    const at = '2026-11-01T00:00:00.000Z';
    await old.collection('staff').upsert('staff', 's-old', { id: 's-old', name: 'Sara', role: 'handler', municipalities: ['mora'], teams: [], tokenHash: hash, createdAt: at });
    await old.collection('focusGroups').insert('sessions', 'fs-old', {
      id: 'fs-old', code: 'OLD234', templateId: 'company-dialogue', municipality: 'mora', status: 'open', facilitator: { userKey: 'u', name: 'Sara' }, createdAt: at, updatedAt: at,
    });
    await old.collection('focusGroups').upsert('fs-old', 'p1', { sessionId: 'fs-old', participant: 'p1', position: 1, language: 'sv', consentAt: at });
    await old.collection('answers').insert('fs-old', 'a1', { participant: 'p1', stepId: 'intro', value: { kind: 'skip' }, at });
    await old.close();
    const raw = new Database(file);
    raw.exec("DELETE FROM schema_migrations WHERE version > 5; DROP INDEX documents_retagged; DROP INDEX documents_session; DROP INDEX documents_session_added; DROP TABLE document_facts; DROP INDEX documents_area_theme; DROP INDEX document_terms_sorted; ALTER TABLE document_terms DROP COLUMN sort;");
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
    } finally {
      await t.stop();
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
