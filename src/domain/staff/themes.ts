/**
 * Top themes: the terms that most distinguish a group of texts (e.g. one focus area's suggestions)
 * from all of them, on the router's folded and stemmed terms.
 */
import { analyze } from '../text';
import type { Language } from '../packs/schema';

export interface Theme {
  term: string;
  /** How many texts of the group use it. */
  count: number;
  /** One text that uses it, as an example. */
  example: string;
}

export function distinctiveTerms(group: Array<{ text: string; language: Language }>, all: Array<{ text: string; language: Language }>, limit = 6): Theme[] {
  const docFreq = (texts: Array<{ text: string; language: Language }>) => {
    const counts = new Map<string, { n: number; example: string; surface: Map<string, number> }>();
    for (const { text, language } of texts) {
      const seen = new Set<string>();
      for (const term of analyze(text, language)) {
        if (term.length < 4 || seen.has(term)) continue;
        seen.add(term);
        const entry = counts.get(term) ?? { n: 0, example: text, surface: new Map<string, number>() };
        entry.n += 1;
        counts.set(term, entry);
      }
    }
    return counts;
  };
  const inGroup = docFreq(group);
  const overall = docFreq(all);
  const total = Math.max(1, all.length);
  return [...inGroup]
    .filter(([, entry]) => entry.n >= 2 || group.length < 4)
    .map(([term, entry]) => {
      const background = (overall.get(term)?.n ?? entry.n) / total;
      const share = entry.n / Math.max(1, group.length);
      return { term, count: entry.n, example: entry.example, score: share * Math.log(1 + share / Math.max(background, 1e-6)) };
    })
    .sort((a, b) => b.score - a.score || b.count - a.count)
    .slice(0, limit)
    .map(({ term, count, example }) => ({ term, count, example: example.length > 140 ? `${example.slice(0, 137)}…` : example }));
}
