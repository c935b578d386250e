import type { NewFeedbackItem, SubmitterContact } from './types';

/** A suggestion that could not be stored yet (the store was unreachable). */
export interface OutboxEntry {
  /** Stable per (municipality, source key), so a repeated delivery queues once. */
  id: string;
  kind: 'feedback';
  item: NewFeedbackItem;
  contact?: SubmitterContact;
  queuedAt: string;
  attempts: number;
}

/** Durable local storage for work that waits for the store. */
export interface Outbox {
  put(entry: OutboxEntry): Promise<void>;
  list(): Promise<OutboxEntry[]>;
  remove(id: string): Promise<void>;
}
