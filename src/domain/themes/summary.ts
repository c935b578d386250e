/**
 * Themes in summaries: a group of texts (one focus area's suggestions, a focus group's answers)
 * counted by what they are about, with readable theme names and example quotes.
 */
import type { Language } from '../packs/schema';
import type { ThemeLayer } from './layer';

export interface ThemeCount {
  theme: string;
  name: Record<Language, string>;
  /** How many of the texts are about this theme. */
  count: number;
  /** Up to two of them, the shortest first, as quotes. */
  examples: string[];
}

const QUOTE_LENGTH = 140;
const quote = (text: string) => (text.length > QUOTE_LENGTH ? `${text.slice(0, QUOTE_LENGTH - 1)}…` : text);

/**
 * Counts the texts per theme, most frequent first (ties by theme id), at most `limit` themes.
 * A text's theme is the one stored with it, or the layer's best theme for it.
 */
export function countThemes(texts: ReadonlyArray<{ text: string; theme?: string }>, layer: ThemeLayer, limit = 6): ThemeCount[] {
  const groups = new Map<string, string[]>();
  for (const { text, theme } of texts) {
    const id = theme ?? layer.classify(text)[0]?.theme;
    if (!id) continue;
    groups.set(id, [...(groups.get(id) ?? []), text]);
  }
  return [...groups]
    .sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1))
    .slice(0, limit)
    .map(([theme, members]) => ({
      theme,
      name: { sv: layer.name(theme, 'sv'), en: layer.name(theme, 'en') },
      count: members.length,
      examples: [...members].sort((a, b) => a.length - b.length).slice(0, 2).map(quote),
    }));
}
