import { describe, expect, it } from 'vitest';
import { ConcurrencyError } from '../../src/domain/ports';
import type { NewContactRequest, NewFeedbackItem } from '../../src/domain/feedback/types';
import type { Store } from '../../src/store/types';
import { similarityTerms } from '../../src/domain/feedback/similar';

/**
 * The one contract every store passes, run unchanged against SQLite and Cosmos DB.
 * `open()` gives a fresh, empty store; `reopen()` (optional) opens the same data again.
 */
export function storeContract(name: string, open: () => Promise<Store>): void {
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
        expect(await store.feedback.reindex('mora')).toBe(1);
        expect(await store.feedback.reindex('mora')).toBe(0);
        expect((await store.feedback.openSimilarCandidates('mora', similarityTerms('laddstolpar', 'sv'))).map((f) => f.item.id)).toEqual([item.id]);
        expect((await store.feedback.inbox('mora', {}, { limit: 5 })).items.map((i) => i.id)).toEqual([item.id]);
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

      it('lists the statements participants added at a step, oldest first and bounded, without the other answers', async () => {
        const store = await open();
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
