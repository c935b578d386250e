/**
 * The domain's repositories, written once over a DocumentBackend (SQLite or Cosmos DB).
 */
import { z } from 'zod';
import {
  ConcurrencyError,
  CorruptDocumentError,
  type GuideEventRepository,
  type JsonValue,
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
import { participationId, type CollectionName, type Condition, type DocumentBackend, type DocumentCollection, type Stored } from './documents';
import { moveToMunicipalityPartitions } from './migrations';
import type { StaffRepository, TeamChannelRepository } from '../domain/staff/types';
import type { FocusGroupRepository, Participation } from '../domain/focusGroups/service';
import { randomUUID } from 'node:crypto';
import type { Store } from './types';
import { apiKeySchema, type ApiKeyRepository } from '../domain/staff/apiKeys';
import { lookupTerms, similarityTerms } from '../domain/feedback/similar';
import { feedbackKinds, feedbackStatuses, type FeedbackKind, type FeedbackStatus, type InboxFilter } from '../domain/feedback/types';
import { decodeInboxCursor, encodeInboxCursor, inboxSortKey } from '../domain/staff/inbox';
import { daysBetween, type FollowUpPeriod, type FollowUpQueries } from '../domain/staff/report';

import { idFor } from '../domain/feedback/ids';
import { withCircuitBreaker, type BreakerOptions } from './breaker';
import { createLogger } from '../log';
import {
  answerSchema,
  contactRequestSchema,
  focusSessionSchema,
  guideEventSchema,
  participationSchema,
  staffMemberSchema,
  storedFeedbackItemSchema,
  submitterContactSchema,
  teamChannelSchema,
} from './schemas';

/** Where an item's Teams card is (FeedbackRepository.teamCard), parsed when read. */
const jsonValue: z.ZodType<JsonValue> = z.lazy(() => z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(jsonValue), z.record(z.string(), jsonValue)]));
const teamCardSchema = z.object({ activityId: z.string(), address: z.record(z.string(), jsonValue), team: z.string(), postedAt: z.string() });

/** Where the repositories report a stored document they could not read (the app's logger). */
export interface StoreLog {
  warn(info: Record<string, unknown>, message: string): void;
}

/**
 * Reads the documents of one collection with its schema: `one` (a read by id) throws a
 * CorruptDocumentError for a document that does not fit, `all` (a list) leaves it out; both log it
 * with the collection, id and fields, so a bad row is never dropped silently.
 */
function reader<S extends z.ZodType>(collection: CollectionName, schema: S, log: StoreLog) {
  const check = (stored: Stored): { value: z.output<S> } | { error: CorruptDocumentError } => {
    const parsed = schema.safeParse(stored.doc);
    if (parsed.success) return { value: parsed.data };
    const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.')))].filter(Boolean);
    const detail = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(document)'}: ${issue.message}`).join('; ');
    return { error: new CorruptDocumentError(collection, stored.id, fields, detail) };
  };
  /** Each document that fits, mapped with its stored version (e.g. withETag); the others are logged and left out. */
  const each = <R>(list: readonly Stored[], map: (value: z.output<S>, stored: Stored) => R): R[] =>
    list.flatMap((stored) => {
      const result = check(stored);
      if ('value' in result) return [map(result.value, stored)];
      log.warn({ collection, id: stored.id, fields: result.error.fields }, `${result.error.message}; left out of the list`);
      return [];
    });
  return {
    one(stored: Stored): z.output<S> {
      const result = check(stored);
      if ('value' in result) return result.value;
      log.warn({ collection, id: stored.id, fields: result.error.fields }, `${result.error.message}; the read fails`);
      throw result.error;
    },
    all: (list: readonly Stored[]): Array<z.output<S>> => each(list, (value) => value),
    each,
  };
}

