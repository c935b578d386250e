import type { Language } from './packs/schema';

/** What the bot keeps about a conversation across turns (no personal data). */
export interface ConversationSession {
  /** The data pack this conversation uses. */
  municipality: string;
  /** The language the user writes in; replies follow it. */
  language: Language;
  /** Set once the user's own words (or the page's language switch) decided the language: the channel's locale no longer does. */
  languageFrom?: 'text' | 'choice';
  /**
   * The last message the bot asked back about or could not answer, kept for one turn: "klagomål"
   * (or the suggestion button) right after it makes that message the suggestion.
   */
  pendingText?: string;
  /** The question the guide last answered or asked back about (masked) and its topic, to read a follow-up in its context. */
  previousQuestion?: { text: string; topic?: string };
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

/**
 * The language of a turn: the page's language switch, then what the message itself shows, then the
 * language the user's words already decided, then the channel's locale, then what was stored. So a
 * short answer ("yes", a name) keeps the conversation's language, and a Teams client set to English
 * does not turn a Swedish conversation into English.
 */
export function chooseLanguage(
  stored: Pick<ConversationSession, 'language' | 'languageFrom'>,
  turn: { chosen?: Language; evident?: Language; locale?: Language },
): Pick<ConversationSession, 'language' | 'languageFrom'> {
  if (turn.chosen) return { language: turn.chosen, languageFrom: 'choice' };
  if (turn.evident) return { language: turn.evident, languageFrom: 'text' };
  if (stored.languageFrom) return { language: stored.language, languageFrom: stored.languageFrom };
  return { language: turn.locale ?? stored.language };
}
