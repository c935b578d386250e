import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createFileOutbox } from '../../src/store/outbox';
import type { StoreLog } from '../../src/store/repositories';

const dir = mkdtempSync(join(tmpdir(), 'fl-outbox-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('file outbox', () => {
  it('lists the entries that fit, and logs (and leaves in place) a file that cannot be read or does not fit', async () => {
    const lines: Array<{ info: Record<string, unknown>; message: string }> = [];
    const log: StoreLog = { warn: (info, message) => lines.push({ info, message }) };
    const outbox = createFileOutbox(dir, log);
    const entry = {
      id: 'good',
      kind: 'feedback' as const,
      item: {
        municipality: 'mora', referencePrefix: 'MORA', kind: 'suggestion' as const, text: 'Fler bänkar', masked: [], language: 'sv' as const,
        focusArea: 'mora.competence', focusConfidence: 0.7, hasContact: false, submitter: { userKey: 'webchat:u', language: 'sv' as const },
        sourceKey: 's1', createdAt: '2026-11-23T08:00:00.000Z',
      },
      queuedAt: '2026-11-23T08:00:01.000Z',
      attempts: 0,
    };
    await outbox.put(entry);
    writeFileSync(join(dir, 'cut.json'), '{"id": "cut", "kind": "feed');
    writeFileSync(join(dir, 'other.json'), JSON.stringify({ ...entry, id: 'other', item: { ...entry.item, text: 42 } }));
    expect(await outbox.list()).toEqual([entry]);
    expect(lines.map((line) => line.message)).toEqual([
      expect.stringMatching(/cut\.json cannot be read; left in place/),
      expect.stringMatching(/other\.json does not fit an outbox entry; left in place/),
    ]);
    expect(lines[1]?.info.fields).toEqual(['item.text']);
    expect(existsSync(join(dir, 'cut.json')) && existsSync(join(dir, 'other.json'))).toBe(true);
  });
});