/** A parsed document with the eTag of its stored version. */
function withETag<T extends object>(value: T, stored: Stored): T & { eTag: string } {
  return { ...value, eTag: stored.etag };
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
  parse: (stored: Stored) => T,
  what: string,
): Promise<{ value: T; created: boolean }> {
  const stored = await collection.insert(pk, id, doc);
  if (stored) return { value: parse(stored), created: true };
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
        // Written as JSON by the store (SQLite) or its client (Cosmos): no copy made here.
        const doc = { key, value };
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

/** The sort key of the inbox: creation time, then id, so that every key is unique (keyset paging). */
const sortKeyOf = inboxSortKey;

/**
 * The version of the derived fields below: an item stored with an older one (or none) is written
 * again by `reindex` (at start, src/app.ts), so every query finds it.
 */
const DERIVED_VERSION = 3;

const isRetagged = (item: FeedbackItem) => item.history.some((h) => h.action === 'retagged' && h.note === 'focusArea');
const isHandled = (item: FeedbackItem) => item.status === 'done' || item.status === 'closed';

/**
 * The fields the store keeps with an item for its queries (each has an index, sqlite/index.ts;
 * Cosmos DB indexes every path); never part of the item read back (the schema leaves them out).
 * A field that does not apply is left out, so a range query never matches it. Month, day and the
 * days to a first response and to closure are what the follow-up report groups by (staff/report.ts).
 */
function withDerived(item: FeedbackItem & { supporters?: string[] }): Record<string, unknown> {
  return {
    ...withoutETag(item),
    // The stems the similar-suggestion search looks items up by: it only ever asks for open ones,
    // so a closed item keeps none (and no rows in the term index).
    ...(item.status !== 'closed' ? { terms: similarityTerms(item.text, item.language) } : {}),
    open: item.status !== 'closed',
    sortKey: sortKeyOf(item),
    // Staff corrected the focus area (the tagger learns from these).
    retagged: isRetagged(item),
    // Still waiting for its first response (only these can be overdue).
    awaiting: !item.firstResponseAt && !isHandled(item),
    // Handled with a published outcome ("Ni sa – vi gjorde"), by when.
    ...(isHandled(item) && item.outcome && item.closedAt && !item.duplicateOf ? { outcomeAt: item.closedAt } : {}),
    // The submitter left contact details and can be reached in the chat.
    reachable: item.hasContact && Boolean(item.submitter.address),
    // Contact details kept on a closed item, since when (retention erases them).
    ...(item.hasContact && !item.contactErasedAt && item.closedAt ? { contactKeptSince: item.closedAt } : {}),
    derived: DERIVED_VERSION,
    month: item.createdAt.slice(0, 7),
    day: item.createdAt.slice(0, 10),
    ...(item.firstResponseAt ? { responseDays: daysBetween(item.createdAt, item.firstResponseAt) } : {}),
    ...(item.closedAt ? { closureDays: daysBetween(item.createdAt, item.closedAt) } : {}),
  };
}

/** A stored item: the item and who supported it (the derived fields are not part of it). */
type StoredItem = FeedbackItem & { supporters?: string[] };

/** How many items one reindex call reads (a few milliseconds of work). */
const REINDEX_PAGE = 200;
const reindexCursorSchema = z.object({ at: z.string(), seen: z.array(z.string()) });
const encodeReindexCursor = (cursor: z.output<typeof reindexCursorSchema>): string => Buffer.from(JSON.stringify(cursor)).toString('base64url');
function decodeReindexCursor(cursor: string): z.output<typeof reindexCursorSchema> {
  const parsed = reindexCursorSchema.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  if (!parsed.success) throw new Error('bad reindex cursor');
  return parsed.data;
}

const encodeCursor = encodeInboxCursor;
const decodeCursor = decodeInboxCursor;

/** The day after a YYYY-MM-DD date (for an inclusive `to`). */
function dayAfter(day: string): string {
  const date = new Date(`${day.slice(0, 10)}T00:00:00.000Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString();
}

const str = (value: unknown): string => (typeof value === 'string' ? value : '');
const num = (value: unknown): number => (typeof value === 'number' ? value : Number(value ?? 0));
const isStatus = (value: unknown): value is FeedbackStatus => typeof value === 'string' && (feedbackStatuses as readonly string[]).includes(value);
const isKind = (value: unknown): value is FeedbackKind => typeof value === 'string' && (feedbackKinds as readonly string[]).includes(value);

/** The period of the follow-up report as conditions on createdAt. */
function periodWhere(period: FollowUpPeriod): Condition[] {
  const where: Condition[] = [];
  if (period.from) where.push({ field: 'createdAt', op: '>=', value: period.from });
  if (period.to) where.push({ field: 'createdAt', op: '<', value: dayAfter(period.to) });
  return where;
}

export function createFeedbackRepository(backend: DocumentBackend, log: StoreLog = defaultLog()): FeedbackRepository & FollowUpQueries {
  const items = backend.collection('feedback');
  const contacts = backend.collection('contacts');
  const itemDocs = reader('feedback', storedFeedbackItemSchema, log);
  const contactDocs = reader('contacts', submitterContactSchema, log);
  // The schema knows only the item's own fields, so the fields the store derives for its queries
  // (terms, open, sortKey: withDerived) are left behind when a document is read.
  const asFeedbackItem = (stored: Stored): StoredItem => withETag(itemDocs.one(stored), stored);
  const asFeedbackItems = (list: readonly Stored[]): StoredItem[] => itemDocs.each(list, withETag);
  const cards = backend.collection('teamCards');
  const get = async (municipality: string, id: string): Promise<StoredItem | undefined> => {
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
        history: [
          { at: input.createdAt, by: 'submitter', action: 'created' },
          ...(input.assignment ? [{ at: input.assignment.at, by: 'system', action: 'assigned' as const, to: input.assignment.team, note: input.assignment.reason }] : []),
        ],
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
      return asFeedbackItems(found);
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
      return asFeedbackItems(found);
    },
    async addSupport(municipality, id, supporterKey) {
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const item = await get(municipality, id);
        if (!item) throw new Error(`no feedback item ${id}`);
        const supporters = item.supporters ?? [];
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
        const supporters = item.supporters ?? [];
        const key = idFor(supporterKey);
        if (!supporters.includes(key)) return;
        try {
          await items.replace(municipality, id, withDerived({ ...item, supporters: supporters.filter((s) => s !== key) }), item.eTag);
          return;
        } catch (error) {
          if (!(error instanceof ConcurrencyError)) throw error;
        }
      }
      throw new ConcurrencyError('feedback support');
    },
    async getContact(municipality, id) {
      const stored = await contacts.get(municipality, id);
      return stored ? contactDocs.one(stored) : undefined;
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
      // An item found by several terms is read (its schema checked) once.
      const distinct = new Map<string, Stored>();
      for (const stored of pages.flat()) if (!distinct.has(stored.id)) distinct.set(stored.id, stored);
      for (const { item, stored } of itemDocs.each([...distinct.values()], (value, stored) => ({ item: withETag(value, stored), stored }))) {
        const stems = stored.doc.terms;
        found.set(item.id, { item, terms: Array.isArray(stems) ? stems.filter((t): t is string => typeof t === 'string') : similarityTerms(item.text, item.language) });
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
        items: asFeedbackItems(list),
        ...(found.length > limit && typeof lastKey === 'string' ? { next: encodeCursor(lastKey) } : {}),
      };
    },
    async publicRequests(municipality, filter, page) {
      const limit = Math.max(1, Math.floor(page.limit));
      // GeoReport's two statuses are several of ours: one query per status on the (status,
      // sortKey) index, merged newest first, each read in chunks as the merge needs them.
      const statuses: Array<FeedbackStatus | undefined> =
        filter.status === 'closed' ? ['done', 'closed'] : filter.status === 'open' ? feedbackStatuses.filter((s) => s !== 'done' && s !== 'closed') : [undefined];
      // The creation time bounds as sort-key bounds (createdAt|id): `to` takes in every id of its time.
      let below = page.cursor ? decodeCursor(page.cursor) : undefined;
      if (filter.to && (below === undefined || `${filter.to}}` < below)) below = `${filter.to}}`;
      const base: Condition[] = [];
      if (filter.focusArea) base.push({ field: 'focusArea', op: '=', value: filter.focusArea });
      if (filter.from) base.push({ field: 'sortKey', op: '>=', value: filter.from });
      const chunk = statuses.length === 1 ? limit + 1 : Math.ceil((limit + 1) / statuses.length) + 1;
      const sources = statuses.map((status) => ({ status, buffer: [] as Stored[], below, done: false }));
      const refill = async (source: (typeof sources)[number]) => {
        const where = [...base, ...(source.status ? [{ field: 'status', op: '=' as const, value: source.status }] : [])];
        if (source.below !== undefined) where.push({ field: 'sortKey', op: '<', value: source.below });
        const found = await items.query(municipality, { where, newestFirstBy: 'sortKey', limit: chunk });
        source.buffer.push(...found);
        const last = found.at(-1)?.doc.sortKey;
        source.done = found.length < chunk || typeof last !== 'string';
        if (typeof last === 'string') source.below = last;
      };
      const keyOf = (stored: Stored | undefined) => str(stored?.doc.sortKey);
      const merged: Stored[] = [];
      while (merged.length <= limit) {
        await Promise.all(sources.filter((source) => source.buffer.length === 0 && !source.done).map(refill));
        let best: (typeof sources)[number] | undefined;
        for (const source of sources) if (source.buffer.length > 0 && (!best || keyOf(source.buffer[0]) > keyOf(best.buffer[0]))) best = source;
        const next = best?.buffer.shift();
        if (!next) break;
        merged.push(next);
      }
      const list = merged.slice(0, limit);
      const lastKey = list.at(-1)?.doc.sortKey;
      return {
        items: asFeedbackItems(list),
        ...(merged.length > limit && typeof lastKey === 'string' ? { next: encodeCursor(lastKey) } : {}),
      };
    },
    async followUpCounts(municipality, period) {
      const where = periodWhere(period);
      const [statuses, response, closure, awaiting] = await Promise.all([
        items.aggregate(municipality, { where, groupBy: ['focusArea', 'month', 'status', 'theme'], sum: 'supports' }),
        items.aggregate(municipality, { where, groupBy: ['focusArea', 'month', 'responseDays'] }),
        items.aggregate(municipality, { where, groupBy: ['focusArea', 'month', 'closureDays'] }),
        items.aggregate(municipality, { where: [{ field: 'awaiting', op: '=', value: true }, ...where], groupBy: ['focusArea', 'month', 'kind', 'day'] }),
      ]);
      const days = (rows: typeof response) =>
        rows.flatMap(({ key: [focusArea, month, value], count }) => (typeof value === 'number' ? [{ focusArea: str(focusArea), month: str(month), days: value, count }] : []));
      return {
        statuses: statuses.flatMap(({ key: [focusArea, month, status, theme], count, sum }) =>
          isStatus(status) ? [{ focusArea: str(focusArea), month: str(month), status, theme: typeof theme === 'string' ? theme : null, count, supports: num(sum) }] : [],
        ),
        toFirstResponse: days(response),
        toClosure: days(closure),
        awaiting: awaiting.flatMap(({ key: [focusArea, month, kind, day], count }) => (isKind(kind) ? [{ focusArea: str(focusArea), month: str(month), kind, day: str(day), count }] : [])),
      };
    },
    async awaitingBetween(municipality, kind, from, before) {
      const rows = await items.aggregate(municipality, {
        where: [
          { field: 'awaiting', op: '=', value: true },
          { field: 'kind', op: '=', value: kind },
          { field: 'createdAt', op: '>=', value: from },
          { field: 'createdAt', op: '<', value: before },
        ],
        groupBy: ['focusArea', 'month'],
      });
      return rows.map(({ key: [focusArea, month], count }) => ({ focusArea: str(focusArea), month: str(month), count }));
    },
    async themeExamples(municipality, focusArea, theme, limit) {
      const found = await items.query(municipality, {
        where: [
          { field: 'focusArea', op: '=', value: focusArea },
          { field: 'theme', op: '=', value: theme },
        ],
        newestFirstBy: 'sortKey',
        limit: 20,
      });
      return found
        .map((stored) => str(stored.doc.text))
        .sort((a, b) => a.length - b.length)
        .slice(0, limit);
    },
    async retagged(municipality) {
      return asFeedbackItems(await items.query(municipality, { where: [{ field: 'retagged', op: '=', value: true }], newestFirstBy: 'sortKey' }));
    },
    async forTeamDigest(municipality, team, since) {
      const byTeam: Condition = { field: 'assignment.team', op: '=', value: team };
      const [fresh, awaiting] = await Promise.all([
        items.query(municipality, { where: [byTeam, { field: 'createdAt', op: '>=', value: since }], newestFirstBy: 'createdAt' }),
        items.query(municipality, { where: [byTeam, { field: 'awaiting', op: '=', value: true }], newestFirstBy: 'createdAt' }),
      ]);
      return { fresh: asFeedbackItems(fresh), awaiting: asFeedbackItems(awaiting) };
    },
    async withOutcomeSince(municipality, since) {
      return asFeedbackItems(await items.query(municipality, { where: [{ field: 'outcomeAt', op: '>=', value: since }], newestFirstBy: 'outcomeAt' }));
    },
    async reachableSubmitters(municipality) {
      const found = asFeedbackItems(await items.query(municipality, { where: [{ field: 'reachable', op: '=', value: true }], newestFirstBy: 'sortKey' }));
      const submitters = new Map<string, FeedbackItem['submitter']>();
      for (const item of found) if (item.submitter.address && !submitters.has(item.submitter.userKey)) submitters.set(item.submitter.userKey, item.submitter);
      return [...submitters.values()];
    },
    async contactsClosedBefore(municipality, before) {
      return asFeedbackItems(await items.query(municipality, { where: [{ field: 'contactKeptSince', op: '<', value: before }], newestFirstBy: 'sortKey' }));
    },
    async reindex(municipality, page = {}) {
      // Keyset paging on createdAt (every item has it, whatever its derived fields; an index in
      // both stores): the page after the cursor's time, less the items of that very time already
      // seen (several items may share a creation time).
      const limit = Math.max(1, Math.floor(page.limit ?? REINDEX_PAGE));
      const cursor = page.cursor ? decodeReindexCursor(page.cursor) : undefined;
      const seen = new Set(cursor?.seen ?? []);
      const found = await items.query(municipality, {
        where: cursor ? [{ field: 'createdAt', op: '>=', value: cursor.at }] : [],
        oldestFirstBy: 'createdAt',
        limit: limit + seen.size,
      });
      const fresh = found.filter((stored) => !(str(stored.doc.createdAt) === cursor?.at && seen.has(stored.id))).slice(0, limit);
      let written = 0;
      const stale = fresh.filter((stored) => stored.doc.derived !== DERIVED_VERSION);
      for (const { item, stored } of itemDocs.each(stale, (value, stored) => ({ item: withETag(value, stored), stored }))) {
        try {
          await items.replace(municipality, item.id, withDerived(item), stored.etag);
          written += 1;
        } catch (error) {
          // Changed meanwhile: that write has already added the fields.
          if (!(error instanceof ConcurrencyError)) throw error;
        }
      }
      const last = fresh.at(-1);
      if (found.length < limit + seen.size || !last) return { written };
      const at = str(last.doc.createdAt);
      const atLast = fresh.filter((stored) => str(stored.doc.createdAt) === at).map((stored) => stored.id);
      return { written, next: encodeReindexCursor({ at, seen: at === cursor?.at ? [...seen, ...atLast] : atLast }) };
    },
    async teamCard(municipality, itemId) {
      const stored = await cards.get(municipality, itemId);
      const parsed = stored ? teamCardSchema.safeParse(stored.doc) : undefined;
      return parsed?.success ? parsed.data : undefined;
    },
    async saveTeamCard(municipality, itemId, card) {
      await cards.upsert(municipality, itemId, { ...card });
    },
  };
}

export function createContactRequestRepository(backend: DocumentBackend, log: StoreLog = defaultLog()): ContactRequestRepository {
  const requests = backend.collection('contactRequests');
  const docs = reader('contactRequests', contactRequestSchema, log);
  const parse = (stored: Stored): ContactRequest => withETag(docs.one(stored), stored);
  const get = async (municipality: string, id: string) => {
    const stored = await requests.get(municipality, id);
    return stored ? parse(stored) : undefined;
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
        history: [
          { at: input.createdAt, by: 'submitter', action: 'created' },
          ...(input.assignment ? [{ at: input.assignment.at, by: 'system', action: 'assigned' as const, to: input.assignment.team, note: input.assignment.reason }] : []),
        ],
      };
      const { value, created } = await insertOnce(requests, input.municipality, id, withoutETag(request), () => get(input.municipality, id), parse, 'contact request');
      return { request: value, created };
    },
    get,
    async getByReference(municipality, ref) {
      const [found] = await requests.query(municipality, { where: [{ field: 'reference', op: '=', value: ref }] });
      return found ? parse(found) : undefined;
    },
    async list(municipality, filter = {}) {
      const where: Condition[] = filter.status ? [{ field: 'status', op: '=', value: filter.status }] : [];
      if (filter.submitterKey) where.push({ field: 'submitter.userKey', op: '=', value: filter.submitterKey });
      const found = await requests.query(municipality, { where, newestFirstBy: 'createdAt' });
      return docs.each(found, withETag);
    },
    async update(request) {
      if (!request.eTag) throw new ConcurrencyError(`contact request ${request.reference}`);
      const stored = await requests.replace(request.municipality, request.id, withoutETag(request), request.eTag);
      return parse(stored);
    },
  };
}

export function createGuideEventRepository(backend: DocumentBackend, log: StoreLog = defaultLog()): GuideEventRepository {
  const events = backend.collection('guideEvents');
  const docs = reader('guideEvents', guideEventSchema, log);
  return {
    async record(event) {
      await events.upsert(event.municipality, event.id, { ...event });
    },
    async list(municipality, filter = {}) {
      const where: Condition[] = [];
      if (filter.kind) where.push({ field: 'kind', op: '=', value: filter.kind });
      if (filter.since) where.push({ field: 'at', op: '>=', value: filter.since });
      const found = await events.query(municipality, { where, newestFirstBy: 'at' });
      return docs.all(found);
    },
  };
}

/**
 * Alternate keys (a staff member's token hash or Entra object id, a focus-group session's id or
 * join code) as small documents read by id: a lookup is a point read in both stores, never a scan
 * of every municipality. Each says where the document is (its municipality partition and id); the
 * reader checks the document it finds, so a lookup left behind by a change never finds the wrong one.
 */
const lookupSchema = z.object({ kind: z.string(), partition: z.string(), target: z.string() });
function lookups(backend: DocumentBackend, namespace: string, log: StoreLog) {
  const collection = backend.collection('lookups');
  const docs = reader('lookups', lookupSchema, log);
  const key = (kind: string, value: string) => `${kind}:${idFor(value)}`;
  return {
    async find(kind: string, value: string) {
      const stored = await collection.get(namespace, key(kind, value));
      return stored ? docs.one(stored) : undefined;
    },
    async set(kind: string, value: string, partition: string, target: string) {
      await collection.upsert(namespace, key(kind, value), { kind, partition, target });
    },
    async drop(kind: string, value: string) {
      await collection.delete(namespace, key(kind, value));
    },
    async all(kind: string) {
      return docs.all(await collection.query(namespace, { where: [{ field: 'kind', op: '=', value: kind }] }));
    },
  };
}

/**
 * The partition of a staff member: the municipality they serve, or `*` for one who serves several
 * or all (`['*']`). Such a member is kept once, in `*`, not copied into each municipality, so a new
 * token or a disabled member is a single write.
 */
export const staffPartition = (member: { municipalities: string[] }): string => {
  const [only, ...more] = member.municipalities;
  return only && more.length === 0 && only !== '*' ? only : '*';
};

export function createStaffRepository(backend: DocumentBackend, log: StoreLog = defaultLog()): StaffRepository {
  const staff = backend.collection('staff');
  const docs = reader('staff', staffMemberSchema, log);
  const keys = lookups(backend, 'staff', log);
  const get = async (id: string) => {
    const where = await keys.find('member', id);
    const found = where ? await staff.get(where.partition, where.target) : undefined;
    return found ? docs.one(found) : undefined;
  };
  /** The member an alternate key names, when it still has that key. */
  const by = async (kind: 'token' | 'aad', value: string, field: 'tokenHash' | 'aadObjectId') => {
    const where = await keys.find(kind, value);
    const found = where ? await staff.get(where.partition, where.target) : undefined;
    const member = found ? docs.one(found) : undefined;
    return member && member[field] === value ? member : undefined;
  };
  return {
    async put(member) {
      // The member as stored before (its old keys and partition are cleaned up); one that no longer
      // fits its schema is simply replaced.
      const before = await get(member.id).catch((error: unknown) => {
        if (error instanceof CorruptDocumentError) return undefined;
        throw error;
      });
      const partition = staffPartition(member);
      await staff.upsert(partition, member.id, { ...member });
      await keys.set('member', member.id, partition, member.id);
      if (member.tokenHash) await keys.set('token', member.tokenHash, partition, member.id);
      if (member.aadObjectId) await keys.set('aad', member.aadObjectId, partition, member.id);
      if (!before) return;
      if (before.tokenHash && before.tokenHash !== member.tokenHash) await keys.drop('token', before.tokenHash);
      if (before.aadObjectId && before.aadObjectId !== member.aadObjectId) await keys.drop('aad', before.aadObjectId);
      const old = staffPartition(before);
      if (old !== partition) await staff.delete(old, member.id);
    },
    get,
    byTokenHash: (hash) => by('token', hash, 'tokenHash'),
    byAadObjectId: (objectId) => by('aad', objectId, 'aadObjectId'),
    async list() {
      const found = await Promise.all((await keys.all('member')).map((where) => staff.get(where.partition, where.target)));
      return docs.all(found.flatMap((stored) => stored ?? [])).sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
    },
  };
}

/** Open311 API keys, in their municipality's partition; found by id and by hash through lookups. */
export function createApiKeyRepository(backend: DocumentBackend, log: StoreLog = defaultLog()): ApiKeyRepository {
  const keys = backend.collection('apiKeys');
  const docs = reader('apiKeys', apiKeySchema, log);
  const lookup = lookups(backend, 'apiKeys', log);
  const at = async (where: { partition: string; target: string } | undefined) => {
    const stored = where ? await keys.get(where.partition, where.target) : undefined;
    return stored ? docs.one(stored) : undefined;
  };
  return {
    async put(key) {
      await keys.upsert(key.municipality, key.id, { ...key });
      await lookup.set('key', key.id, key.municipality, key.id);
      await lookup.set('hash', key.keyHash, key.municipality, key.id);
    },
    get: async (id) => at(await lookup.find('key', id)),
    async byHash(hash) {
      const key = await at(await lookup.find('hash', hash));
      return key?.keyHash === hash ? key : undefined;
    },
    async list() {
      const found = await Promise.all((await lookup.all('key')).map((where) => keys.get(where.partition, where.target)));
      return docs.all(found.flatMap((stored) => stored ?? [])).sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
    },
  };
}

export function createTeamChannelRepository(backend: DocumentBackend, log: StoreLog = defaultLog()): TeamChannelRepository {
  const channels = backend.collection('channels');
  const docs = reader('channels', teamChannelSchema, log);
  const state = backend.collection('state');
  return {
    async claimDailyDigest(municipality, day, at) {
      // A create-if-absent: of two instances (or two timer ticks) only one creates the day's record.
      // The record is a key-value document (the key the digest used before), so an older one counts.
      const key = `digest/${municipality}/${day}`;
      const id = idFor(key);
      return (await state.insert(id, id, { key, value: { at } })) !== undefined;
    },
    async put(channel) {
      await channels.upsert(channel.municipality, idFor(channel.team), { ...channel });
    },
    async get(municipality, team) {
      const found = await channels.get(municipality, idFor(team));
      return found ? docs.one(found) : undefined;
    },
    async list(municipality) {
      return docs.all(await channels.query(municipality));
    },
  };
}

/** A participation as stored: consented, finished and counted are kept for the counts (countProgress); reads drop them. */
const participationDoc = (participation: Participation): Record<string, unknown> => ({
  ...participation,
  consented: participation.consentAt !== undefined,
  finished: participation.finishedAt !== undefined,
  counted: participation.answered !== undefined,
});

/**
 * Sessions, participations and answers are kept in the session's municipality partition (the
 * methods that take a session id find it through the session's lookup, then remember it: a
 * session never changes municipality). Participations and answers carry their session id, which
 * the stores index.
 */
export function createFocusGroupRepository(backend: DocumentBackend, log: StoreLog = defaultLog()): FocusGroupRepository {
  const sessions = backend.collection('focusGroups');
  const participations = backend.collection('participations');
  const answers = backend.collection('answers');
  const sessionDocs = reader('focusGroups', focusSessionSchema, log);
  const participationDocs = reader('participations', participationSchema, log);
  const answerDocs = reader('answers', answerSchema, log);
  const keys = lookups(backend, 'focusGroups', log);
  const asSession = (stored: Stored) => withETag(sessionDocs.one(stored), stored);
  const municipalities = new Map<string, string>();
  /** Join codes already found: where their session is. */
  const codes = new Map<string, { partition: string; target: string }>();
  const remember = (session: { id: string; municipality: string }) => {
    if (municipalities.size >= 10_000) municipalities.clear();
    municipalities.set(session.id, session.municipality);
  };
  const municipalityOf = async (sessionId: string): Promise<string | undefined> => {
    const known = municipalities.get(sessionId);
    if (known) return known;
    const where = await keys.find('session', sessionId);
    if (where) remember({ id: sessionId, municipality: where.partition });
    return where?.partition;
  };
  const inSession = (sessionId: string): Condition => ({ field: 'sessionId', op: '=', value: sessionId });
  const required = async (sessionId: string) => {
    const municipality = await municipalityOf(sessionId);
    if (!municipality) throw new Error(`no focus-group session ${sessionId}`);
    return municipality;
  };
  return {
    async createSession(session) {
      await sessions.insert(session.municipality, session.id, withoutETag(session));
      await keys.set('session', session.id, session.municipality, session.id);
      await keys.set('code', session.code, session.municipality, session.id);
      remember(session);
    },
    async getSession(id) {
      const municipality = await municipalityOf(id);
      const found = municipality ? await sessions.get(municipality, id) : undefined;
      return found ? asSession(found) : undefined;
    },
    async findByCode(code) {
      // Where a code's session is never changes: a code found once is not looked up again (every
      // join reads the session itself, for its status). A code not found is asked again next time.
      const where = codes.get(code) ?? (await keys.find('code', code));
      const found = where ? await sessions.get(where.partition, where.target) : undefined;
      const session = found ? asSession(found) : undefined;
      if (!session || session.code !== code) return undefined;
      remember(session);
      if (where && !codes.has(code)) {
        if (codes.size >= 10_000) codes.clear();
        codes.set(code, { partition: where.partition, target: where.target });
      }
      return session;
    },
    async listSessions(municipality) {
      return sessionDocs.each(await sessions.query(municipality, { newestFirstBy: 'createdAt' }), withETag);
    },
    async updateSession(session) {
      return asSession(await sessions.replace(session.municipality, session.id, withoutETag(session), session.eTag));
    },
    async getParticipation(sessionId, participant) {
      const municipality = await municipalityOf(sessionId);
      const found = municipality ? await participations.get(municipality, participationId(sessionId, participant)) : undefined;
      return found ? participationDocs.one(found) : undefined;
    },
    async putParticipation(participation) {
      const municipality = await required(participation.sessionId);
      await participations.upsert(municipality, participationId(participation.sessionId, participation.participant), participationDoc(participation));
    },
    async joinParticipation(participation) {
      const municipality = await required(participation.sessionId);
      const id = participationId(participation.sessionId, participation.participant);
      // A create-if-absent: a new participant costs one write and no read; a participant who joins
      // again (or twice at once) gets the stored participation, its consent and position kept.
      const created = await insertOnce(
        participations,
        municipality,
        id,
        participationDoc(participation),
        async () => {
          const stored = await participations.get(municipality, id);
          return stored ? participationDocs.one(stored) : undefined;
        },
        () => participation,
        'participation',
      );
      return { participation: created.value, created: created.created };
    },
    async listParticipations(sessionId) {
      const municipality = await municipalityOf(sessionId);
      return municipality ? participationDocs.all(await participations.query(municipality, { where: [inSession(sessionId)] })) : [];
    },
    async addAnswer(sessionId, answer) {
      const municipality = await required(sessionId);
      await answers.insert(municipality, randomUUID(), { ...answer, value: { ...answer.value }, sessionId });
    },
    async listAnswers(sessionId) {
      const municipality = await municipalityOf(sessionId);
      return municipality ? answerDocs.all(await answers.query(municipality, { where: [inSession(sessionId)] })) : [];
    },
    async listAddedStatements(sessionId, stepId, limit) {
      const municipality = await municipalityOf(sessionId);
      if (!municipality) return [];
      const where: Condition[] = [
        inSession(sessionId),
        { field: 'value.kind', op: '=', value: 'statement-new' },
        { field: 'stepId', op: '=', value: stepId },
      ];
      return answerDocs.all(await answers.query(municipality, { where, oldestFirstBy: 'at', limit }));
    },
    async countProgress(sessionId, stepIds) {
      const municipality = await municipalityOf(sessionId);
      const answersPerStep: Record<string, number> = Object.fromEntries(stepIds.map((id) => [id, 0]));
      if (!municipality) return { joined: 0, consented: 0, finished: 0, answersPerStep };
      const inThis = inSession(sessionId);
      const [groups, ...steps] = await Promise.all([
        participations.aggregate(municipality, { where: [inThis], groupBy: ['consented', 'finished', 'counted'] }),
        ...stepIds.map((stepId) => participations.aggregate(municipality, { where: [inThis, { field: 'answered', op: 'contains', value: stepId }], groupBy: [] })),
      ]);
      // A participation stored before `answered` was kept (no `counted`): the caller counts the answers.
      if (groups.some((row) => row.key[2] !== true && row.key[2] !== 1)) return undefined;
      const count = (rows: typeof groups, index: number) => rows.reduce((sum, row) => sum + (row.key[index] === true || row.key[index] === 1 ? row.count : 0), 0);
      stepIds.forEach((stepId, index) => {
        answersPerStep[stepId] = steps[index]?.reduce((sum, row) => sum + row.count, 0) ?? 0;
      });
      return { joined: groups.reduce((sum, row) => sum + row.count, 0), consented: count(groups, 0), finished: count(groups, 1), answersPerStep };
    },
  };
}

/** Without the app's logger (tools, tests), a bad document is still logged. */
const defaultLog = (): StoreLog => createLogger('warn');

export interface StoreOptions extends BreakerOptions {
  /** Where stored documents that do not fit their schema are reported (the app's logger). */
  log?: StoreLog;
}

/** A Store over one document back end, behind a circuit breaker (breaker.ts). */
export function storeOver(inner: DocumentBackend, options: StoreOptions = {}): Store {
  const { log = defaultLog(), ...breaker } = options;
  const backend = withCircuitBreaker(inner, breaker);
  const staff = createStaffRepository(backend, log);
  const focusGroups = createFocusGroupRepository(backend, log);
  const apiKeys = createApiKeyRepository(backend, log);
  return {
    kind: backend.kind,
    backend,
    kv: createKeyValueStore(backend),
    feedback: createFeedbackRepository(backend, log),
    contactRequests: createContactRequestRepository(backend, log),
    guideEvents: createGuideEventRepository(backend, log),
    staff,
    channels: createTeamChannelRepository(backend, log),
    apiKeys,
    focusGroups,
    upgrade: () => moveToMunicipalityPartitions(backend, { staff, focusGroups, apiKeys }, log),
    health: () => backend.health(),
    onAvailable: (listener) => backend.onAvailable(listener),
    close: () => backend.close(),
  };
}
