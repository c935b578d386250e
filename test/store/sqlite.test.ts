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

const dir = mkdtempSync(join(tmpdir(), 'lotsen-sqlite-'));
const opened: Store[] = [];
let n = 0;
afterAll(async () => {
  for (const store of opened) await store.close();
  rmSync(dir, { recursive: true, force: true });
});

storeContract('sqlite', async () => {
  const store = storeOver(createSqliteBackend(join(dir, `contract-${(n += 1)}.sqlite`)));
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
