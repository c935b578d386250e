/**
 * The domain's repositories, written once over a DocumentBackend (SQLite or Cosmos DB).
 */
import {
  ConcurrencyError,
  type GuideEvent,
  type GuideEventRepository,
  type KeyValueStore,
  type StoredDocument,
} from '../domain/ports';
import type {
  ContactRequest,
  ContactRequestRepository,
  FeedbackItem,
  FeedbackRepository,
  NewContactRequest,
  NewFeedbackItem,
  SubmitterContact,
} from '../domain/feedback/types';
import type { Condition, DocumentBackend, DocumentCollection, Stored } from './documents';
import type { StaffMember, StaffRepository, TeamChannel, TeamChannelRepository } from '../domain/staff/types';
import type { FocusGroupRepository, FocusSession, Participation } from '../domain/focusGroups/service';
import type { Answer } from '../domain/focusGroups/results';
import { randomUUID } from 'node:crypto';
import type { Store } from './types';
import { apiKeySchema, type ApiKeyRepository } from '../domain/staff/apiKeys';
import { lookupTerms, similarityTerms } from '../domain/feedback/similar';
import type { InboxFilter } from '../domain/feedback/types';

import { idFor } from '../domain/feedback/ids';
import { withCircuitBreaker, type BreakerOptions } from './breaker';

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- a typed cast of a stored document until documents are parsed with zod here (issue 9)
function withETag<T>(stored: Stored): T {
  return { ...stored.doc, eTag: stored.etag } as T;
}

function withoutETag(value: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([key]) => key !== 'eTag'));
}

/**
 * Creates a document once per id: when it already exists (a repeated delivery, or a race with
 * another instance), the stored one is returned with created=false.
 */
async function insertOnce<T>(
  collection: DocumentCollection,
  pk: string,
  id: string,
  doc: Record<string, unknown>,
  read: () => Promise<T | undefined>,
  what: string,
): Promise<{ value: T; created: boolean }> {
  const stored = await collection.insert(pk, id, doc);
  if (stored) return { value: withETag<T>(stored), created: true };
  const raced = await read();
  if (raced) return { value: raced, created: false };
  throw new Error(`${what} vanished while it was being created`);
}

function reference(prefix: string, kind: string | undefined, createdAt: string, sequence: number): string {
  const year = createdAt.slice(0, 4);
  return [prefix, kind, year, String(sequence).padStart(6, '0')].filter(Boolean).join('-');
}

/** botbuilder's Storage semantics on documents: '*' or no eTag overwrites, otherwise it must match. */
export function createKeyValueStore(backend: DocumentBackend): KeyValueStore {
  const state = backend.collection('state');
  return {
    async read(keys) {
      const result: Record<string, StoredDocument> = {};
      await Promise.all(
        keys.map(async (key) => {
          const stored = await state.get(idFor(key), idFor(key));
          if (stored) result[key] = { ...(stored.doc.value as Record<string, unknown>), eTag: stored.etag };
        }),
      );
      return result;
    },
    async write(changes) {
      for (const [key, change] of Object.entries(changes)) {
        const id = idFor(key);
        const { eTag, ...value } = change;
        const doc = { key, value: JSON.parse(JSON.stringify(value)) as unknown };
        if (!eTag || eTag === '*') {
          await state.upsert(id, id, doc);
          continue;
        }
        // One write per change; only when it fails is the document read, to tell a missing one
        // (written as new, as botbuilder's storages do) from a stale eTag (a conflict).
        try {
          await state.replace(id, id, doc, eTag);
        } catch (error) {
          if (!(error instanceof ConcurrencyError) || (await state.get(id, id))) throw error;
          await state.upsert(id, id, doc);
        }
      }
    },
    async createOnce(key, value) {
      const id = idFor(key);
      return (await state.insert(id, id, { key, value: JSON.parse(JSON.stringify(value)) as unknown })) !== undefined;
    },
    async delete(keys) {
      await Promise.all(keys.map((key) => state.delete(idFor(key), idFor(key))));
    },
  };
}

/** Fields the store keeps with a feedback item for its queries; never part of the item itself. */
const DERIVED = ['terms', 'open', 'sortKey'] as const;

