/**
 * The staff inbox: the items a staff member may see, filtered and keyset-paged newest first. The
 * store filters and pages each municipality (FeedbackRepository.inbox, on indexes); the pages are
 * merged in one order, and what the store cannot judge (text search, overdue) is judged here on
 * the page's items, reading on until the page is full.
 */
import type { FeedbackItem, FeedbackKind, FeedbackRepository, FeedbackStatus, InboxFilter } from '../feedback/types';
import { StaffAccessError } from './service';
import { canSee, type StaffMember } from './types';

export interface StaffInboxFilter {
  municipality?: string;
  team?: string;
  focusArea?: string;
  topic?: string;
  status?: FeedbackStatus;
  kind?: FeedbackKind;
  /** createdAt on or after this day (YYYY-MM-DD). */
  from?: string;
  /** createdAt on or before this day (YYYY-MM-DD). */
  to?: string;
  /** Text in the item's text, reference or place (case-insensitive). */
  q?: string;
  overdue?: boolean;
  limit: number;
  /** The `next` of the page before. */
  cursor?: string;
}

export interface InboxPage {
  items: FeedbackItem[];
  next?: string;
}

/** Store pages read at most for one inbox page when text search or overdue filter out items. */
const MAX_ROUNDS = 20;

/** The inbox's sort key: creation time, then id, so that every key is unique (keyset paging). */
export const inboxSortKey = (item: { createdAt: string; id: string }): string => `${item.createdAt}|${item.id}`;
export const encodeInboxCursor = (sortKey: string): string => Buffer.from(sortKey, 'utf8').toString('base64url');
export const decodeInboxCursor = (cursor: string): string => Buffer.from(cursor, 'base64url').toString('utf8');
/** The cursor that continues after `item` (the same in every municipality, so pages merge). */
export const inboxCursorAfter = (item: FeedbackItem): string => encodeInboxCursor(inboxSortKey(item));
/** Newest first in the inbox's order. */
export const inboxOrder = (a: FeedbackItem, b: FeedbackItem): number => {
  const ka = inboxSortKey(a);
  const kb = inboxSortKey(b);
  return ka < kb ? 1 : ka > kb ? -1 : 0;
};

export interface InboxDeps {
  feedback: Pick<FeedbackRepository, 'inbox'>;
  /** Ids of every municipality the deployment serves. */
  municipalities(): string[];
  isOverdue(item: FeedbackItem): boolean;
}

export function createStaffInbox(deps: InboxDeps) {
  const visible = (member: StaffMember): string[] => deps.municipalities().filter((id) => canSee(member, id));
  return {
    /** The municipalities a member may see. */
    visible,
    async inbox(member: StaffMember, filter: StaffInboxFilter): Promise<InboxPage> {
      const allowed = visible(member);
      if (filter.municipality && !allowed.includes(filter.municipality)) throw new StaffAccessError(`no access to ${filter.municipality}`);
      const municipalities = filter.municipality ? [filter.municipality] : allowed;
      const stored: InboxFilter = { status: filter.status, focusArea: filter.focusArea, kind: filter.kind, topic: filter.topic, team: filter.team, from: filter.from, to: filter.to };
      const q = filter.q?.toLowerCase();
      const keep = (i: FeedbackItem) =>
        (!q || i.text.toLowerCase().includes(q) || i.reference.toLowerCase().includes(q) || (i.place ?? '').toLowerCase().includes(q)) &&
        (filter.overdue === undefined || deps.isOverdue(i) === filter.overdue);
      const limit = Math.max(1, Math.floor(filter.limit));
      const out: FeedbackItem[] = [];
      let next = filter.cursor;
      for (let round = 0; round < MAX_ROUNDS; round += 1) {
        const pages = await Promise.all(municipalities.map((m) => deps.feedback.inbox(m, stored, { limit, cursor: next })));
        const all = pages.flatMap((p) => p.items).sort(inboxOrder);
        const merged = all.slice(0, limit);
        const more = pages.some((p) => p.next !== undefined) || all.length > merged.length;
        for (const [index, item] of merged.entries()) {
          if (!keep(item)) continue;
          out.push(item);
          if (out.length === limit) return { items: out, next: more || index < merged.length - 1 ? inboxCursorAfter(item) : undefined };
        }
        const last = merged.at(-1);
        if (!more || !last) return { items: out };
        next = inboxCursorAfter(last);
      }
      return { items: out, next };
    },
  };
}
