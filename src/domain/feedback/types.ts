import type { Language } from '../packs/schema';
import type { ConversationAddress } from '../ports';

/** What kind of input a business owner gives (the four kinds of "Gör <kommun> bättre"). */
export const feedbackKinds = ['suggestion', 'opinion', 'complaint', 'praise'] as const;
export type FeedbackKind = (typeof feedbackKinds)[number];

/** Where an item is in its handling; shown to the submitter. */
export const feedbackStatuses = ['new', 'received', 'in-progress', 'done', 'closed'] as const;
export type FeedbackStatus = (typeof feedbackStatuses)[number];

/** SKR Insikt's service factors: the second axis when a suggestion is about the municipality's own service. */
export const serviceFactors = ['information', 'accessibility', 'treatment', 'competence', 'legal-certainty', 'efficiency'] as const;
export type ServiceFactor = (typeof serviceFactors)[number];

/** Who the submitter is, as the channel knows them; never shown to staff as personal data. */
export interface Submitter {
  /** `<channelId>:<user id>` — lets the user list their own items ("mina förslag"). */
  userKey: string;
  /** Conversation reference for proactive messages (status changes, answers). */
  address?: ConversationAddress;
  language: Language;
}

/** Contact details the user chose to give; stored apart from the suggestion text. */
export interface SubmitterContact {
  name?: string;
  email?: string;
  phone?: string;
}

export interface HistoryEntry {
  at: string;
  /** 'submitter', 'tagger', 'system' or a staff id. */
  by: string;
  action: 'created' | 'retagged' | 'status' | 'answered' | 'supported' | 'assigned' | 'duplicate' | 'note';
  from?: string;
  to?: string;
  note?: string;
}

/** What staff handle, feedback items and contact requests alike: who sent it, and its handling. */
export interface Handling {
  submitter: Submitter;
  /** Idempotency key: the channel's activity identity; the same key never creates a second record. */
  sourceKey: string;
  createdAt: string;
  updatedAt: string;
  history: HistoryEntry[];
  /** The team the routing rules gave it to, and why. */
  assignment?: Assignment;
  /** Staff member who took it. */
  assignee?: string;
  firstResponseAt?: string;
  closedAt?: string;
  /** Optimistic concurrency token of the stored version. */
  eTag?: string;
}

export interface FeedbackItem extends Handling {
  id: string;
  /** Human reference, e.g. MORA-2026-000123; unique per municipality and year. */
  reference: string;
  municipality: string;
  kind: FeedbackKind;
  /** The suggestion with personal data masked. The only text ever stored. */
  text: string;
  /** What masking replaced, by kind (never the values). */
  masked: Array<{ kind: string; count: number }>;
  place?: string;
  language: Language;
  focusArea: string;
  secondaryArea?: string;
  focusConfidence: number;
  /** What the suggestion is about (the shared theme layer's best theme), when known. */
  theme?: string;
  topic?: string;
  serviceFactor?: ServiceFactor;
  status: FeedbackStatus;
  supports: number;
  /** True when the user gave contact details (kept in the contact record, not here). */
  hasContact: boolean;
  /** What was done ("Ni sa – vi gjorde"), set when staff close it. */
  outcome?: string;
  duplicateOf?: string;
  /** Set when the retention command erased the contact details. */
  contactErasedAt?: string;
}

export interface Assignment {
  team: string;
  reason: string;
  at: string;
  /** When the first response is due under the pack's service promise (absent on items assigned before it was kept). */
  dueAt?: string;
}

/** The Teams card of an item in its team's channel: where it was posted, so later changes update it in place. */
export interface TeamCard {
  activityId: string;
  /** The channel conversation the card is in. */
  address: ConversationAddress;
  team: string;
  postedAt: string;
}

export type NewFeedbackItem = Omit<
  FeedbackItem,
  'id' | 'reference' | 'status' | 'supports' | 'updatedAt' | 'history' | 'eTag' | 'assignee' | 'firstResponseAt' | 'closedAt' | 'outcome' | 'duplicateOf' | 'contactErasedAt'
> & {
  /** Prefix of the reference, from the pack (e.g. MORA). */
  referencePrefix: string;
};

export interface FeedbackFilter {
  status?: FeedbackStatus;
  focusArea?: string;
  submitterKey?: string;
  since?: string;
}

