import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteBackend } from '../../src/store/sqlite';
import { storeOver } from '../../src/store/repositories';
import { similarityTerms } from '../../src/domain/feedback/similar';
import type { Store } from '../../src/store/types';
import { startTestApp } from '../helpers/app';

const dir = mkdtempSync(join(tmpdir(), 'fl-reindex-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('reindexing at start', () => {
  it('writes the derived fields of every older item a bounded page at a time, not in one read of the whole municipality', async () => {
    const file = join(dir, 'old.sqlite');
    const before = storeOver(createSqliteBackend(file));
    const raw = before.backend.collection('feedback');
    await before.backend.bulk(async () => {
      for (let i = 0; i < 450; i += 1) {
        const { item } = await before.feedback.create({
          municipality: 'mora', referencePrefix: 'MORA', kind: 'suggestion', text: `Fler laddstolpar vid torget, nummer ${i}`, masked: [], language: 'sv',
          focusArea: 'mora.competence', focusConfidence: 1, hasContact: false, submitter: { userKey: `u-${i}`, language: 'sv' }, sourceKey: `old-${i}`,
          createdAt: `2026-11-23T08:${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.000Z`,
        });
        // As stored before the store kept terms, sort keys and flags.
        const { eTag: _eTag, ...old } = item;
        await raw.replace('mora', item.id, { ...old });
      }
    });
    await before.close();

    const store = storeOver(createSqliteBackend(file));
    const pages: number[] = [];
    const feedback: Store['feedback'] = {
      ...store.feedback,
      reindex: async (municipality, page) => {
        const result = await store.feedback.reindex(municipality, page);
        if (municipality === 'mora') pages.push(result.written);
        return result;
      },
    };
    const test = await startTestApp({ SQLITE_PATH: file }, { store: { ...store, feedback } });
    try {
      await test.app.retrained();
      expect(pages.reduce((sum, n) => sum + n, 0)).toBe(450);
      expect(pages.length).toBeGreaterThanOrEqual(3);
      expect(Math.max(...pages)).toBeLessThanOrEqual(200);
      const found = await store.feedback.openSimilarCandidates('mora', similarityTerms('laddstolpar', 'sv'), 1000);
      expect(found).toHaveLength(450);
      expect((await store.kv.read(['reindex/feedback-v2/mora']))['reindex/feedback-v2/mora']).toMatchObject({ written: 450 });
    } finally {
      await test.stop();
    }
  });
});