/** The sort key of the inbox: creation time, then id, so that every key is unique (keyset paging). */
const sortKeyOf = (item: { createdAt: string; id: string }) => `${item.createdAt}|${item.id}`;

function withDerived(item: FeedbackItem): Record<string, unknown> {
  return { ...withoutETag(item), terms: similarityTerms(item.text, item.language), open: item.status !== 'closed', sortKey: sortKeyOf(item) };
}

function asFeedbackItem(stored: Stored): FeedbackItem {
  const derived: readonly string[] = DERIVED;
  const doc = Object.fromEntries(Object.entries(stored.doc).filter(([key]) => !derived.includes(key)));
  return withETag<FeedbackItem>({ doc, etag: stored.etag });
}

const encodeCursor = (sortKey: string) => Buffer.from(sortKey, 'utf8').toString('base64url');

/** The inbox cursor that continues after `item` (the same in every municipality, so pages merge). */
export const inboxCursorAfter = (item: FeedbackItem): string => encodeCursor(sortKeyOf(item));

/** Newest first in the inbox's order. */
export const inboxOrder = (a: FeedbackItem, b: FeedbackItem): number => (sortKeyOf(a) < sortKeyOf(b) ? 1 : sortKeyOf(a) > sortKeyOf(b) ? -1 : 0);
const decodeCursor = (cursor: string) => Buffer.from(cursor, 'base64url').toString('utf8');

