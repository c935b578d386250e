/**
 * Repository interfaces of the domain core. Implemented by src/store/sqlite and src/store/cosmos;
 * both pass the one contract suite in test/store/. Nothing here imports botbuilder.
 */
import type { Language } from './packs/schema';

/** A JSON-safe document, as kept by the key-value store. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export interface StoredDocument {
  [key: string]: unknown;
  /** Optimistic concurrency: '*' or absent overwrites, anything else must match the stored eTag. */
  eTag?: string;
}

/**
 * Key-value documents with eTags. Its shape is botbuilder's `Storage`, so the bot layer passes it
 * straight to ConversationState/UserState without the domain importing botbuilder.
 */
export interface KeyValueStore {
  read(keys: string[]): Promise<Record<string, StoredDocument>>;
  write(changes: Record<string, StoredDocument>): Promise<void>;
  /** Writes the key only if it does not exist yet, atomically in the store: true when this call created it. */
  createOnce(key: string, value: Record<string, unknown>): Promise<boolean>;
  delete(keys: string[]): Promise<void>;
}

/** Thrown on an update whose eTag no longer matches (someone else changed the record first). */
export class ConcurrencyError extends Error {
  constructor(what: string) {
    super(`${what} was changed by someone else; reload and try again`);
    this.name = 'ConcurrencyError';
  }
}

/** Thrown when the store cannot be reached; callers keep the work (outbox) and tell the user. */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

/**
 * A stored document that does not have the shape its collection promises (edited by hand, cut
 * short, or written by a version that stored something else). Reading it by id throws this; a
 * list leaves it out and logs it, so one bad row never hides the good ones.
 */
export class CorruptDocumentError extends Error {
  constructor(
    readonly collection: string,
    readonly id: string,
    /** The fields that do not fit, as paths (`status`, `submitter.userKey`); empty for the whole document. */
    readonly fields: string[],
    detail: string,
  ) {
    super(`stored ${collection} document "${id}" does not fit its schema: ${detail}`);
    this.name = 'CorruptDocumentError';
  }
}

/** Where the bot can reach a user again (a Bot Framework conversation reference, kept as plain JSON). */
export type ConversationAddress = Record<string, JsonValue>;

export interface StoreHealth {
  ok: boolean;
  /** 'sqlite', 'cosmos', or another store's name. */
  kind: string;
  detail?: string;
}

export interface GuideEvent {
  id: string;
  municipality: string;
  kind: 'answered' | 'clarified' | 'unrecognised' | 'helpful' | 'not-helpful' | 'handoff';
  /** The user's question with personal data masked; never a user id. */
  text?: string;
  topic?: string;
  confidence?: number;
  language: Language;
  at: string;
}

export interface GuideEventRepository {
  record(event: GuideEvent): Promise<void>;
  list(municipality: string, filter?: { kind?: GuideEvent['kind']; since?: string }): Promise<GuideEvent[]>;
}