export interface FeedbackRepository {
  /**
   * Stores a new item with the next reference of its municipality and year, in one write with its
   * assignment when it has one (history: created, then assigned by the system). Idempotent on
   * (municipality, sourceKey): a repeated call returns the stored item with created=false.
   */
  create(item: NewFeedbackItem, contact?: SubmitterContact): Promise<{ item: FeedbackItem; created: boolean }>;
  get(municipality: string, id: string): Promise<FeedbackItem | undefined>;
  getByReference(municipality: string, reference: string): Promise<FeedbackItem | undefined>;
  /** Newest first. */
  list(municipality: string, filter?: FeedbackFilter): Promise<FeedbackItem[]>;
  /**
   * Replaces an item; `item.eTag` must match the stored one or a ConcurrencyError is thrown.
   * Returns the stored item with its new eTag.
   */
  update(item: FeedbackItem): Promise<FeedbackItem>;
  /** Items `supporterKey` supported, newest first ("mina förslag" shows them too). */
  supportedBy(municipality: string, supporterKey: string): Promise<FeedbackItem[]>;
  /** Adds one support from `supporterKey`; a second support from the same key changes nothing. */
  addSupport(municipality: string, id: string, supporterKey: string): Promise<FeedbackItem>;
  /** Forgets who gave a support (the count stays, as part of the public record). */
  forgetSupporter(municipality: string, id: string, supporterKey: string): Promise<void>;
  getContact(municipality: string, id: string): Promise<SubmitterContact | undefined>;
  /** Erases the contact details of an item (retention); the item itself stays, anonymised. */
  deleteContact(municipality: string, id: string): Promise<void>;
  /**
   * Open (not closed) items that share at least one of `terms` (similarityTerms), newest first,
   * at most `perTerm` per term: an index lookup, bounded whatever the number of items. Each comes
   * with its stored terms, so they need not be analysed again.
   */
  openSimilarCandidates(municipality: string, terms: readonly string[], perTerm?: number): Promise<Array<{ item: FeedbackItem; terms: string[] }>>;
  /**
   * One page of the staff inbox, newest first, filtered by the store; `cursor` is the `next` of
   * the page before. `next` is absent on the last page.
   */
  inbox(municipality: string, filter: InboxFilter, page: { limit: number; cursor?: string }): Promise<{ items: FeedbackItem[]; next?: string }>;
  /**
   * One page of the public service requests (Open311 GET requests.json), newest first, filtered
   * and paged by the store: GeoReport's `open` is any status before done, `closed` is done or
   * closed; `from` and `to` bound the creation time (ISO times, both included). `cursor` is the
   * `next` of the page before; `next` is absent on the last page.
   */
  publicRequests(municipality: string, filter: PublicRequestFilter, page: { limit: number; cursor?: string }): Promise<{ items: FeedbackItem[]; next?: string }>;
  /** Items whose focus area staff corrected (re-tagged), newest first: what the tagger retrains on. */
  retagged(municipality: string): Promise<FeedbackItem[]>;
  /**
   * What a team's daily digest shows: the team's items created since `since`, and those still
   * waiting for a first response (not done or closed), each newest first. The caller judges overdue.
   */
  forTeamDigest(municipality: string, team: string, since: string): Promise<{ fresh: FeedbackItem[]; awaiting: FeedbackItem[] }>;
  /** Items done or closed with an outcome (not duplicates), closed at or after `since`, newest first ("Ni sa – vi gjorde"). */
  withOutcomeSince(municipality: string, since: string): Promise<FeedbackItem[]>;
  /** Each submitter (once, by user key) who left contact details and can be reached in the chat. */
  reachableSubmitters(municipality: string): Promise<Submitter[]>;
  /** Closed items that still keep contact details, closed before `before` (retention erases them). */
  contactsClosedBefore(municipality: string, before: string): Promise<FeedbackItem[]>;
  /**
   * Writes the derived fields (terms, open flag, sort key, query flags) of items stored with older
   * ones, one bounded page of items at a time (oldest first by creation): `cursor` is the `next`
   * of the page before, `next` is absent after the last page. Returns how many it wrote. The
   * caller lets other work run between pages, so reindexing 100k items never blocks a turn.
   */
  reindex(municipality: string, page?: { cursor?: string; limit?: number }): Promise<{ written: number; next?: string }>;
  /** The item's card in its team's channel, once posted. */
  teamCard(municipality: string, itemId: string): Promise<TeamCard | undefined>;
  /** Keeps where an item's card was posted (replaces an earlier one). */
  saveTeamCard(municipality: string, itemId: string, card: TeamCard): Promise<void>;
}

/** What the inbox filters on in the store (text search and overdue are judged by the caller). */
export interface PublicRequestFilter {
  status?: 'open' | 'closed';
  focusArea?: string;
  /** Created at or after this ISO time. */
  from?: string;
  /** Created at or before this ISO time. */
  to?: string;
}

export interface InboxFilter {
  status?: FeedbackStatus;
  focusArea?: string;
  kind?: FeedbackKind;
  topic?: string;
  team?: string;
  /** createdAt on or after this date (YYYY-MM-DD or an ISO time). */
  from?: string;
  /** createdAt on or before this day (YYYY-MM-DD). */
  to?: string;
}

export const contactRequestStatuses = ['new', 'in-progress', 'done'] as const;
export type ContactRequestStatus = (typeof contactRequestStatuses)[number];

/** "Prata med en människa" / "boka lotsmöte": a request for staff to contact a business owner. */
export interface ContactRequest extends Handling {
  id: string;
  /** e.g. MORA-K-2026-000012 */
  reference: string;
  municipality: string;
  name: string;
  company?: string;
  /** Phone or e-mail as given. */
  reach: string;
  /** The question with personal data masked. */
  question: string;
  topic?: string;
  /** Contact id of the unit the request is for. */
  unit?: string;
  language: Language;
  consentAt: string;
  status: ContactRequestStatus;
  /** Set when the contact details (name, company, reach) were erased: retention or the submitter's request. */
  contactErasedAt?: string;
}

export type NewContactRequest = Omit<ContactRequest, 'id' | 'reference' | 'status' | 'updatedAt' | 'history' | 'eTag' | 'assignee' | 'firstResponseAt' | 'closedAt' | 'contactErasedAt'> & {
  referencePrefix: string;
};

export interface ContactRequestRepository {
  /** Idempotent on (municipality, sourceKey), like FeedbackRepository.create. */
  create(request: NewContactRequest): Promise<{ request: ContactRequest; created: boolean }>;
  get(municipality: string, id: string): Promise<ContactRequest | undefined>;
  getByReference(municipality: string, reference: string): Promise<ContactRequest | undefined>;
  list(municipality: string, filter?: { status?: ContactRequestStatus; submitterKey?: string }): Promise<ContactRequest[]>;
  /** eTag-checked like FeedbackRepository.update. */
  update(request: ContactRequest): Promise<ContactRequest>;
}
