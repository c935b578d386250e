import type { Language } from './packs/schema';

/** What the bot keeps about a conversation across turns (no personal data). */
export interface ConversationSession {
  /** The data pack this conversation uses. */
  municipality: string;
  /** The language the user writes in; replies follow it. */
  language: Language;
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
