import type { GuideEventRepository, KeyValueStore, StoreHealth } from '../domain/ports';
import type { ContactRequestRepository, FeedbackRepository } from '../domain/feedback/types';

/**
 * One backend (SQLite by default, Cosmos DB in production) holding everything the bot keeps:
 * bot state (botbuilder Storage shape), feedback, contact requests and guide events.
 */
export interface Store {
  kind: 'sqlite' | 'cosmos';
  /** Bot state (ConversationState/UserState) and small documents, with eTags. */
  kv: KeyValueStore;
  feedback: FeedbackRepository;
  contactRequests: ContactRequestRepository;
  guideEvents: GuideEventRepository;
  health(): Promise<StoreHealth>;
  close(): Promise<void>;
}
