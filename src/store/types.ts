import type { GuideEventRepository, KeyValueStore, StoreHealth } from '../domain/ports';
import type { ContactRequestRepository, FeedbackRepository } from '../domain/feedback/types';
import type { DocumentBackend } from './documents';
import type { StaffRepository, TeamChannelRepository } from '../domain/staff/types';
import type { FocusGroupRepository } from '../domain/focusGroups/service';
import type { ApiKeyRepository } from '../domain/staff/apiKeys';
import type { LayoutMoved } from './migrations';
import type { FollowUpQueries } from '../domain/staff/report';

/**
 * One backend (SQLite by default, Cosmos DB in production) holding everything the bot keeps:
 * bot state (botbuilder Storage shape), feedback, contact requests and guide events.
 */
export interface Store {
  kind: 'sqlite' | 'cosmos';
  /** The documents underneath, for features that keep their own records (sessions, focus groups). */
  backend: DocumentBackend;
  /** Bot state (ConversationState/UserState) and small documents, with eTags. */
  kv: KeyValueStore;
  feedback: FeedbackRepository & FollowUpQueries;
  contactRequests: ContactRequestRepository;
  guideEvents: GuideEventRepository;
  staff: StaffRepository;
  channels: TeamChannelRepository;
  /** Open311 API keys (hashed), per municipality. */
  apiKeys: ApiKeyRepository;
  focusGroups: FocusGroupRepository;
  /**
   * Moves documents stored in an older layout (staff, API keys and focus groups in fixed partitions) to their
   * municipality partitions; idempotent, and three empty queries when there is nothing to move.
   */
  upgrade(): Promise<LayoutMoved>;
  /** The last known state; never waits on the store (a background probe keeps it current). */
  health(): Promise<StoreHealth>;
  /** Called each time the store answers again after an outage. */
  onAvailable(listener: () => void): void;
  close(): Promise<void>;
}
