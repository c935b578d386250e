import type { Language } from './packs/schema';

/** What the bot keeps about a conversation across turns (no personal data). */
export interface ConversationSession {
  /** The data pack this conversation uses. */
  municipality: string;
  /** The language the user writes in; replies follow it. */
  language: Language;
  /** Ids of the last activities handled, so a channel's repeated delivery is handled once. */
  recentActivityIds?: string[];
}

const RECENT = 20;

/** True when this activity id was handled already; otherwise remembers it. */
export function seenBefore(session: ConversationSession, activityId: string | undefined): boolean {
  if (!activityId) return false;
  const recent = session.recentActivityIds ?? [];
  if (recent.includes(activityId)) return true;
  session.recentActivityIds = [...recent.slice(-(RECENT - 1)), activityId];
  return false;
}

/**
 * Picks the municipality for a turn: a valid id requested by the channel (web chat page,
 * channelData.municipality) wins, then the one the conversation already has, then the default.
 */
export function chooseMunicipality(
  requested: unknown,
  current: string | undefined,
  known: ReadonlySet<string>,
  fallback: string,
): string {
  if (typeof requested === 'string') {
    const id = requested.trim().toLowerCase();
    if (known.has(id)) return id;
  }
  if (current && known.has(current)) return current;
  return fallback;
}
