/**
 * Every change of a feedback item, as one domain event. The services publish them (after the one
 * write that made the change) to the event queue (src/domain/events/queue.ts); subscribers in the
 * bot layer post or update the team's card and tell the submitter.
 *
 * One staff action is one event (taking a new item assigns and receives it: one `assigned` event),
 * so a subscriber such as the team card does its work once per action. Each event carries the item
 * as stored after the change.
 */
import type { FeedbackItem, FeedbackStatus } from './types';

interface Change {
  item: FeedbackItem;
  at: string;
  /** A staff id, 'submitter' or 'system'. */
  by: string;
}

export type ItemEvent =
  /** Stored (with its team assignment); `queued` when it waited in the outbox first. */
  | (Change & { type: 'created'; queued: boolean })
  /** A staff member took it; taking a new item also receives it (`status`), in the same event. */
  | (Change & { type: 'assigned'; to: string; status?: { from: FeedbackStatus; to: FeedbackStatus } })
  | (Change & { type: 'retagged'; changes: Array<{ field: 'focusArea' | 'topic'; from?: string; to: string }> })
  | (Change & { type: 'status'; from: FeedbackStatus; to: FeedbackStatus; outcome?: string })
  | (Change & { type: 'answered'; text: string })
  /** Closed as a duplicate of the item with reference `of`. */
  | (Change & { type: 'duplicate'; of: string })
  /** Someone supported it (published for every support; a repeated one from the same person leaves the count as it was). */
  | (Change & { type: 'supported' });

export type ItemEventType = ItemEvent['type'];

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** An event before its write: what changed, without the stored item. */
export type ItemChange = DistributiveOmit<ItemEvent, 'item' | 'at' | 'by'>;

/** The order key of an item's events: all of one item are handled in order. */
export const itemEventKey = (event: ItemEvent): string => `${event.item.municipality}/${event.item.id}`;
