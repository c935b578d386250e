import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { OutboxEntry } from '../../src/domain/feedback/outbox';
import { createLogger } from '../../src/log';
import { createFileOutbox } from '../../src/store/outbox';

const dir = mkdtempSync(join(tmpdir(), 'fl-outbox-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const entry: OutboxEntry = {
  id: 'mora-abc',
  kind: 'feedback',
  item: { municipality: 'mora', kind: 'suggestion', text: 'Bättre skyltning', language: 'sv' } as OutboxEntry['item'],
  queuedAt: '2026-03-02T09:00:00.000Z',
  attempts: 0,
};

describe('file outbox', () => {
  it('logs an entry it cannot read and sets it aside intact, still listing the readable ones', async () => {
    const lines: string[] = [];
    const outbox = createFileOutbox(dir, createLogger('info', { write: (line: string) => void lines.push(line) }));
    await outbox.put(entry);
    const damaged = '{"id":"mora-def","kind":"feedb';
    writeFileSync(join(dir, 'mora-def.json'), damaged);

    expect((await outbox.list()).map((e) => e.id)).toEqual(['mora-abc']);
    const logged = lines.map((line) => JSON.parse(line) as { level: number; msg: string; file: string });
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ level: 50, msg: expect.stringContaining('unreadable'), file: join(dir, 'mora-def.json.unreadable') });
    expect(readFileSync(join(dir, 'mora-def.json.unreadable'), 'utf8')).toBe(damaged);
    expect(existsSync(join(dir, 'mora-def.json'))).toBe(false);

    // Set aside once: the next flush neither re-reads nor re-logs it, and nothing is lost.
    expect((await outbox.list()).map((e) => e.id)).toEqual(['mora-abc']);
    expect(lines).toHaveLength(1);
    expect(readdirSync(dir).sort()).toEqual(['mora-abc.json', 'mora-def.json.unreadable']);
  });
});
