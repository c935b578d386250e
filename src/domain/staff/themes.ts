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

type Text = { text: string; language: Language };

/** The distinct terms of a text that can be themes (stemmed, four letters or more), in order. */
function themeTerms(text: Text): string[] {
  const seen = new Set<string>();
  for (const term of analyze(text.text, text.language)) if (term.length >= 4) seen.add(term);
  return [...seen];
}

interface DocFreq {
  n: number;
  example: string;
}

function docFreq(texts: Array<{ text: string; terms: string[] }>): Map<string, DocFreq> {
  const counts = new Map<string, DocFreq>();
  for (const { text, terms } of texts) {
    for (const term of terms) {
      const entry = counts.get(term);
      if (entry) entry.n += 1;
      else counts.set(term, { n: 1, example: text });
    }
  }
  return counts;
}

function rank(inGroup: Map<string, DocFreq>, groupSize: number, overall: Map<string, DocFreq>, total: number, limit: number): Theme[] {
  return [...inGroup]
    .filter(([, entry]) => entry.n >= 2 || groupSize < 4)
    .map(([term, entry]) => {
      const background = (overall.get(term)?.n ?? entry.n) / Math.max(1, total);
      const share = entry.n / Math.max(1, groupSize);
      return { term, count: entry.n, example: entry.example, score: share * Math.log(1 + share / Math.max(background, 1e-6)) };
    })
    .sort((a, b) => b.score - a.score || b.count - a.count)
    .slice(0, limit)
    .map(({ term, count, example }) => ({ term, count, example: example.length > 140 ? `${example.slice(0, 137)}…` : example }));
}

export function distinctiveTerms(group: Text[], all: Text[], limit = 6): Theme[] {
  const withTerms = (texts: Text[]) => texts.map((t) => ({ text: t.text, terms: themeTerms(t) }));
  return rank(docFreq(withTerms(group)), group.length, docFreq(withTerms(all)), all.length, limit);
}

/**
 * The themes of every group of `all` at once (e.g. per focus area), the same as distinctiveTerms
 * per group, with each text analysed once instead of once per group.
 */
export function themesByGroup<T extends Text>(all: T[], groupOf: (text: T) => string, limit = 6): Map<string, Theme[]> {
  const analysed = all.map((t) => ({ text: t.text, terms: themeTerms(t), group: groupOf(t) }));
  const overall = docFreq(analysed);
  const groups = new Map<string, typeof analysed>();
  for (const entry of analysed) {
    const list = groups.get(entry.group);
    if (list) list.push(entry);
    else groups.set(entry.group, [entry]);
  }
  const out = new Map<string, Theme[]>();
  for (const [group, members] of groups) out.set(group, rank(docFreq(members), members.length, overall, all.length, limit));
  return out;
}