/** The day after a YYYY-MM-DD date (for an inclusive `to`). */
function dayAfter(day: string): string {
  const date = new Date(`${day.slice(0, 10)}T00:00:00.000Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString();
}

export function createFeedbackRepository(backend: DocumentBackend): FeedbackRepository {
  const items = backend.collection('feedback');
  const contacts = backend.collection('contacts');
  const get = async (municipality: string, id: string) => {
    const stored = await items.get(municipality, id);
    return stored ? asFeedbackItem(stored) : undefined;
  };
  return {
    async create(input: NewFeedbackItem, contact?: SubmitterContact) {
      const id = idFor(input.municipality, input.sourceKey);
      const existing = await get(input.municipality, id);
      if (existing) return { item: existing, created: false };
      const { referencePrefix, ...rest } = input;
      const sequence = await backend.nextSequence(input.municipality, `feedback-${input.createdAt.slice(0, 4)}`);
      const item: FeedbackItem = {
        ...rest,
        id,
        reference: reference(referencePrefix, undefined, input.createdAt, sequence),
        status: 'new',
        supports: 0,
        hasContact: Boolean(contact && (contact.email || contact.phone || contact.name)),
        updatedAt: input.createdAt,
        history: [{ at: input.createdAt, by: 'submitter', action: 'created' }],
      };
      if (item.hasContact && contact) await contacts.upsert(input.municipality, id, { ...contact });
      const stored = await items.insert(input.municipality, id, withDerived(item));
      if (stored) return { item: asFeedbackItem(stored), created: true };
      const raced = await get(input.municipality, id);
      if (raced) return { item: raced, created: false };
      throw new Error('feedback item vanished while it was being created');
    },
    get,
    async getByReference(municipality, ref) {
      const [found] = await items.query(municipality, { where: [{ field: 'reference', op: '=', value: ref }] });
      return found ? asFeedbackItem(found) : undefined;
    },
    async list(municipality, filter = {}) {
      const where: Condition[] = [];
      if (filter.status) where.push({ field: 'status', op: '=', value: filter.status });
      if (filter.focusArea) where.push({ field: 'focusArea', op: '=', value: filter.focusArea });
      if (filter.submitterKey) where.push({ field: 'submitter.userKey', op: '=', value: filter.submitterKey });
      if (filter.since) where.push({ field: 'createdAt', op: '>=', value: filter.since });
      const found = await items.query(municipality, { where, newestFirstBy: 'createdAt' });
      return found.map(asFeedbackItem);
    },
    async update(item) {
      if (!item.eTag) throw new ConcurrencyError(`feedback ${item.reference}`);
      try {
        const stored = await items.replace(item.municipality, item.id, withDerived(item), item.eTag);
        return asFeedbackItem(stored);
      } catch (error) {
        if (error instanceof ConcurrencyError) throw new ConcurrencyError(`feedback ${item.reference}`);
        throw error;
      }
    },
    async supportedBy(municipality, supporterKey) {
      const found = await items.query(municipality, { where: [{ field: 'supporters', op: 'contains', value: idFor(supporterKey) }], newestFirstBy: 'createdAt' });
      return found.map((s) => withETag<FeedbackItem>(s));
    },
    async addSupport(municipality, id, supporterKey) {
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const item = await get(municipality, id);
        if (!item) throw new Error(`no feedback item ${id}`);
        const supporters = (item as FeedbackItem & { supporters?: string[] }).supporters ?? [];
        const key = idFor(supporterKey);
        if (supporters.includes(key) || item.submitter.userKey === supporterKey) return item;
        const at = new Date().toISOString();
        const next = {
          ...item,
          supporters: [...supporters, key],
          supports: item.supports + 1,
          history: [...item.history, { at, by: 'system', action: 'supported' as const }],
        };
        try {
          const stored = await items.replace(municipality, id, withDerived(next), item.eTag);
          return asFeedbackItem(stored);
        } catch (error) {
          if (!(error instanceof ConcurrencyError)) throw error;
        }
      }
      throw new ConcurrencyError('feedback support');
    },
    async forgetSupporter(municipality, id, supporterKey) {
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const item = await get(municipality, id);
        if (!item) return;
        const supporters = (item as FeedbackItem & { supporters?: string[] }).supporters ?? [];
        const key = idFor(supporterKey);
        if (!supporters.includes(key)) return;
        try {
          await items.replace(municipality, id, withoutETag({ ...item, supporters: supporters.filter((s) => s !== key) }), item.eTag);
          return;
        } catch (error) {
          if (!(error instanceof ConcurrencyError)) throw error;
        }
      }
      throw new ConcurrencyError('feedback support');
    },
    async getContact(municipality, id) {
      const stored = await contacts.get(municipality, id);
      return stored ? stored.doc : undefined;
    },
    async deleteContact(municipality, id) {
      await contacts.delete(municipality, id);
    },
    async openSimilarCandidates(municipality, terms, perTerm = 40) {
      const found = new Map<string, { item: FeedbackItem; terms: string[] }>();
      const pages = await Promise.all(
        lookupTerms(terms).map((term) =>
          items.query(municipality, {
            where: [
              { field: 'terms', op: 'contains', value: term },
              { field: 'open', op: '=', value: true },
            ],
            newestFirstBy: 'sortKey',
            limit: perTerm,
          }),
        ),
      );
      for (const page of pages) {
        for (const stored of page) {
          const item = asFeedbackItem(stored);
          if (found.has(item.id)) continue;
          const stems = stored.doc.terms;
          found.set(item.id, { item, terms: Array.isArray(stems) ? stems.filter((t): t is string => typeof t === 'string') : similarityTerms(item.text, item.language) });
        }
      }
      return [...found.values()];
    },
    async inbox(municipality, filter: InboxFilter, page) {
      const where: Condition[] = [];
      if (filter.status) where.push({ field: 'status', op: '=', value: filter.status });
      if (filter.focusArea) where.push({ field: 'focusArea', op: '=', value: filter.focusArea });
      if (filter.kind) where.push({ field: 'kind', op: '=', value: filter.kind });
      if (filter.topic) where.push({ field: 'topic', op: '=', value: filter.topic });
      if (filter.team) where.push({ field: 'assignment.team', op: '=', value: filter.team });
      if (filter.from) where.push({ field: 'createdAt', op: '>=', value: filter.from });
      if (filter.to) where.push({ field: 'createdAt', op: '<', value: dayAfter(filter.to) });
      if (page.cursor) where.push({ field: 'sortKey', op: '<', value: decodeCursor(page.cursor) });
      const limit = Math.max(1, Math.floor(page.limit));
      const found = await items.query(municipality, { where, newestFirstBy: 'sortKey', limit: limit + 1 });
      const list = found.slice(0, limit);
      const last = list.at(-1);
      const lastKey = last?.doc.sortKey;
      return {
        items: list.map(asFeedbackItem),
        ...(found.length > limit && typeof lastKey === 'string' ? { next: encodeCursor(lastKey) } : {}),
      };
    },
    async reindex(municipality) {
      let written = 0;
      for (const stored of await items.query(municipality)) {
        if (typeof stored.doc.sortKey === 'string' && Array.isArray(stored.doc.terms)) continue;
        const item = asFeedbackItem(stored);
        try {
          await items.replace(municipality, item.id, withDerived(item), stored.etag);
          written += 1;
        } catch (error) {
          // Changed meanwhile: that write has already added the fields.
          if (!(error instanceof ConcurrencyError)) throw error;
        }
      }
      return written;
    },
  };
}

export function createContactRequestRepository(backend: DocumentBackend): ContactRequestRepository {
  const requests = backend.collection('contactRequests');
  const get = async (municipality: string, id: string) => {
    const stored = await requests.get(municipality, id);
    return stored ? withETag<ContactRequest>(stored) : undefined;
  };
  return {
    async create(input: NewContactRequest) {
      const id = idFor(input.municipality, input.sourceKey);
      const existing = await get(input.municipality, id);
      if (existing) return { request: existing, created: false };
      const { referencePrefix, ...rest } = input;
      const sequence = await backend.nextSequence(input.municipality, `contact-${input.createdAt.slice(0, 4)}`);
      const request: ContactRequest = {
        ...rest,
        id,
        reference: reference(referencePrefix, 'K', input.createdAt, sequence),
        status: 'new',
        updatedAt: input.createdAt,
        history: [{ at: input.createdAt, by: 'submitter', action: 'created' }],
      };
      const { value, created } = await insertOnce(requests, input.municipality, id, withoutETag(request), () => get(input.municipality, id), 'contact request');
      return { request: value, created };
    },
    get,
    async list(municipality, filter = {}) {
      const where: Condition[] = filter.status ? [{ field: 'status', op: '=', value: filter.status }] : [];
      if (filter.submitterKey) where.push({ field: 'submitter.userKey', op: '=', value: filter.submitterKey });
      const found = await requests.query(municipality, { where, newestFirstBy: 'createdAt' });
      return found.map((s) => withETag<ContactRequest>(s));
    },
    async update(request) {
      if (!request.eTag) throw new ConcurrencyError(`contact request ${request.reference}`);
      const stored = await requests.replace(request.municipality, request.id, withoutETag(request), request.eTag);
      return withETag<ContactRequest>(stored);
    },
  };
}

export function createGuideEventRepository(backend: DocumentBackend): GuideEventRepository {
  const events = backend.collection('guideEvents');
  return {
    async record(event) {
      await events.upsert(event.municipality, event.id, { ...event });
    },
    async list(municipality, filter = {}) {
      const where: Condition[] = [];
      if (filter.kind) where.push({ field: 'kind', op: '=', value: filter.kind });
      if (filter.since) where.push({ field: 'at', op: '>=', value: filter.since });
      const found = await events.query(municipality, { where, newestFirstBy: 'at' });
      return found.map((s) => s.doc as unknown as GuideEvent);
    },
  };
}

export function createStaffRepository(backend: DocumentBackend): StaffRepository {
  const staff = backend.collection('staff');
  const PK = 'staff';
  const one = async (field: string, value: string) => {
    const [found] = await staff.query(PK, { where: [{ field, op: '=', value }] });
    return found ? (found.doc as unknown as StaffMember) : undefined;
  };
  return {
    async put(member) {
      await staff.upsert(PK, member.id, { ...member });
    },
    async get(id) {
      const found = await staff.get(PK, id);
      return found ? (found.doc as unknown as StaffMember) : undefined;
    },
    byTokenHash: (hash) => one('tokenHash', hash),
    byAadObjectId: (objectId) => one('aadObjectId', objectId),
    async list() {
      return (await staff.query(PK, { newestFirstBy: 'createdAt' })).map((s) => s.doc as unknown as StaffMember);
    },
  };
}

export function createApiKeyRepository(backend: DocumentBackend): ApiKeyRepository {
  const keys = backend.collection('apiKeys');
  const PK = 'apiKeys';
  // Documents are parsed when read: one that does not fit is not a key.
  const parse = (stored: Stored | undefined) => {
    const parsed = stored ? apiKeySchema.safeParse(stored.doc) : undefined;
    return parsed?.success ? parsed.data : undefined;
  };
  return {
    async put(key) {
      await keys.upsert(PK, key.id, { ...key });
    },
    async get(id) {
      return parse(await keys.get(PK, id));
    },
    async byHash(hash) {
      const [found] = await keys.query(PK, { where: [{ field: 'keyHash', op: '=', value: hash }] });
      return parse(found);
    },
    async list() {
      return (await keys.query(PK, { newestFirstBy: 'createdAt' })).flatMap((s) => parse(s) ?? []);
    },
  };
}

export function createTeamChannelRepository(backend: DocumentBackend): TeamChannelRepository {
  const channels = backend.collection('channels');
  return {
    async put(channel) {
      await channels.upsert(channel.municipality, idFor(channel.team), { ...channel });
    },
    async get(municipality, team) {
      const found = await channels.get(municipality, idFor(team));
      return found ? (found.doc as unknown as TeamChannel) : undefined;
    },
    async list(municipality) {
      return (await channels.query(municipality)).map((s) => s.doc as unknown as TeamChannel);
    },
  };
}

export function createFocusGroupRepository(backend: DocumentBackend): FocusGroupRepository {
  const sessions = backend.collection('focusGroups');
  const answers = backend.collection('answers');
  const SESSIONS = 'sessions';
  const asSession = (stored: Stored) => withETag<FocusSession>(stored);
  return {
    async createSession(session) {
      await sessions.insert(SESSIONS, session.id, withoutETag(session));
    },
    async getSession(id) {
      const found = await sessions.get(SESSIONS, id);
      return found ? asSession(found) : undefined;
    },
    async findByCode(code) {
      const [found] = await sessions.query(SESSIONS, { where: [{ field: 'code', op: '=', value: code }] });
      return found ? asSession(found) : undefined;
    },
    async listSessions(municipality) {
      return (await sessions.query(SESSIONS, { where: [{ field: 'municipality', op: '=', value: municipality }], newestFirstBy: 'createdAt' })).map(asSession);
    },
    async updateSession(session) {
      return asSession(await sessions.replace(SESSIONS, session.id, withoutETag(session), session.eTag));
    },
    async getParticipation(sessionId, participant) {
      const found = await sessions.get(sessionId, participant);
      return found ? (found.doc as unknown as Participation) : undefined;
    },
    async putParticipation(participation) {
      await sessions.upsert(participation.sessionId, participation.participant, { ...participation });
    },
    async listParticipations(sessionId) {
      return (await sessions.query(sessionId)).map((s) => s.doc as unknown as Participation);
    },
    async addAnswer(sessionId, answer) {
      await answers.insert(sessionId, randomUUID(), { ...answer, value: { ...answer.value } });
    },
    async listAnswers(sessionId) {
      return (await answers.query(sessionId)).map((s) => s.doc as unknown as Answer);
    },
    async listAddedStatements(sessionId, stepId, limit) {
      const where: Condition[] = [
        { field: 'value.kind', op: '=', value: 'statement-new' },
        { field: 'stepId', op: '=', value: stepId },
      ];
      return (await answers.query(sessionId, { where, oldestFirstBy: 'at', limit })).map((s) => s.doc as unknown as Answer);
    },
  };
}

/** A Store over one document back end, behind a circuit breaker (breaker.ts). */
export function storeOver(inner: DocumentBackend, options: BreakerOptions = {}): Store {
  const backend = withCircuitBreaker(inner, options);
  return {
    kind: backend.kind,
    backend,
    kv: createKeyValueStore(backend),
    feedback: createFeedbackRepository(backend),
    contactRequests: createContactRequestRepository(backend),
    guideEvents: createGuideEventRepository(backend),
    staff: createStaffRepository(backend),
    channels: createTeamChannelRepository(backend),
    apiKeys: createApiKeyRepository(backend),
    focusGroups: createFocusGroupRepository(backend),
    health: () => backend.health(),
    onAvailable: (listener) => backend.onAvailable(listener),
    close: () => backend.close(),
  };
}
