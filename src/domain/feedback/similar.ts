/**
 * Similar suggestions: TF-IDF cosine over stemmed, folded words (the router's text processing).
 */
import { analyze } from '../text';
import type { Language } from '../packs/schema';

export interface SimilarityCandidate {
  id: string;
  text: string;
  language: Language;
  /** The text's terms (similarityTerms), when stored with it: then it is not analysed again. */
  terms?: readonly string[];
}

export interface SimilarMatch {
  id: string;
  score: number;
}

const MIN_SCORE = 0.25;
const STOP = new Set(['vid', 'och', 'att', 'som', 'for', 'med', 'den', 'det', 'har', 'inte', 'kan', 'ska', 'the', 'and', 'for', 'are', 'with', 'that', 'this', 'var', 'mer', 'fler', 'bor', 'borde', 'mycket', 'forslag', 'synpunkt', 'klagomal', 'kommun', 'kommunen', 'suggestion']);

/** The stemmed, folded terms similarity compares (stored with each suggestion, and indexed). */
export function similarityTerms(text: string, language: Language): string[] {
  return analyze(text, language).filter((term) => term.length > 2 && !STOP.has(term));
}

function countsOf(terms: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
  return counts;
}

function termCounts(text: string, language: Language): Map<string, number> {
  return countsOf(similarityTerms(text, language));
}

/**
 * The query terms worth looking up in the index: distinct, longest (most specific) first, equal
 * lengths in code-unit order (not localeCompare: its first call in a process builds ICU's collator,
 * ~25 ms on the first suggestion's turn, for an order that only has to be deterministic).
 */
export function lookupTerms(terms: readonly string[], max = 8): string[] {
  return [...new Set(terms)].sort((a, b) => b.length - a.length || (a < b ? -1 : a > b ? 1 : 0)).slice(0, max);
}

/** The candidates most like `text`, best first, at most `limit`, above a minimum similarity. */
export function findSimilar(text: string, language: Language, candidates: SimilarityCandidate[], limit = 3): SimilarMatch[] {
  if (candidates.length === 0) return [];
  const query = termCounts(text, language);
  const docs = candidates.map((c) => ({ id: c.id, counts: c.terms ? countsOf(c.terms) : termCounts(c.text, c.language) }));
  const df = new Map<string, number>();
  for (const doc of [...docs.map((d) => d.counts), query]) for (const term of doc.keys()) df.set(term, (df.get(term) ?? 0) + 1);
  const n = docs.length + 1;
  const weigh = (counts: Map<string, number>) => {
    const vector = new Map<string, number>();
    let norm = 0;
    for (const [term, count] of counts) {
      const w = (1 + Math.log(count)) * (Math.log((1 + n) / (1 + (df.get(term) ?? 0))) + 1);
      vector.set(term, w);
      norm += w * w;
    }
    return { vector, norm: Math.sqrt(norm) || 1 };
  };
  const q = weigh(query);
  return docs
    .map((doc) => {
      const d = weigh(doc.counts);
      let dot = 0;
      for (const [term, w] of q.vector) dot += w * (d.vector.get(term) ?? 0);
      return { id: doc.id, score: Math.round((dot / (q.norm * d.norm)) * 1000) / 1000 };
    })
    .filter((m) => m.score >= MIN_SCORE)
    .sort((a, b) => b.score - a.score)
    .slice(0, limit);
}
