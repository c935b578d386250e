import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { benchScale, whereTheBytesGo } from '../../src/bench/scale';
import { createSqliteBackend } from '../../src/store/sqlite';
import { storeOver } from '../../src/store/repositories';

describe('data-scale benchmark', () => {
  it('measures the scale rows on the local Cosmos emulator too, every row saying it is the emulator, not Azure', async () => {
    const { rows, json } = await benchScale({ store: 'cosmos', sizes: [40], seedMaxMs: 60_000, firstTurns: 1, followUpMaxMs: 30_000 });
    expect(json.store).toMatch(/emulator.*not Azure/);
    expect(rows.length).toBeGreaterThanOrEqual(6);
    for (const row of rows) expect(row.what).toContain('[Cosmos: local emulator, not Azure]');
    expect(rows.find((row) => row.what.startsWith('seeding'))?.now).toMatch(/^0\.04k: /);
    expect(rows.find((row) => row.what.startsWith('DB size'))?.now).toContain('not measured');
    expect(typeof json.similar_cold_first_turn_ms_40).toBe('number');
    expect(typeof json.followup_ms_40).toBe('number');
    expect(json.inbox_new_bytes_40).toBeGreaterThan(1000);
  }, 120_000);
});

describe('where the bytes of the SQLite file go', () => {
  it('splits the file per item into the documents, their term rows, the facts and the document indexes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fl-bytes-'));
    try {
      const file = join(dir, 'bytes.sqlite');
      const store = storeOver(createSqliteBackend(file));
      await store.backend.bulk(async () => {
        for (let i = 0; i < 300; i += 1) {
          await store.feedback.create({
            municipality: 'mora', referencePrefix: 'MORA', kind: 'suggestion', text: `Fler företagarluncher och nätverksträffar i centrum, nummer ${i}`, masked: [], language: 'sv',
            focusArea: 'mora.competence', focusConfidence: 1, hasContact: false, submitter: { userKey: `u-${i}`, language: 'sv' }, sourceKey: `bytes-${i}`,
            createdAt: new Date(Date.parse('2026-11-01T08:00:00.000Z') + i * 60_000).toISOString(),
          });
        }
      });
      await store.close();
      const parts = whereTheBytesGo(file, 300);
      expect(Object.keys(parts)).toEqual(expect.arrayContaining(['documents', 'term rows', 'facts and their indexes', 'document indexes']));
      // A document of ~0.6 KB takes at least its own bytes; every part holds something per item.
      expect(parts.documents).toBeGreaterThan(400);
      for (const part of ['term rows', 'facts and their indexes', 'document indexes']) expect(parts[part]).toBeGreaterThan(20);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
