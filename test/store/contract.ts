import { describe, expect, it } from 'vitest';
import { ConcurrencyError, CorruptDocumentError } from '../../src/domain/ports';
import type { NewContactRequest, NewFeedbackItem } from '../../src/domain/feedback/types';
import type { Store } from '../../src/store/types';
import { createFocusGroupRepository, type StoreLog, type StoreOptions } from '../../src/store/repositories';
import { similarityTerms } from '../../src/domain/feedback/similar';

/**
 * The one contract every store passes, run unchanged against SQLite and Cosmos DB.
 * `open()` gives a fresh, empty store; `reopen()` (optional) opens the same data again.
 */
export function storeContract(name: string, open: (options?: StoreOptions) => Promise<Store>): void {
  /** A log that keeps what the store reported. */
  const captured = () => {
    const lines: Array<{ info: Record<string, unknown>; message: string }> = [];
    const log: StoreLog = { warn: (info, message) => lines.push({ info, message }) };
    return { lines, log };
  };
  const feedback = (over: Partial<NewFeedbackItem> = {}): NewFeedbackItem => ({
    municipality: 'mora',
    referencePrefix: 'MORA',
    kind: 'suggestion',
    text: 'Fler företagarluncher i Östnor',
    masked: [],
    language: 'sv',
    focusArea: 'mora.networks-development',
    focusConfidence: 0.8,
    hasContact: false,
    submitter: { userKey: 'webchat:u1', language: 'sv', address: { conversation: { id: 'c1' } } },
    sourceKey: `src-${Math.random()}`,
    createdAt: '2026-11-23T08:00:00.000Z',
    ...over,
  });
  const contactRequest = (over: Partial<NewContactRequest> = {}): NewContactRequest => ({
    municipality: 'mora',
    referencePrefix: 'MORA',
    name: 'Anna',
    reach: '070-123 45 67',
    question: 'Vill boka lotsmöte',
    language: 'sv',
    consentAt: '2026-11-23T08:00:00.000Z',
    submitter: { userKey: 'webchat:u1', language: 'sv' },
    sourceKey: `k-${Math.random()}`,
    createdAt: '2026-11-23T08:00:00.000Z',
    ...over,
  });

  describe(`store contract: ${name}`, () => {
    it('reports itself healthy', async () => {
      const store = await open();
      expect(await store.health()).toMatchObject({ ok: true });
    });

    describe('key-value state (botbuilder Storage)', () => {
      it('reads what it wrote, with an eTag, and nothing for unknown keys', async () => {
        const { kv } = await open();
        await kv.write({ 'webchat/conversations/a/b?c#d': { count: 1, nested: { å: 'ä' } } });
        const read = await kv.read(['webchat/conversations/a/b?c#d', 'missing']);
        expect(read['webchat/conversations/a/b?c#d']).toMatchObject({ count: 1, nested: { å: 'ä' } });
        expect(typeof read['webchat/conversations/a/b?c#d']?.eTag).toBe('string');
        expect(read.missing).toBeUndefined();
      });

      it('rejects a write with a stale eTag and accepts "*"', async () => {
        const { kv } = await open();
        await kv.write({ k: { v: 1 } });
        const first = (await kv.read(['k'])).k;
        await kv.write({ k: { v: 2, eTag: first?.eTag } });
        await expect(kv.write({ k: { v: 3, eTag: first?.eTag } })).rejects.toBeInstanceOf(ConcurrencyError);
        expect((await kv.read(['k'])).k).toMatchObject({ v: 2 });
        await kv.write({ k: { v: 4, eTag: '*' } });
        expect((await kv.read(['k'])).k).toMatchObject({ v: 4 });
      });

      it('writes a key that is gone even with an eTag (botbuilder state after a delete), but still refuses a stale one', async () => {
        const { kv } = await open();
        await kv.write({ g: { v: 1 } });
        const first = (await kv.read(['g'])).g;
        await kv.delete(['g']);
        await kv.write({ g: { v: 2, eTag: first?.eTag } });
        const second = (await kv.read(['g'])).g;
        expect(second).toMatchObject({ v: 2 });
        await kv.write({ g: { v: 3, eTag: second?.eTag } });
        await expect(kv.write({ g: { v: 4, eTag: second?.eTag } })).rejects.toBeInstanceOf(ConcurrencyError);
        expect((await kv.read(['g'])).g).toMatchObject({ v: 3 });
      });

      it('deletes', async () => {
        const { kv } = await open();
        await kv.write({ gone: { v: 1 } });
        await kv.delete(['gone', 'never-there']);
        expect(await kv.read(['gone'])).toEqual({});
      });
    });

    describe('feedback', () => {
      it('gives consecutive references per municipality and year', async () => {
        const store = await open();
        const a = await store.feedback.create(feedback());
        const b = await store.feedback.create(feedback());
        const c = await store.feedback.create(feedback({ municipality: 'borlange', referencePrefix: 'BORL' }));
        expect(a.item.reference).toBe('MORA-2026-000001');
        expect(b.item.reference).toBe('MORA-2026-000002');
        expect(c.item.reference).toBe('BORL-2026-000001');
        expect(a.item).toMatchObject({ status: 'new', supports: 0, history: [{ action: 'created' }] });
      });

      it('stores a new item with its assignment in the one write: history created, then assigned by the system', async () => {
        const store = await open();
        const assignment = { team: 'kompetens', reason: 'rule 2: focus area mora.competence', at: '2026-11-23T08:00:00.000Z', dueAt: '2026-12-07T08:00:00.000Z' };
        const { item } = await store.feedback.create(feedback({ assignment }));
        const stored = await store.feedback.get('mora', item.id);
        expect(stored?.assignment).toEqual(assignment);
        expect(stored?.history).toEqual([
          { at: '2026-11-23T08:00:00.000Z', by: 'submitter', action: 'created' },
          { at: '2026-11-23T08:00:00.000Z', by: 'system', action: 'assigned', to: 'kompetens', note: 'rule 2: focus area mora.competence' },
        ]);
        const { request } = await store.contactRequests.create(contactRequest({ assignment }));
        expect((await store.contactRequests.get('mora', request.id))?.history.map((h) => h.action)).toEqual(['created', 'assigned']);
      });

      it("keeps where an item's team card was posted, per municipality, the latest replacing the earlier", async () => {
        const store = await open();
        const { item } = await store.feedback.create(feedback());
        expect(await store.feedback.teamCard('mora', item.id)).toBeUndefined();
        const card = { activityId: '1:abc', address: { conversation: { id: '19:kompetens@thread.tacv2' }, serviceUrl: 'https://smba.example/' }, team: 'kompetens', postedAt: '2026-11-23T08:01:00.000Z' };
        await store.feedback.saveTeamCard('mora', item.id, card);
        expect(await store.feedback.teamCard('mora', item.id)).toEqual(card);
        expect(await store.feedback.teamCard('borlange', item.id)).toBeUndefined();
        await store.feedback.saveTeamCard('mora', item.id, { ...card, activityId: '1:def' });
        expect((await store.feedback.teamCard('mora', item.id))?.activityId).toBe('1:def');
        // The card record is not an item: the item queries do not see it.
        expect(await store.feedback.list('mora')).toHaveLength(1);
      });

      it('is idempotent on the source key: a duplicate delivery stores nothing new', async () => {
        const store = await open();
        const first = await store.feedback.create(feedback({ sourceKey: 'activity-1' }));
        const again = await store.feedback.create(feedback({ sourceKey: 'activity-1', text: 'different' }));
        expect(first.created).toBe(true);
        expect(again.created).toBe(false);
        expect(again.item.reference).toBe(first.item.reference);
        expect(await store.feedback.list('mora')).toHaveLength(1);
      });

      it('finds by id and reference, and lists newest first with filters', async () => {
        const store = await open();
        const old = await store.feedback.create(feedback({ createdAt: '2026-01-02T00:00:00.000Z' }));
        const mid = await store.feedback.create(
          feedback({ createdAt: '2026-05-02T00:00:00.000Z', focusArea: 'mora.competence', submitter: { userKey: 'teams:x', language: 'en' } }),
        );
        const recent = await store.feedback.create(feedback({ createdAt: '2026-11-02T00:00:00.000Z' }));
        expect((await store.feedback.get('mora', mid.item.id))?.reference).toBe(mid.item.reference);
        expect((await store.feedback.get('borlange', mid.item.id))).toBeUndefined();
        expect((await store.feedback.getByReference('mora', old.item.reference))?.id).toBe(old.item.id);
        expect((await store.feedback.list('mora')).map((i) => i.id)).toEqual([recent.item.id, mid.item.id, old.item.id]);
        expect((await store.feedback.list('mora', { focusArea: 'mora.competence' })).map((i) => i.id)).toEqual([mid.item.id]);
        expect((await store.feedback.list('mora', { submitterKey: 'teams:x' })).map((i) => i.id)).toEqual([mid.item.id]);
        expect((await store.feedback.list('mora', { since: '2026-05-01T00:00:00.000Z' })).map((i) => i.id)).toEqual([
          recent.item.id,
          mid.item.id,
        ]);
      });

      it('updates with the current eTag and refuses a stale one', async () => {
        const store = await open();
        const { item } = await store.feedback.create(feedback());
        const updated = await store.feedback.update({ ...item, status: 'received' });
        expect(updated.status).toBe('received');
        expect(updated.eTag).not.toBe(item.eTag);
        await expect(store.feedback.update({ ...item, status: 'done' })).rejects.toBeInstanceOf(ConcurrencyError);
        expect((await store.feedback.list('mora', { status: 'received' })).map((i) => i.id)).toEqual([item.id]);
      });

      it('counts one support per supporter and none from the submitter', async () => {
        const store = await open();
        const { item } = await store.feedback.create(feedback());
        await store.feedback.addSupport('mora', item.id, 'webchat:u2');
        await store.feedback.addSupport('mora', item.id, 'webchat:u2');
        const after = await store.feedback.addSupport('mora', item.id, 'webchat:u1');
        expect(after.supports).toBe(1);
      });

      it('forgets who supported (erasure) but keeps the count', async () => {
        const store = await open();
        const { item } = await store.feedback.create(feedback());
        const supported = await store.feedback.addSupport('mora', item.id, 'webchat:u2');
        const before = JSON.stringify(supported);
        await store.feedback.forgetSupporter('mora', item.id, 'webchat:u2');
        const after = await store.feedback.get('mora', item.id);
        expect(after?.supports).toBe(1);
        expect(JSON.stringify(after).length).toBeLessThan(before.length);
        await store.feedback.forgetSupporter('mora', item.id, 'webchat:u2');
        expect((await store.feedback.get('mora', item.id))?.supports).toBe(1);
      });

      it('finds the items a user supported', async () => {
        const store = await open();
        const { item } = await store.feedback.create(feedback());
        const { item: other } = await store.feedback.create({ ...feedback(), sourceKey: 'other-source' });
        await store.feedback.addSupport('mora', item.id, 'webchat:u3');
        expect((await store.feedback.supportedBy('mora', 'webchat:u3')).map((i) => i.id)).toEqual([item.id]);
        expect(await store.feedback.supportedBy('mora', 'webchat:u4')).toEqual([]);
        expect(other.id).not.toBe(item.id);
      });

      it('keeps contact details apart from the item', async () => {
        const store = await open();
        const { item } = await store.feedback.create(feedback(), { name: 'Anna', email: 'anna@example.se' });
        expect(item.hasContact).toBe(true);
        expect(JSON.stringify(item)).not.toContain('anna@example.se');
        expect(await store.feedback.getContact('mora', item.id)).toEqual({ name: 'Anna', email: 'anna@example.se' });
        await store.feedback.deleteContact('mora', item.id);
        expect(await store.feedback.getContact('mora', item.id)).toBeUndefined();
        expect((await store.feedback.get('mora', item.id))?.text).toBe(item.text);
        const { item: anonymous } = await store.feedback.create(feedback());
        expect(anonymous.hasContact).toBe(false);
        expect(await store.feedback.getContact('mora', anonymous.id)).toBeUndefined();
      });

      it('finds open items that share a term with a text (index lookup), with their stored terms, never closed ones', async () => {
        const store = await open();
        const { item: a } = await store.feedback.create(feedback({ text: 'Fler cykelställ vid resecentrum' }));
        const { item: b } = await store.feedback.create(feedback({ text: 'Bättre snöröjning av cykelbanor', createdAt: '2026-11-24T08:00:00.000Z' }));
        const { item: c } = await store.feedback.create(feedback({ text: 'Cykelställ vid biblioteket behövs', createdAt: '2026-11-25T08:00:00.000Z' }));
        await store.feedback.create(feedback({ text: 'Längre öppettider på återvinningen' }));
        await store.feedback.update({ ...c, status: 'closed' });
        const terms = similarityTerms('cykelställ', 'sv');
        const found = await store.feedback.openSimilarCandidates('mora', terms);
        expect(found.map((f) => f.item.id)).toEqual([a.id]);
        expect(found[0]?.terms).toEqual(similarityTerms(a.text, 'sv'));
        expect(found[0]?.item).toEqual(await store.feedback.get('mora', a.id));
        const either = await store.feedback.openSimilarCandidates('mora', [...terms, ...similarityTerms('snöröjning', 'sv')]);
        expect(either.map((f) => f.item.id).sort()).toEqual([a.id, b.id].sort());
        expect(await store.feedback.openSimilarCandidates('borlange', terms)).toEqual([]);
        // Reopened, it is found again; bounded per term, newest first.
        await store.feedback.update({ ...(await store.feedback.get('mora', c.id))!, status: 'in-progress' });
        expect((await store.feedback.openSimilarCandidates('mora', terms, 1)).map((f) => f.item.id)).toEqual([c.id]);
      });

      it('stores many items written in one batch (bulk: imports, seeding), with consecutive references, found by the index', async () => {
        const store = await open();
        const created = await store.backend.bulk(async () => {
          const out = [];
          for (let i = 0; i < 30; i += 1) {
            const { item } = await store.feedback.create(feedback({ text: `Fler laddstolpar vid torget ${i}`, createdAt: `2026-11-23T08:${String(i).padStart(2, '0')}:00.000Z` }));
            out.push(i % 3 === 0 ? await store.feedback.update({ ...item, status: 'closed' }) : item);
          }
          return out;
        });
        expect(created.map((item) => item.reference)).toEqual(created.map((_, i) => `MORA-2026-${String(i + 1).padStart(6, '0')}`));
        expect(await store.feedback.get('mora', created[29]!.id)).toEqual(created[29]);
        const found = await store.feedback.openSimilarCandidates('mora', similarityTerms('laddstolpar', 'sv'), 100);
        expect(found.map((f) => f.item.id).sort()).toEqual(created.filter((item) => item.status !== 'closed').map((item) => item.id).sort());
        expect((await store.health()).ok).toBe(true);
        // A batch inside a batch is part of the outer one.
        expect(await store.backend.bulk(() => store.backend.bulk(async () => 'inner'))).toBe('inner');
      });

      it('reindexes items stored before the store kept terms and sort keys, so they are found and paged', async () => {
        const store = await open();
        const { item } = await store.feedback.create(feedback({ text: 'Fler laddstolpar för elbilar' }));
        const { eTag: _eTag, ...old } = item;
        await store.backend.collection('feedback').replace('mora', item.id, { ...old }, undefined);
        expect(await store.feedback.openSimilarCandidates('mora', similarityTerms('laddstolpar', 'sv'))).toEqual([]);
        expect(await store.feedback.reindex('mora')).toEqual({ written: 1 });
        expect(await store.feedback.reindex('mora')).toEqual({ written: 0 });
        expect((await store.feedback.openSimilarCandidates('mora', similarityTerms('laddstolpar', 'sv'))).map((f) => f.item.id)).toEqual([item.id]);
        expect((await store.feedback.inbox('mora', {}, { limit: 5 })).items.map((i) => i.id)).toEqual([item.id]);
      });

      it('reindexes a page at a time, oldest first, each item once even where several share a creation time', async () => {
        const store = await open();
        const raw = store.backend.collection('feedback');
        const ids: string[] = [];
        // Seven items, five of them created at the same moment (a page boundary falls among them).
        for (const [i, minute] of [1, 2, 2, 2, 2, 2, 3].entries()) {
          const { item } = await store.feedback.create(feedback({ text: `Fler laddstolpar ${i}`, createdAt: `2026-11-23T08:0${minute}:00.000Z`, sourceKey: `reindex-${i}` }));
          ids.push(item.id);
          if (i !== 6) {
            const { eTag: _eTag, ...old } = item;
            await raw.replace('mora', item.id, { ...old }, undefined);
          }
        }
        const pages: Array<{ written: number; next?: string }> = [];
        let cursor: string | undefined;
        do {
          const page = await store.feedback.reindex('mora', { cursor, limit: 2 });
          pages.push(page);
          cursor = page.next;
        } while (cursor && pages.length < 10);
        expect(pages.map((p) => p.written)).toEqual([2, 2, 2, 0]);
        expect(pages.at(-1)?.next).toBeUndefined();
        const found = await store.feedback.openSimilarCandidates('mora', similarityTerms('laddstolpar', 'sv'), 100);
        expect(found.map((f) => f.item.id).sort()).toEqual([...ids].sort());
        expect(await store.feedback.reindex('mora', { limit: 2 })).toMatchObject({ written: 0 });
      });

      it('pages the public requests (Open311) newest first: open is any status before done, closed is done or closed, by service and creation time', async () => {
        const store = await open();
        const statuses = ['new', 'done', 'received', 'closed', 'in-progress', 'new', 'closed', 'done', 'new', 'received'] as const;
        const items: Array<{ id: string; status: string; createdAt: string; focusArea: string }> = [];
        for (const [i, status] of statuses.entries()) {
          const createdAt = `2026-11-${String(10 + i).padStart(2, '0')}T08:00:00.000Z`;
          const focusArea = i % 3 === 0 ? 'mora.competence' : 'mora.networks-development';
          const { item } = await store.feedback.create(feedback({ text: `Förfrågan ${i}`, createdAt, focusArea, sourceKey: `public-${i}` }));
          if (status !== 'new') await store.feedback.update({ ...item, status });
          items.push({ id: item.id, status, createdAt, focusArea });
        }
        const newestFirst = (keep: (item: (typeof items)[number]) => boolean) => items.filter(keep).reverse().map((item) => item.id);
        const all = async (filter: Parameters<Store['feedback']['publicRequests']>[1], limit: number) => {
          const seen: string[] = [];
          let cursor: string | undefined;
          for (let pages = 0; pages < 20; pages += 1) {
            const page = await store.feedback.publicRequests('mora', filter, { limit, cursor });
            expect(page.items.length).toBeLessThanOrEqual(limit);
            seen.push(...page.items.map((item) => item.id));
            cursor = page.next;
            if (!cursor) break;
          }
          return seen;
        };
        const isClosed = (item: (typeof items)[number]) => item.status === 'done' || item.status === 'closed';
        for (const limit of [1, 2, 3, 100]) {
          expect(await all({}, limit)).toEqual(newestFirst(() => true));
          expect(await all({ status: 'open' }, limit)).toEqual(newestFirst((item) => !isClosed(item)));
          expect(await all({ status: 'closed' }, limit)).toEqual(newestFirst(isClosed));
        }
        expect(await all({ status: 'open', focusArea: 'mora.competence' }, 2)).toEqual(newestFirst((item) => !isClosed(item) && item.focusArea === 'mora.competence'));
        // Both ends of the period are included.
        const from = items[2]!.createdAt;
        const to = items[7]!.createdAt;
        expect(await all({ from, to }, 2)).toEqual(newestFirst((item) => item.createdAt >= from && item.createdAt <= to));
        expect(await all({ status: 'closed', from, to }, 1)).toEqual(newestFirst((item) => isClosed(item) && item.createdAt >= from && item.createdAt <= to));
        const last = await store.feedback.publicRequests('mora', { status: 'closed' }, { limit: 4 });
        expect(last.next).toBeUndefined();
        expect(Object.keys(last.items[0]!)).not.toContain('sortKey');
      });

      it('pages the inbox newest first with a cursor, filtered by the store, without the store\'s own fields', async () => {
        const store = await open();
        const created: string[] = [];
        for (let i = 0; i < 7; i += 1) {
          const { item } = await store.feedback.create(
            feedback({ text: `Förslag ${i}`, kind: i % 2 === 0 ? 'suggestion' : 'complaint', createdAt: `2026-11-${String(10 + i).padStart(2, '0')}T08:00:00.000Z` }),
          );
          created.push(item.id);
        }
        // Two items at the same moment still page without a gap or a repeat.
        const { item: twin } = await store.feedback.create(feedback({ text: 'Tvilling', createdAt: '2026-11-16T08:00:00.000Z' }));
        const newestFirst = [twin.id, ...created.slice().reverse()];
        const seen: string[] = [];
        let cursor: string | undefined;
        for (let pages = 0; pages < 10; pages += 1) {
          const page = await store.feedback.inbox('mora', {}, { limit: 3, cursor });
          seen.push(...page.items.map((i) => i.id));
          cursor = page.next;
          if (!cursor) break;
        }
        expect([...seen].sort()).toEqual([...newestFirst].sort());
        expect(seen.slice(2)).toEqual(created.slice(0, 6).reverse());
        const complaints = await store.feedback.inbox('mora', { kind: 'complaint' }, { limit: 10 });
        expect(complaints.items.map((i) => i.text)).toEqual(['Förslag 5', 'Förslag 3', 'Förslag 1']);
        expect(complaints.next).toBeUndefined();
        const period = await store.feedback.inbox('mora', { from: '2026-11-12', to: '2026-11-13' }, { limit: 10 });
        expect(period.items.map((i) => i.text)).toEqual(['Förslag 3', 'Förslag 2']);
        const item = complaints.items[0]!;
        expect(Object.keys(item)).not.toContain('terms');
        expect(Object.keys(item)).not.toContain('sortKey');
        await store.feedback.update({ ...item, status: 'done' });
        expect((await store.feedback.inbox('mora', { status: 'done' }, { limit: 10 })).items.map((i) => i.id)).toEqual([item.id]);
      });

      it('aggregates the follow-up in the store: per focus area, month, status and theme, days to response and closure, awaiting per day, period-bounded', async () => {
        const store = await open();
        const a = 'mora.networks-development';
        const b = 'mora.competence';
        const make = async (over: Partial<NewFeedbackItem>) => (await store.feedback.create(feedback(over))).item;
        const i1 = await make({ focusArea: a, theme: 'networks', createdAt: '2026-10-05T08:00:00.000Z' });
        const i2 = await make({ focusArea: a, theme: 'networks', createdAt: '2026-10-20T08:00:00.000Z' });
        await make({ focusArea: a, createdAt: '2026-11-02T10:30:00.000Z', kind: 'complaint' });
        await make({ focusArea: b, theme: 'skills', createdAt: '2026-11-03T09:00:00.000Z' });
        await store.feedback.update({ ...i1, status: 'done', firstResponseAt: '2026-10-06T08:00:00.000Z', closedAt: '2026-10-09T20:00:00.000Z', supports: 2 });
        await store.feedback.update({ ...i2, status: 'received', firstResponseAt: '2026-10-21T20:00:00.000Z' });
        const counts = await store.feedback.followUpCounts('mora', {});
        const byKey = <T,>(rows: T[]): T[] => [...rows].sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)));
        expect(byKey(counts.statuses)).toEqual(
          byKey([
            { focusArea: a, month: '2026-10', status: 'done', theme: 'networks', count: 1, supports: 2 },
            { focusArea: a, month: '2026-10', status: 'received', theme: 'networks', count: 1, supports: 0 },
            { focusArea: a, month: '2026-11', status: 'new', theme: null, count: 1, supports: 0 },
            { focusArea: b, month: '2026-11', status: 'new', theme: 'skills', count: 1, supports: 0 },
          ]),
        );
        expect(byKey(counts.toFirstResponse)).toEqual(byKey([{ focusArea: a, month: '2026-10', days: 1, count: 1 }, { focusArea: a, month: '2026-10', days: 1.5, count: 1 }]));
        expect(counts.toClosure).toEqual([{ focusArea: a, month: '2026-10', days: 4.5, count: 1 }]);
        expect(byKey(counts.awaiting)).toEqual(
          byKey([
            { focusArea: a, month: '2026-11', kind: 'complaint', day: '2026-11-02', count: 1 },
            { focusArea: b, month: '2026-11', kind: 'suggestion', day: '2026-11-03', count: 1 },
          ]),
        );
        const november = await store.feedback.followUpCounts('mora', { from: '2026-11-01', to: '2026-11-02' });
        expect(november.statuses.map((r) => r.count)).toEqual([1]);
        expect(november.awaiting.map((r) => r.day)).toEqual(['2026-11-02']);
        // The boundary count is exact to the moment: created before 10:30 on that day, nothing; before 10:31, the one.
        expect(await store.feedback.awaitingBetween('mora', 'complaint', '2026-11-02T00:00:00.000Z', '2026-11-02T10:30:00.000Z')).toEqual([]);
        expect(await store.feedback.awaitingBetween('mora', 'complaint', '2026-11-02T00:00:00.000Z', '2026-11-02T10:31:00.000Z')).toEqual([{ focusArea: a, month: '2026-11', count: 1 }]);
        expect(await store.feedback.awaitingBetween('mora', 'suggestion', '2026-11-02T00:00:00.000Z', '2026-11-02T23:00:00.000Z')).toEqual([]);
        expect(await store.feedback.themeExamples('mora', a, 'networks', 1)).toEqual([i1.text]);
        expect(await store.feedback.themeExamples('mora', b, 'networks', 5)).toEqual([]);
        // The derived fields are the store's own: never part of the item read back.
        const read = await store.feedback.get('mora', i1.id);
        for (const field of ['month', 'day', 'awaiting', 'responseDays', 'closureDays']) expect(Object.keys(read ?? {})).not.toContain(field);
        // Another municipality's items are not counted.
        await store.feedback.create(feedback({ municipality: 'borlange', referencePrefix: 'BOR', focusArea: 'borlange.enabler' }));
        expect((await store.feedback.followUpCounts('mora', {})).statuses.reduce((sum, r) => sum + r.count, 0)).toBe(4);
      });

    });

    describe('purpose-named feedback queries (answered by the store)', () => {
      const at = (day: number) => `2026-11-${String(day).padStart(2, '0')}T08:00:00.000Z`;
      const assigned = (team: string) => ({ team, reason: 'rule', at: at(1) });

      it('finds the items staff re-tagged (for retraining), not the others', async () => {
        const store = await open();
        const { item } = await store.feedback.create(feedback());
        await store.feedback.create(feedback());
        const noted = await store.feedback.create(feedback());
        await store.feedback.update({ ...item, focusArea: 'mora.competence', history: [...item.history, { at: at(2), by: 's1', action: 'retagged', note: 'focusArea', from: item.focusArea, to: 'mora.competence' }] });
        await store.feedback.update({ ...noted.item, history: [...noted.item.history, { at: at(2), by: 's1', action: 'retagged', note: 'topic' }] });
        const found = await store.feedback.retagged('mora');
        expect(found.map((i) => [i.id, i.focusArea])).toEqual([[item.id, 'mora.competence']]);
        expect(await store.feedback.retagged('borlange')).toEqual([]);
      });

      it("gives a team's digest: its items created since a time, and its items still waiting for a first response", async () => {
        const store = await open();
        const old = (await store.feedback.create(feedback({ createdAt: at(2), assignment: assigned('a') }))).item;
        const answered = (await store.feedback.create(feedback({ createdAt: at(3), assignment: assigned('a') }))).item;
        await store.feedback.update({ ...answered, firstResponseAt: at(4), status: 'received' });
        const done = (await store.feedback.create(feedback({ createdAt: at(3), assignment: assigned('a') }))).item;
        await store.feedback.update({ ...done, status: 'done' });
        const fresh = (await store.feedback.create(feedback({ createdAt: at(20), assignment: assigned('a') }))).item;
        await store.feedback.create(feedback({ createdAt: at(20), assignment: assigned('b') }));
        await store.feedback.create(feedback({ createdAt: at(20) }));
        const digest = await store.feedback.forTeamDigest('mora', 'a', at(19));
        expect(digest.fresh.map((i) => i.id)).toEqual([fresh.id]);
        expect(digest.awaiting.map((i) => i.id)).toEqual([fresh.id, old.id]);
        expect(await store.feedback.forTeamDigest('borlange', 'a', at(1))).toEqual({ fresh: [], awaiting: [] });
      });

      it('finds items closed with an outcome since a date (not duplicates), and each reachable submitter once', async () => {
        const store = await open();
        const close = async (item: Awaited<ReturnType<typeof store.feedback.create>>['item'], over: Record<string, unknown>) =>
          store.feedback.update({ ...item, status: 'done', closedAt: at(10), ...over });
        const reach = { userKey: 'webchat:r', language: 'sv' as const, address: { conversation: { id: 'cr' } } };
        const a = (await store.feedback.create(feedback({ submitter: reach }), { name: 'R' })).item;
        const b = (await store.feedback.create(feedback({ submitter: reach }), { name: 'R' })).item;
        const c = (await store.feedback.create(feedback({ submitter: { userKey: 'webchat:noaddress', language: 'sv' } }), { name: 'N' })).item;
        const d = (await store.feedback.create(feedback())).item;
        await close(a, { outcome: 'Fixat', closedAt: at(12) });
        await close(b, { outcome: 'Fixat', closedAt: at(5) });
        await close(c, { outcome: 'Dubblett', duplicateOf: a.id });
        await close(d, {});
        expect((await store.feedback.withOutcomeSince('mora', at(6))).map((i) => i.id)).toEqual([a.id]);
        expect((await store.feedback.withOutcomeSince('mora', '2026-11-01')).map((i) => i.id)).toEqual([a.id, b.id]);
        expect(await store.feedback.reachableSubmitters('mora')).toEqual([reach]);
        expect(await store.feedback.reachableSubmitters('borlange')).toEqual([]);
      });

      it('finds closed items that still keep contact details, closed before a time (retention)', async () => {
        const store = await open();
        const early = (await store.feedback.create(feedback({ hasContact: true }), { email: 'a@example.se' })).item;
        const late = (await store.feedback.create(feedback({ hasContact: true }), { email: 'b@example.se' })).item;
        const open_ = (await store.feedback.create(feedback({ hasContact: true }), { email: 'c@example.se' })).item;
        const erased = (await store.feedback.create(feedback({ hasContact: true }), { email: 'd@example.se' })).item;
        await store.feedback.update({ ...early, status: 'closed', closedAt: at(2) });
        await store.feedback.update({ ...late, status: 'closed', closedAt: at(20) });
        await store.feedback.update({ ...erased, status: 'closed', closedAt: at(2), hasContact: false, contactErasedAt: at(3) });
        expect((await store.feedback.contactsClosedBefore('mora', at(10))).map((i) => i.id)).toEqual([early.id]);
        expect(open_.closedAt).toBeUndefined();
      });

      it('keeps an item findable after a supporter is forgotten, and finds a supporter through the index', async () => {
        const store = await open();
        const { item } = await store.feedback.create(feedback({ text: 'Fler laddstolpar vid torget' }));
        await store.feedback.addSupport('mora', item.id, 'webchat:s1');
        await store.feedback.addSupport('mora', item.id, 'webchat:s2');
        expect((await store.feedback.supportedBy('mora', 'webchat:s1')).map((i) => i.id)).toEqual([item.id]);
        await store.feedback.forgetSupporter('mora', item.id, 'webchat:s1');
        expect(await store.feedback.supportedBy('mora', 'webchat:s1')).toEqual([]);
        expect((await store.feedback.supportedBy('mora', 'webchat:s2')).map((i) => i.id)).toEqual([item.id]);
        expect((await store.feedback.inbox('mora', {}, { limit: 5 })).items.map((i) => i.id)).toEqual([item.id]);
        expect((await store.feedback.openSimilarCandidates('mora', similarityTerms('laddstolpar', 'sv'))).map((f) => f.item.id)).toEqual([item.id]);
      });

      it('reindexes items stored with older derived fields, so the new queries find them', async () => {
        const store = await open();
        const { item } = await store.feedback.create(feedback({ createdAt: at(20), assignment: assigned('a') }));
        const raw = await store.backend.collection('feedback').get('mora', item.id);
        const { awaiting: _a, derived: _d, retagged: _r, reachable: _re, ...v1 } = raw!.doc;
        await store.backend.collection('feedback').replace('mora', item.id, v1);
        expect((await store.feedback.forTeamDigest('mora', 'a', at(1))).awaiting).toEqual([]);
        expect(await store.feedback.reindex('mora')).toEqual({ written: 1 });
        expect((await store.feedback.forTeamDigest('mora', 'a', at(1))).awaiting.map((i) => i.id)).toEqual([item.id]);
      });
    });

    describe('contact requests', () => {
      it('stores with a K reference, idempotently, and updates by eTag', async () => {
        const store = await open();
        const first = await store.contactRequests.create(contactRequest({ sourceKey: 'a1' }));
        const again = await store.contactRequests.create(contactRequest({ sourceKey: 'a1' }));
        const second = await store.contactRequests.create(contactRequest());
        expect(first.request.reference).toBe('MORA-K-2026-000001');
        expect(again.created).toBe(false);
        expect(second.request.reference).toBe('MORA-K-2026-000002');
        const updated = await store.contactRequests.update({ ...first.request, status: 'in-progress' });
        await expect(store.contactRequests.update({ ...first.request, status: 'done' })).rejects.toBeInstanceOf(ConcurrencyError);
        expect((await store.contactRequests.list('mora', { status: 'in-progress' })).map((r) => r.id)).toEqual([updated.id]);
        expect(await store.contactRequests.list('mora')).toHaveLength(2);
      });

      it("lists a submitter's requests (for their extract and erasure)", async () => {
        const store = await open();
        const mine = await store.contactRequests.create(contactRequest({ submitter: { userKey: 'webchat:me', language: 'sv' } }));
        await store.contactRequests.create(contactRequest());
        expect((await store.contactRequests.list('mora', { submitterKey: 'webchat:me' })).map((r) => r.id)).toEqual([mine.request.id]);
        expect((await store.contactRequests.getByReference('mora', mine.request.reference))?.id).toBe(mine.request.id);
        expect(await store.contactRequests.getByReference('borlange', mine.request.reference)).toBeUndefined();
      });
    });

    describe('staff and team channels', () => {
      it('finds a staff member by id, token hash and Entra object id', async () => {
        const store = await open();
        const member = {
          id: 's1', name: 'Sara', role: 'handler' as const, municipalities: ['mora'], teams: [],
          aadObjectId: 'aad-1', tokenHash: 'abc123', createdAt: '2026-11-01T00:00:00.000Z',
        };
        await store.staff.put(member);
        await store.staff.put({ ...member, id: 's2', name: 'Per', aadObjectId: 'aad-2', tokenHash: 'def456', createdAt: '2026-11-02T00:00:00.000Z' });
        expect(await store.staff.get('s1')).toEqual(member);
        expect((await store.staff.byTokenHash('def456'))?.id).toBe('s2');
        expect((await store.staff.byAadObjectId('aad-1'))?.id).toBe('s1');
        expect(await store.staff.byTokenHash('nope')).toBeUndefined();
        expect((await store.staff.list()).map((m) => m.id)).toEqual(['s2', 's1']);
      });

      it('finds an Open311 API key by id and hash, lists newest first', async () => {
        const store = await open();
        const key = { id: 'ak-1', municipality: 'mora', name: 'Felanmälan', keyHash: 'a'.repeat(64), createdAt: '2026-11-01T00:00:00.000Z' };
        await store.apiKeys.put(key);
        await store.apiKeys.put({ ...key, id: 'ak-2', municipality: 'borlange', keyHash: 'b'.repeat(64), createdAt: '2026-11-02T00:00:00.000Z' });
        expect(await store.apiKeys.get('ak-1')).toEqual(key);
        expect((await store.apiKeys.byHash('b'.repeat(64)))?.id).toBe('ak-2');
        expect(await store.apiKeys.byHash('c'.repeat(64))).toBeUndefined();
        expect((await store.apiKeys.list()).map((k) => k.id)).toEqual(['ak-2', 'ak-1']);
        await store.apiKeys.put({ ...key, revokedAt: '2026-11-03T00:00:00.000Z' });
        expect((await store.apiKeys.get('ak-1'))?.revokedAt).toBe('2026-11-03T00:00:00.000Z');
        // Kept in their municipality's partition.
        expect((await store.backend.collection('apiKeys').query('borlange')).map((d) => d.id)).toEqual(['ak-2']);
        expect(await store.backend.collection('apiKeys').query('apiKeys')).toEqual([]);
      });

      it('claims a daily digest once per municipality and day, whoever asks at the same time', async () => {
        const store = await open();
        const at = '2026-11-23T07:05:00.000Z';
        const claims = await Promise.all([1, 2, 3, 4, 5].map(() => store.channels.claimDailyDigest('mora', '2026-11-23', at)));
        expect(claims.filter(Boolean)).toHaveLength(1);
        expect(await store.channels.claimDailyDigest('mora', '2026-11-23', at)).toBe(false);
        expect(await store.channels.claimDailyDigest('mora', '2026-11-24', at)).toBe(true);
        expect(await store.channels.claimDailyDigest('borlange', '2026-11-23', at)).toBe(true);
        expect(await store.channels.list('mora')).toEqual([]);
      });

      it('keeps one registered channel per team and municipality', async () => {
        const store = await open();
        const channel = { municipality: 'mora', team: 'naringslivskontoret', address: { conversation: { id: '19:abc@thread.tacv2' } }, registeredBy: 's1', registeredAt: '2026-11-01T00:00:00.000Z' };
        await store.channels.put(channel);
        await store.channels.put({ ...channel, address: { conversation: { id: '19:new@thread.tacv2' } } });
        expect((await store.channels.get('mora', 'naringslivskontoret'))?.address).toEqual({ conversation: { id: '19:new@thread.tacv2' } });
        expect(await store.channels.list('mora')).toHaveLength(1);
        expect(await store.channels.get('borlange', 'naringslivskontoret')).toBeUndefined();
      });
    });

    describe('focus groups', () => {
      it('keeps sessions (found by code, eTag-checked), participations and answers per session', async () => {
        const store = await open();
        const session = {
          id: 'fs1', code: 'ABC234', templateId: 'company-dialogue', municipality: 'mora', status: 'open' as const,
          facilitator: { userKey: 'msteams:f', name: 'Sara' }, createdAt: '2026-11-23T08:00:00.000Z', updatedAt: '2026-11-23T08:00:00.000Z',
        };
        await store.focusGroups.createSession(session);
        const found = await store.focusGroups.findByCode('ABC234');
        expect(found).toMatchObject({ id: 'fs1', status: 'open' });
        const paused = await store.focusGroups.updateSession({ ...found!, status: 'paused' });
        await expect(store.focusGroups.updateSession({ ...found!, status: 'closed' })).rejects.toBeInstanceOf(ConcurrencyError);
        expect((await store.focusGroups.getSession('fs1'))?.status).toBe(paused.status);
        await store.focusGroups.putParticipation({ sessionId: 'fs1', participant: 'p1', position: 0, language: 'sv' });
        await store.focusGroups.putParticipation({ sessionId: 'fs1', participant: 'p1', position: 2, language: 'sv' });
        await store.focusGroups.putParticipation({ sessionId: 'fs1', participant: 'p2', position: 1, language: 'en' });
        expect((await store.focusGroups.getParticipation('fs1', 'p1'))?.position).toBe(2);
        expect(await store.focusGroups.listParticipations('fs1')).toHaveLength(2);
        await store.focusGroups.addAnswer('fs1', { participant: 'p1', stepId: 's', value: { kind: 'scale', value: 4 }, at: '2026-11-23T08:01:00.000Z' });
        await store.focusGroups.addAnswer('fs1', { participant: 'p1', stepId: 's', value: { kind: 'scale', value: 5 }, at: '2026-11-23T08:02:00.000Z' });
        expect(await store.focusGroups.listAnswers('fs1')).toHaveLength(2);
        expect(await store.focusGroups.listAnswers('other')).toEqual([]);
        expect(await store.focusGroups.findByCode('ZZZ999')).toBeUndefined();
        await store.focusGroups.createSession({ ...session, id: 'fs2', code: 'DEF567', createdAt: '2026-11-24T08:00:00.000Z' });
        await store.focusGroups.createSession({ ...session, id: 'fs3', code: 'GHJ789', municipality: 'borlange' });
        expect((await store.focusGroups.listSessions('mora')).map((x) => x.id)).toEqual(['fs2', 'fs1']);
      });

      it('creates a participation once: joining again, or twice at once, returns the stored one with its consent and position', async () => {
        const store = await open();
        const at = '2026-11-23T08:00:00.000Z';
        await store.focusGroups.createSession({ id: 'fs-join', code: 'JNN234', templateId: 't', municipality: 'mora', status: 'open', facilitator: { userKey: 'u', name: 'F' }, createdAt: at, updatedAt: at });
        const fresh = { sessionId: 'fs-join', participant: 'p1', position: 0, language: 'sv' as const, answered: [] };
        expect(await store.focusGroups.joinParticipation(fresh)).toEqual({ participation: fresh, created: true });
        await store.focusGroups.putParticipation({ ...fresh, consentAt: at, position: 2, answered: ['s1'] });
        expect(await store.focusGroups.joinParticipation({ ...fresh, language: 'en' })).toEqual({ participation: { ...fresh, consentAt: at, position: 2, answered: ['s1'] }, created: false });
        const both = await Promise.all([1, 2].map(() => store.focusGroups.joinParticipation({ ...fresh, participant: 'p2' })));
        expect(both.map((joined) => joined.created).sort()).toEqual([false, true]);
        expect(both.map((joined) => joined.participation)).toEqual([{ ...fresh, participant: 'p2' }, { ...fresh, participant: 'p2' }]);
        expect((await store.focusGroups.listParticipations('fs-join')).map((p) => p.participant).sort()).toEqual(['p1', 'p2']);
        expect(await store.focusGroups.countProgress('fs-join', ['s1'])).toEqual({ joined: 2, consented: 1, finished: 0, answersPerStep: { s1: 1 } });
      });

      it('lists the statements participants added at a step, oldest first and bounded, without the other answers', async () => {
        const store = await open();
        const at = '2026-11-23T08:00:00.000Z';
        await store.focusGroups.createSession({ id: 'fs9', code: 'NNN234', templateId: 't', municipality: 'mora', status: 'open', facilitator: { userKey: 'u', name: 'F' }, createdAt: at, updatedAt: at });
        const add = (i: number, stepId: string) =>
          store.focusGroups.addAnswer('fs9', {
            participant: `p${i}`,
            stepId,
            value: { kind: 'statement-new', statementId: `new-${i}`, text: `Påstående ${i}` },
            at: `2026-11-23T08:${String(10 + i).padStart(2, '0')}:00.000Z`,
          });
        for (const i of [3, 1, 2]) await add(i, 'statements');
        await add(4, 'other-step');
        await store.focusGroups.addAnswer('fs9', { participant: 'p1', stepId: 'statements', value: { kind: 'vote', statementId: 'seed-0', vote: 'agree' }, at: '2026-11-23T08:00:00.000Z' });
        const added = await store.focusGroups.listAddedStatements('fs9', 'statements', 2);
        expect(added.map((a) => a.value.kind === 'statement-new' && a.value.statementId)).toEqual(['new-1', 'new-2']);
        expect(await store.focusGroups.listAddedStatements('fs9', 'statements', 5)).toHaveLength(3);
        expect(await store.focusGroups.listAddedStatements('other', 'statements', 5)).toEqual([]);
      });

      it('counts a session\'s participants and who answered each step in the store (the live view), only for this session', async () => {
        const store = await open();
        const at = '2026-11-23T08:00:00.000Z';
        const session = { templateId: 't', municipality: 'mora', status: 'open' as const, facilitator: { userKey: 'u', name: 'F' }, createdAt: at, updatedAt: at };
        await store.focusGroups.createSession({ ...session, id: 'fs-count', code: 'CNT234' });
        await store.focusGroups.createSession({ ...session, id: 'fs-other', code: 'CNT567' });
        const steps = ['s1', 's2', 's3'];
        expect(await store.focusGroups.countProgress('fs-count', steps)).toEqual({ joined: 0, consented: 0, finished: 0, answersPerStep: { s1: 0, s2: 0, s3: 0 } });
        await store.focusGroups.putParticipation({ sessionId: 'fs-count', participant: 'p1', position: 0, language: 'sv', answered: [] });
        await store.focusGroups.putParticipation({ sessionId: 'fs-count', participant: 'p2', position: 3, language: 'sv', consentAt: at, finishedAt: at, answered: ['s1', 's2'] });
        await store.focusGroups.putParticipation({ sessionId: 'fs-count', participant: 'p3', position: 1, language: 'en', consentAt: at, answered: ['s1'] });
        // The same participant written again (a later step) counts once.
        await store.focusGroups.putParticipation({ sessionId: 'fs-count', participant: 'p3', position: 2, language: 'en', consentAt: at, answered: ['s1', 's3'] });
        await store.focusGroups.putParticipation({ sessionId: 'fs-other', participant: 'p9', position: 3, language: 'sv', consentAt: at, finishedAt: at, answered: ['s1', 's2', 's3'] });
        expect(await store.focusGroups.countProgress('fs-count', steps)).toEqual({ joined: 3, consented: 2, finished: 1, answersPerStep: { s1: 2, s2: 1, s3: 1 } });
        // What a participation reads back is the domain's, not the stored counts.
        expect(await store.focusGroups.getParticipation('fs-count', 'p2')).toEqual({ sessionId: 'fs-count', participant: 'p2', position: 3, language: 'sv', consentAt: at, finishedAt: at, answered: ['s1', 's2'] });
        // A participation stored before `answered` was kept: the store cannot count it, and says so.
        await store.focusGroups.putParticipation({ sessionId: 'fs-count', participant: 'p-old', position: 1, language: 'sv', consentAt: at });
        expect(await store.focusGroups.countProgress('fs-count', steps)).toBeUndefined();
        expect(await store.focusGroups.countProgress('no-such-session', steps)).toEqual({ joined: 0, consented: 0, finished: 0, answersPerStep: { s1: 0, s2: 0, s3: 0 } });
      });
    });

    describe('documents that do not fit their schema', () => {
      it('leaves a corrupted feedback item out of lists (logged with collection, id and field) and refuses it by id', async () => {
        const { lines, log } = captured();
        const store = await open({ log });
        const { item: good } = await store.feedback.create(feedback({ text: 'Fler cykelställ vid torget', createdAt: '2026-11-20T08:00:00.000Z' }));
        const { item: bad } = await store.feedback.create(feedback({ text: 'Cykelställ saknas vid stationen', createdAt: '2026-11-21T08:00:00.000Z' }));
        const raw = await store.backend.collection('feedback').get('mora', bad.id);
        await store.backend.collection('feedback').replace('mora', bad.id, { ...raw!.doc, status: 'lost', supports: 'many' });
        expect((await store.feedback.list('mora')).map((i) => i.id)).toEqual([good.id]);
        expect((await store.feedback.inbox('mora', {}, { limit: 5 })).items.map((i) => i.id)).toEqual([good.id]);
        expect((await store.feedback.openSimilarCandidates('mora', similarityTerms('cykelställ', 'sv'))).map((f) => f.item.id)).toEqual([good.id]);
        expect(lines[0]?.info).toMatchObject({ collection: 'feedback', id: bad.id, fields: ['status', 'supports'] });
        expect(lines[0]?.message).toMatch(/left out of the list/);
        const refused = await store.feedback.get('mora', bad.id).catch((error: unknown) => error);
        expect(refused).toBeInstanceOf(CorruptDocumentError);
        expect(refused).toMatchObject({ collection: 'feedback', id: bad.id, fields: ['status', 'supports'] });
        expect(String(refused)).toMatch(new RegExp(`feedback document "${bad.id}".*status.*supports`));
        await expect(store.feedback.getByReference('mora', bad.reference)).rejects.toBeInstanceOf(CorruptDocumentError);
        expect(lines.some((line) => /the read fails/.test(line.message))).toBe(true);
      });

      it('does the same for every other kind of stored document', async () => {
        const { lines, log } = captured();
        const store = await open({ log });
        const at = '2026-11-01T00:00:00.000Z';
        const session = { id: 'fs-ok', code: 'OKK234', templateId: 't', municipality: 'mora', status: 'open' as const, facilitator: { userKey: 'u', name: 'F' }, createdAt: at, updatedAt: at };
        await store.focusGroups.createSession(session);
        await store.focusGroups.createSession({ ...session, id: 'fs-bad', code: 'BAD234' });
        await store.focusGroups.putParticipation({ sessionId: 'fs-ok', participant: 'p-ok', position: 0, language: 'sv' });
        await store.focusGroups.putParticipation({ sessionId: 'fs-ok', participant: 'p-bad', position: 0, language: 'sv' });
        await store.focusGroups.addAnswer('fs-ok', { participant: 'p-ok', stepId: 's', value: { kind: 'scale', value: 3 }, at });
        await store.focusGroups.addAnswer('fs-ok', { participant: 'p-bad', stepId: 's', value: { kind: 'scale', value: 4 }, at });
        await store.staff.put({ id: 's-ok', name: 'Sara', role: 'handler', municipalities: ['mora'], teams: [], tokenHash: 'ok', createdAt: at });
        await store.staff.put({ id: 's-bad', name: 'Per', role: 'handler', municipalities: ['mora'], teams: [], tokenHash: 'bad', createdAt: at });
        const channel = { municipality: 'mora', team: 'ok', address: { conversation: { id: 'c' } }, registeredBy: 's-ok', registeredAt: at };
        await store.channels.put(channel);
        await store.channels.put({ ...channel, team: 'bad' });
        await store.guideEvents.record({ id: 'e-ok', municipality: 'mora', kind: 'answered', language: 'sv', at });
        await store.guideEvents.record({ id: 'e-bad', municipality: 'mora', kind: 'answered', language: 'sv', at });
        const { request: good } = await store.contactRequests.create(contactRequest());
        const { request: bad } = await store.contactRequests.create(contactRequest());

        // Corrupt one of each, in place, whatever partition the store keeps it in.
        const corrupt = async (collection: 'focusGroups' | 'participations' | 'answers' | 'staff' | 'channels' | 'guideEvents' | 'contactRequests', match: (doc: Record<string, unknown>) => boolean, change: Record<string, unknown>) => {
          for (const pk of ['mora']) {
            for (const stored of await store.backend.collection(collection).query(pk)) {
              if (match(stored.doc)) await store.backend.collection(collection).replace(pk, stored.id, { ...stored.doc, ...change });
            }
          }
        };
        await corrupt('focusGroups', (d) => d.id === 'fs-bad', { status: 'gone' });
        await corrupt('participations', (d) => d.participant === 'p-bad', { position: -1 });
        await corrupt('answers', (d) => d.participant === 'p-bad', { value: { kind: 'scale', value: 'four' } });
        await corrupt('staff', (d) => d.id === 's-bad', { municipalities: 'mora' });
        await corrupt('channels', (d) => d.team === 'bad', { address: 'nowhere' });
        await corrupt('guideEvents', (d) => d.id === 'e-bad', { kind: 'shouted' });
        await corrupt('contactRequests', (d) => d.id === bad.id, { reach: 7 });

        expect((await store.focusGroups.listSessions('mora')).map((x) => x.id)).toEqual(['fs-ok']);
        expect((await store.focusGroups.listParticipations('fs-ok')).map((p) => p.participant)).toEqual(['p-ok']);
        expect((await store.focusGroups.listAnswers('fs-ok')).map((a) => a.participant)).toEqual(['p-ok']);
        expect((await store.staff.list()).map((m) => m.id)).toEqual(['s-ok']);
        expect((await store.channels.list('mora')).map((c) => c.team)).toEqual(['ok']);
        expect((await store.guideEvents.list('mora')).map((e) => e.id)).toEqual(['e-ok']);
        expect((await store.contactRequests.list('mora')).map((r) => r.id)).toEqual([good.id]);
        const fields = Object.fromEntries(lines.map((line) => [String(line.info.collection) + ':' + (line.info.fields as string[]).join(','), true]));
        expect(Object.keys(fields).sort()).toEqual(
          ['answers:value.value', 'channels:address', 'contactRequests:reach', 'participations:position', 'focusGroups:status', 'guideEvents:kind', 'staff:municipalities'].sort(),
        );

        const reads: Array<() => Promise<unknown>> = [
          () => store.focusGroups.getSession('fs-bad'),
          () => store.focusGroups.findByCode('BAD234'),
          () => store.focusGroups.getParticipation('fs-ok', 'p-bad'),
          () => store.staff.get('s-bad'),
          () => store.staff.byTokenHash('bad'),
          () => store.channels.get('mora', 'bad'),
          () => store.contactRequests.get('mora', bad.id),
        ];
        for (const read of reads) await expect(read()).rejects.toBeInstanceOf(CorruptDocumentError);
        expect(await store.staff.byTokenHash('ok')).toMatchObject({ id: 's-ok' });
        expect(await store.focusGroups.getSession('fs-ok')).toMatchObject({ id: 'fs-ok' });
      });
    });

    describe('partitioned by municipality', () => {
      const at = '2026-11-01T00:00:00.000Z';
      const member = { id: 's1', name: 'Sara', role: 'handler' as const, municipalities: ['mora'], teams: [], aadObjectId: 'aad-1', tokenHash: 't-1', createdAt: at };

      it('keeps a staff member in the partition of their municipality, one who serves several in "*", found by id, token and Entra id', async () => {
        const store = await open();
        await store.staff.put(member);
        await store.staff.put({ ...member, id: 's2', municipalities: ['mora', 'borlange'], aadObjectId: 'aad-2', tokenHash: 't-2' });
        await store.staff.put({ ...member, id: 's3', municipalities: ['*'], aadObjectId: undefined, tokenHash: 't-3' });
        const staff = store.backend.collection('staff');
        expect((await staff.query('mora')).map((s) => s.id)).toEqual(['s1']);
        expect((await staff.query('*')).map((s) => s.id).sort()).toEqual(['s2', 's3']);
        expect(await staff.query('staff')).toEqual([]);
        expect((await store.staff.byTokenHash('t-2'))?.id).toBe('s2');
        expect((await store.staff.byTokenHash('t-3'))?.id).toBe('s3');
        expect((await store.staff.byAadObjectId('aad-1'))?.id).toBe('s1');
        expect((await store.staff.get('s3'))?.municipalities).toEqual(['*']);
      });

      it('follows a staff member whose token, Entra id or municipalities change; the old keys find nobody', async () => {
        const store = await open();
        await store.staff.put(member);
        await store.staff.put({ ...member, municipalities: ['borlange'], tokenHash: 't-new', aadObjectId: 'aad-new' });
        expect(await store.staff.byTokenHash('t-1')).toBeUndefined();
        expect(await store.staff.byAadObjectId('aad-1')).toBeUndefined();
        expect(await store.staff.byTokenHash('t-new')).toMatchObject({ id: 's1', municipalities: ['borlange'] });
        expect(await store.backend.collection('staff').query('mora')).toEqual([]);
        expect((await store.backend.collection('staff').query('borlange')).map((s) => s.id)).toEqual(['s1']);
        // Disabled: the token is gone, the member is still there.
        await store.staff.put({ ...member, municipalities: ['borlange'], tokenHash: undefined, aadObjectId: 'aad-new', disabled: true });
        expect(await store.staff.byTokenHash('t-new')).toBeUndefined();
        expect(await store.staff.get('s1')).toMatchObject({ disabled: true });
        expect((await store.staff.list()).map((m) => m.id)).toEqual(['s1']);
      });

      it("keeps focus-group sessions, participations and answers in the session's municipality partition", async () => {
        const store = await open();
        const session = { id: 'fs-p', code: 'PPP234', templateId: 't', municipality: 'borlange', status: 'open' as const, facilitator: { userKey: 'u', name: 'F' }, createdAt: at, updatedAt: at };
        await store.focusGroups.createSession(session);
        await store.focusGroups.putParticipation({ sessionId: 'fs-p', participant: 'p1', position: 0, language: 'sv' });
        await store.focusGroups.addAnswer('fs-p', { participant: 'p1', stepId: 's', value: { kind: 'scale', value: 4 }, at });
        expect((await store.backend.collection('focusGroups').query('borlange')).map((d) => d.id)).toEqual(['fs-p']);
        expect((await store.backend.collection('participations').query('borlange')).map((d) => d.doc.participant)).toEqual(['p1']);
        expect((await store.backend.collection('answers').query('borlange')).map((d) => d.doc.sessionId)).toEqual(['fs-p']);
        expect(await store.backend.collection('focusGroups').query('sessions')).toEqual([]);
        // Another instance (nothing remembered) finds the session and its records by id and by code.
        const other = createFocusGroupRepository(store.backend, captured().log);
        expect((await other.getSession('fs-p'))?.municipality).toBe('borlange');
        expect((await other.listAnswers('fs-p')).map((a) => a.participant)).toEqual(['p1']);
        expect((await createFocusGroupRepository(store.backend, captured().log).findByCode('PPP234'))?.id).toBe('fs-p');
        expect((await other.getParticipation('fs-p', 'p1'))?.position).toBe(0);
        expect(await store.focusGroups.listSessions('mora')).toEqual([]);
        await expect(store.focusGroups.addAnswer('no-such-session', { participant: 'p1', stepId: 's', value: { kind: 'skip' }, at })).rejects.toThrow(/no-such-session/);
      });

      it('moves data stored in the old layout (fixed partitions) to the municipality partitions, once', async () => {
        const { lines, log } = captured();
        const store = await open({ log });
        const staff = store.backend.collection('staff');
        const sessions = store.backend.collection('focusGroups');
        const answers = store.backend.collection('answers');
        await staff.upsert('staff', 's1', { ...member });
        await staff.upsert('staff', 's2', { ...member, id: 's2', municipalities: ['*'], tokenHash: 't-2', aadObjectId: undefined });
        await staff.upsert('staff', 'broken', { id: 'broken', name: 'No role' });
        await store.backend.collection('apiKeys').upsert('apiKeys', 'ak-old', { id: 'ak-old', municipality: 'hedemora', name: 'Felanmälan', keyHash: 'e'.repeat(64), createdAt: at });
        const session = { id: 'fs-old', code: 'OLD234', templateId: 't', municipality: 'mora', status: 'open', facilitator: { userKey: 'u', name: 'F' }, createdAt: at, updatedAt: at };
        await sessions.insert('sessions', 'fs-old', session);
        await sessions.upsert('fs-old', 'p1', { sessionId: 'fs-old', participant: 'p1', position: 2, language: 'sv' });
        await sessions.upsert('fs-old', 'p2', { sessionId: 'fs-old', participant: 'p2', position: 1, language: 'en' });
        await answers.insert('fs-old', 'a1', { participant: 'p1', stepId: 's', value: { kind: 'statement-new', statementId: 'n1', text: 'Mer samverkan' }, at });
        await answers.insert('fs-old', 'a2', { participant: 'p2', stepId: 's', value: { kind: 'scale', value: 3 }, at });

        expect(await store.upgrade()).toEqual({ staff: 2, sessions: 1, participations: 2, answers: 2, apiKeys: 1 });
        expect(await store.upgrade()).toEqual({ staff: 0, sessions: 0, participations: 0, answers: 0, apiKeys: 0 });
        expect(lines.map((line) => line.info)).toEqual([
          { collection: 'staff', id: 'broken', fields: 'role,municipalities,teams,createdAt' },
          { collection: 'staff', id: 'broken', fields: 'role,municipalities,teams,createdAt' },
        ]);

        expect((await store.staff.byTokenHash('t-1'))?.id).toBe('s1');
        expect((await store.staff.byAadObjectId('aad-1'))?.id).toBe('s1');
        expect((await store.staff.byTokenHash('t-2'))?.id).toBe('s2');
        expect((await store.apiKeys.byHash('e'.repeat(64)))?.municipality).toBe('hedemora');
        expect((await store.backend.collection('apiKeys').query('hedemora')).map((d) => d.id)).toEqual(['ak-old']);
        // The one that does not fit stays where it was (and is said to, in the log).
        expect((await staff.query('staff')).map((d) => d.id)).toEqual(['broken']);
        expect((await store.focusGroups.findByCode('OLD234'))?.id).toBe('fs-old');
        expect((await store.focusGroups.listSessions('mora')).map((x) => x.id)).toEqual(['fs-old']);
        expect((await store.focusGroups.getParticipation('fs-old', 'p1'))?.position).toBe(2);
        expect(await store.focusGroups.listParticipations('fs-old')).toHaveLength(2);
        expect(await store.focusGroups.listAnswers('fs-old')).toHaveLength(2);
        expect((await store.focusGroups.listAddedStatements('fs-old', 's', 5)).map((a) => a.participant)).toEqual(['p1']);
        expect(await sessions.query('sessions')).toEqual([]);
        expect(await sessions.query('fs-old')).toEqual([]);
        expect(await answers.query('fs-old')).toEqual([]);
      });
    });

    describe('guide events', () => {
      it('records and lists by kind and date, newest first', async () => {
        const store = await open();
        const base = { municipality: 'mora', language: 'sv' as const };
        await store.guideEvents.record({ ...base, id: 'e1', kind: 'answered', topic: 'food', at: '2026-11-01T00:00:00.000Z' });
        await store.guideEvents.record({ ...base, id: 'e2', kind: 'unrecognised', text: 'var är kaffet', at: '2026-11-02T00:00:00.000Z' });
        await store.guideEvents.record({ ...base, id: 'e3', kind: 'answered', topic: 'alcohol', at: '2026-11-03T00:00:00.000Z' });
        expect((await store.guideEvents.list('mora', { kind: 'answered' })).map((e) => e.id)).toEqual(['e3', 'e1']);
        expect((await store.guideEvents.list('mora', { since: '2026-11-02T00:00:00.000Z' })).map((e) => e.id)).toEqual(['e3', 'e2']);
        expect(await store.guideEvents.list('borlange')).toEqual([]);
      });
    });
  });
}
