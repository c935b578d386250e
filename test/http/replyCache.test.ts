import { describe, expect, it } from 'vitest';
import { ReplyCache, replyOf } from '../../src/bot/replyCache';

describe('ReplyCache', () => {
  it('keeps a reply for its time to live only, and at most maxEntries', async () => {
    let now = 0;
    const cache = new ReplyCache(1000, 2, () => now);
    const key = ReplyCache.key('msteams', 'c1', 'a1');
    await cache.run(key, async () => replyOf(200, { activities: [{ text: 'hej' }] }));
    now = 999;
    expect(await cache.get(key)).toEqual(replyOf(200, { activities: [{ text: 'hej' }] }));
    now = 1001;
    expect(await cache.get(key)).toBeUndefined();
    now = 2000;
    for (const id of ['b1', 'b2', 'b3']) await cache.run(ReplyCache.key('msteams', 'c1', id), async () => replyOf(200, id));
    expect(await cache.get(ReplyCache.key('msteams', 'c1', 'b1'))).toBeUndefined();
    expect((await cache.get(ReplyCache.key('msteams', 'c1', 'b3')))?.json).toBe('"b3"');
  });

  it('keeps at most maxBytes of reply JSON in all, dropping the oldest first', async () => {
    const cache = new ReplyCache(60_000, 100, () => 0, 1000);
    const body = (id: string) => ({ activities: [{ type: 'message', text: `${id} ${'x'.repeat(380)}` }] });
    for (const id of ['a1', 'a2', 'a3']) await cache.run(ReplyCache.key('msteams', 'c1', id), async () => replyOf(200, body(id)));
    expect(await cache.get(ReplyCache.key('msteams', 'c1', 'a1'))).toBeUndefined();
    expect(await cache.get(ReplyCache.key('msteams', 'c1', 'a3'))).toEqual(replyOf(200, body('a3')));
    expect(cache.usage.entries).toBe(2);
    expect(cache.usage.bytes).toBeLessThanOrEqual(1000);
    // A reply larger than the whole budget is not kept at all.
    await cache.run(ReplyCache.key('msteams', 'c1', 'big'), async () => replyOf(200, { text: 'y'.repeat(2000) }));
    expect(await cache.get(ReplyCache.key('msteams', 'c1', 'big'))).toBeUndefined();
    expect(cache.usage.bytes).toBeLessThanOrEqual(1000);
  });

  it('counts a reply as the heap bytes its JSON takes: two per character once one is past U+00FF (” –)', async () => {
    const cache = new ReplyCache(60_000, 100, () => 0, 1000);
    // 330 characters: 336 bytes in UTF-8, 660 in the heap (a two-byte string), so one reply fits in 1000, not two.
    const body = (id: string) => ({ text: `${id} ”${'x'.repeat(310)}”` });
    for (const id of ['a1', 'a2']) await cache.run(ReplyCache.key('msteams', 'c1', id), async () => replyOf(200, body(id)));
    expect(await cache.get(ReplyCache.key('msteams', 'c1', 'a1'))).toBeUndefined();
    expect(await cache.get(ReplyCache.key('msteams', 'c1', 'a2'))).toEqual(replyOf(200, body('a2')));
    expect(cache.usage.entries).toBe(1);
    const json = JSON.stringify(body('a2'));
    expect(cache.usage.bytes).toBe(2 * json.length + ReplyCache.key('msteams', 'c1', 'a2').length);
    // Latin-1 text (å, ä, ö) stays one byte per character.
    expect(ReplyCache.heapBytes('åäö')).toBe(3);
    expect(ReplyCache.heapBytes('åäö”')).toBe(8);
  });

  it('keeps nothing for a turn that failed or answered other than 200', async () => {
    const cache = new ReplyCache();
    await expect(cache.run('k1', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await cache.get('k1')).toBeUndefined();
    await cache.run('k2', async () => undefined);
    expect(await cache.get('k2')).toBeUndefined();
  });
});
