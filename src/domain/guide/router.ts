/**
 * The guide's router: which topic (or business scenario) a message is about, in Swedish or
 * English, typed with or without å/ä/ö, with typos and with Swedish compounds.
 *
 * Built on `natural` (Swedish tokenizer, Swedish and English Porter stemmers, Damerau-Levenshtein
 * distance). Every message becomes a sparse feature vector:
 *   - word stems (Swedish and English stemmer on the folded word), weighted by inverse document frequency;
 *   - character 4-grams of every word, which carry typos and the parts of compounds;
 *   - for a word the training data never saw: the known words inside it ("serveringstillståndsansökan"
 *     → servering, tillstånd, ansökan) and known words within one or two typos of it ("bygglv" → bygglov).
 * A multinomial logistic regression over those features is trained from the packs' phrasings and
 * keywords when the bot starts (well under a second). Confidence is the model's probability, scaled
 * down when little of the message is known vocabulary, so small talk does not look like a topic.
 */
import type { Language, PhrasingSet, Scenario } from '../packs/schema';
import { detectLanguage, fold, stemEn, stemSv, tokenize } from '../text';

/* eslint-disable @typescript-eslint/no-require-imports */
const { DamerauLevenshteinDistance } = require('natural/lib/natural/distance/levenshtein_distance') as {
  DamerauLevenshteinDistance(a: string, b: string, options?: { transposition_cost?: number }): number;
};
/* eslint-enable @typescript-eslint/no-require-imports */

export interface RankedTopic {
  /** The taxonomy topic (a scenario counts as its primary topic). */
  topic: string;
  /** The intent that won for this topic: the topic id or `scenario:<id>`. */
  intent: string;
  /** 0..1 */
  confidence: number;
  /** The words of the message that decided it, as the user typed them. */
  decidingWords: string[];
}

export interface RouteResult {
  language: Language;
  /** Every topic, best first, one entry per topic. */
  ranked: RankedTopic[];
}

export interface Router {
  rank(text: string): RouteResult;
  /** How many intents and training examples it learnt from. */
  readonly stats: { intents: number; examples: number; features: number; trainMs: number };
}

/** Answer at or above `answer` (with a clear margin); ask back between `clarify` and `answer`; below, say so. */
export const ROUTER_THRESHOLDS = { answer: 0.45, clarify: 0.12 } as const;

const STOPWORDS = new Set(
  [
    // Swedish (folded)
    'och', 'att', 'jag', 'vi', 'du', 'ni', 'min', 'mitt', 'mina', 'var', 'vart', 'vara', 'ar', 'en', 'ett', 'for',
    'av', 'hur', 'vad', 'vem', 'gor', 'kan', 'ska', 'skall', 'med', 'i', 'pa', 'det', 'den', 'har', 'hade', 'fa',
    'hej', 'tack', 'som', 'man', 'eller', 'sa', 'om', 'till', 'fran', 'nar', 'dar', 'har', 'vill', 'inte', 'nagon',
    'nagot', 'nagra', 'mig', 'oss', 'er', 'sig', 'de', 'dem', 'denna', 'detta', 'dessa', 'blir', 'bli', 'ocksa',
    'mycket', 'lite', 'bara', 'kanske', 'undrar', 'fragar', 'fraga', 'behover', 'behov', 'hjalp', 'hjalpa', 'ni',
    'era', 'ert', 'er', 'nu', 'da', 'an', 'sin', 'sitt', 'sina', 'hos', 'vid', 'under', 'efter', 'innan', 'mot',
    'ju', 'val', 'eg', 'typ', 'liksom', 'alltsa', 'lr', 'o', 'osv', 'hmm', 'hallo', 'tjena', 'snalla', 'kommun',
    'kommunen', 'vilken', 'vilket', 'vilka', 'finns', 'galler', 'gors', 'gora',
    // English
    'the', 'a', 'an', 'and', 'or', 'to', 'of', 'in', 'on', 'at', 'for', 'with', 'by', 'from', 'is', 'are', 'am',
    'be', 'been', 'was', 'were', 'do', 'does', 'did', 'i', 'me', 'my', 'we', 'our', 'us', 'you', 'your', 'it',
    'its', 'this', 'that', 'these', 'those', 'what', 'how', 'who', 'where', 'when', 'which', 'can', 'could',
    'should', 'would', 'will', 'shall', 'need', 'want', 'have', 'has', 'had', 'get', 'please', 'hi', 'hello',
    'thanks', 'there', 'any', 'some', 'about', 'so', 'if', 'just', 'help', 'municipality', 'council',
  ].map((w) => w),
);

const NGRAM = 4;
const NGRAM_WEIGHT = 0.35;
const FUZZY_WEIGHT = 0.8;
const PART_WEIGHT = 0.7;

interface Featurized {
  /** feature → weight (before IDF) */
  counts: Map<string, number>;
  /** feature → the user's words that produced it */
  origin: Map<string, Set<string>>;
  /** Words that are content words (not stop words) */
  contentWords: string[];
  /** Content words the router knows (directly, as a typo or as compound parts) */
  knownWords: number;
}

function words(text: string): Array<{ raw: string; folded: string }> {
  return tokenize(text)
    .map((raw) => ({ raw, folded: fold(raw).replace(/[^a-z0-9]/g, '') }))
    .filter((w) => w.folded.length > 0);
}

function stems(folded: string): string[] {
  const sv = stemSv(folded);
  const en = stemEn(folded);
  return sv === en ? [sv] : [sv, en];
}

function ngrams(folded: string): string[] {
  const padded = `#${folded}#`;
  if (padded.length <= NGRAM) return [padded];
  const out: string[] = [];
  for (let i = 0; i + NGRAM <= padded.length; i += 1) out.push(padded.slice(i, i + NGRAM));
  return out;
}

class Vocabulary {
  /** folded known words (content words of the training data), grouped by length for typo search */
  private readonly byLength = new Map<number, string[]>();
  private readonly known = new Set<string>();
  /** Known words long enough to be found inside compounds, longest first */
  private parts: string[] = [];

  add(folded: string): void {
    if (this.known.has(folded) || STOPWORDS.has(folded) || folded.length < 3) return;
    this.known.add(folded);
    const list = this.byLength.get(folded.length) ?? [];
    list.push(folded);
    this.byLength.set(folded.length, list);
  }

  seal(): void {
    this.parts = [...this.known].filter((w) => w.length >= 4).sort((a, b) => b.length - a.length);
  }

  has(folded: string): boolean {
    return this.known.has(folded);
  }

  get size(): number {
    return this.known.size;
  }

  /** Known words within one typo (two for long words). */
  nearest(folded: string): string[] {
    if (folded.length < 5) return [];
    const max = folded.length >= 9 ? 2 : 1;
    let best = max + 1;
    let found: string[] = [];
    for (let len = folded.length - max; len <= folded.length + max; len += 1) {
      for (const candidate of this.byLength.get(len) ?? []) {
        if (candidate[0] !== folded[0] && candidate[1] !== folded[1]) continue;
        const distance = DamerauLevenshteinDistance(folded, candidate);
        if (distance < best) {
          best = distance;
          found = [candidate];
        } else if (distance === best) found.push(candidate);
      }
    }
    return best <= max ? found.slice(0, 3) : [];
  }

  /** Known words inside a compound, left to right without overlaps, longest first. */
  compoundParts(folded: string): string[] {
    if (folded.length < 8) return [];
    const taken: boolean[] = new Array<boolean>(folded.length).fill(false);
    const out: string[] = [];
    for (const part of this.parts) {
      if (part.length >= folded.length) continue;
      let from = folded.indexOf(part);
      while (from >= 0) {
        const free = taken.slice(from, from + part.length).every((t) => !t);
        if (free) {
          for (let i = from; i < from + part.length; i += 1) taken[i] = true;
          out.push(part);
          break;
        }
        from = folded.indexOf(part, from + 1);
      }
    }
    const covered = taken.filter(Boolean).length;
    return covered >= folded.length * 0.6 ? out : [];
  }
}

function featurize(text: string, vocabulary: Vocabulary | undefined): Featurized {
  const counts = new Map<string, number>();
  const origin = new Map<string, Set<string>>();
  const add = (feature: string, weight: number, raw: string) => {
    counts.set(feature, (counts.get(feature) ?? 0) + weight);
    let set = origin.get(feature);
    if (!set) origin.set(feature, (set = new Set()));
    set.add(raw);
  };
  const contentWords: string[] = [];
  let knownWords = 0;
  for (const { raw, folded } of words(text)) {
    if (STOPWORDS.has(folded) || (folded.length < 2 && !/\d/.test(folded))) continue;
    contentWords.push(raw);
    for (const stem of stems(folded)) add(`w:${stem}`, 1, raw);
    const grams = ngrams(folded);
    for (const gram of grams) add(`g:${gram}`, NGRAM_WEIGHT / Math.sqrt(grams.length), raw);
    if (!vocabulary) continue;
    if (vocabulary.has(folded)) {
      knownWords += 1;
      continue;
    }
    const parts = vocabulary.compoundParts(folded);
    const near = parts.length > 0 ? [] : vocabulary.nearest(folded);
    for (const part of parts) for (const stem of stems(part)) add(`w:${stem}`, PART_WEIGHT, raw);
    for (const word of near) for (const stem of stems(word)) add(`w:${stem}`, FUZZY_WEIGHT / near.length, raw);
    if (parts.length > 0 || near.length > 0) knownWords += 1;
  }
  return { counts, origin, contentWords, knownWords };
}

export interface TrainingInput {
  phrasings: PhrasingSet[];
  scenarios: Scenario[];
  /** Taxonomy topic ids; an intent that is neither a topic nor a known scenario is ignored. */
  topics: readonly string[];
}

type SparseVector = Array<[number, number]>;

/**
 * Trains the router. Deterministic: the same phrasings give the same model.
 */
export function trainRouter(input: TrainingInput): Router {
  const started = performance.now();
  const topicSet = new Set(input.topics);
  const scenarioTopic = new Map(input.scenarios.map((s) => [`scenario:${s.id}`, s.primaryTopic]));
  const topicOf = (intent: string): string | undefined =>
    intent.startsWith('scenario:') ? scenarioTopic.get(intent) : topicSet.has(intent) ? intent : undefined;

  // Merge sets with the same intent (shared + pack phrasings).
  const byIntent = new Map<string, { examples: string[]; keywords: string[] }>();
  for (const set of input.phrasings) {
    if (!topicOf(set.intent)) continue;
    const entry = byIntent.get(set.intent) ?? { examples: [], keywords: [] };
    entry.examples.push(...set.sv, ...set.en);
    entry.keywords.push(...set.keywords);
    byIntent.set(set.intent, entry);
  }
  const intents = [...byIntent.keys()].sort();
  if (intents.length < 2) throw new Error('the router needs phrasings for at least two intents');

  const vocabulary = new Vocabulary();
  for (const { examples, keywords } of byIntent.values()) {
    for (const text of [...examples, ...keywords]) for (const w of words(text)) vocabulary.add(w.folded);
  }
  vocabulary.seal();

  // Training documents: every example, and every keyword as a short document of its own.
  const docs: Array<{ intent: number; counts: Map<string, number> }> = [];
  intents.forEach((intent, index) => {
    const entry = byIntent.get(intent);
    if (!entry) return;
    for (const text of entry.examples) docs.push({ intent: index, counts: featurize(text, undefined).counts });
    for (const keyword of entry.keywords) docs.push({ intent: index, counts: featurize(keyword, undefined).counts });
  });

  const featureIndex = new Map<string, number>();
  const documentFrequency: number[] = [];
  for (const doc of docs) {
    for (const feature of doc.counts.keys()) {
      let index = featureIndex.get(feature);
      if (index === undefined) {
        index = featureIndex.size;
        featureIndex.set(feature, index);
        documentFrequency.push(0);
      }
      documentFrequency[index] = (documentFrequency[index] ?? 0) + 1;
    }
  }
  const idf = documentFrequency.map((df) => Math.log((1 + docs.length) / (1 + df)) + 1);

  const vectorize = (counts: Map<string, number>): SparseVector => {
    const vector: SparseVector = [];
    for (const [feature, count] of counts) {
      const index = featureIndex.get(feature);
      if (index === undefined) continue;
      vector.push([index, (1 + Math.log(count > 1 ? count : 1)) * Math.min(count, 1) * (idf[index] ?? 1)]);
    }
    const norm = Math.sqrt(vector.reduce((sum, [, v]) => sum + v * v, 0)) || 1;
    return vector.map(([i, v]) => [i, v / norm]);
  };

  const K = intents.length;
  const F = featureIndex.size;
  const weights = new Float64Array(K * F);
  const bias = new Float64Array(K);
  const training = docs.map((doc) => ({ intent: doc.intent, x: vectorize(doc.counts) }));

  const scores = (x: SparseVector, out: Float64Array): void => {
    for (let k = 0; k < K; k += 1) {
      let s = bias[k] ?? 0;
      const base = k * F;
      for (const [i, v] of x) s += (weights[base + i] ?? 0) * v;
      out[k] = s;
    }
  };
  const softmax = (values: Float64Array): void => {
    let max = -Infinity;
    for (const v of values) if (v > max) max = v;
    let sum = 0;
    for (let k = 0; k < values.length; k += 1) {
      values[k] = Math.exp((values[k] ?? 0) - max);
      sum += values[k] ?? 0;
    }
    for (let k = 0; k < values.length; k += 1) values[k] = (values[k] ?? 0) / sum;
  };

  // Multinomial logistic regression, SGD with L2, a fixed shuffled order (deterministic).
  const order = training.map((_, i) => i);
  let seed = 42;
  const random = () => {
    seed = (seed * 1664525 + 1013904223) % 4294967296;
    return seed / 4294967296;
  };
  const EPOCHS = 40;
  const LAMBDA = 1e-5;
  const probabilities = new Float64Array(K);
  for (let epoch = 0; epoch < EPOCHS; epoch += 1) {
    for (let i = order.length - 1; i > 0; i -= 1) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j] ?? 0, order[i] ?? 0];
    }
    const rate = 0.5 / (1 + epoch * 0.15);
    for (const n of order) {
      const sample = training[n];
      if (!sample) continue;
      scores(sample.x, probabilities);
      softmax(probabilities);
      for (let k = 0; k < K; k += 1) {
        const gradient = (probabilities[k] ?? 0) - (k === sample.intent ? 1 : 0);
        const base = k * F;
        for (const [i, v] of sample.x) {
          const w = weights[base + i] ?? 0;
          weights[base + i] = w - rate * (gradient * v + LAMBDA * w);
        }
        bias[k] = (bias[k] ?? 0) - rate * gradient * 0.1;
      }
    }
  }

  const trainMs = performance.now() - started;

  const rank = (text: string): RouteResult => {
    const language = detectLanguage(text);
    const featurized = featurize(text, vocabulary);
    const x = vectorize(featurized.counts);
    const ranked: RankedTopic[] = [];
    if (x.length === 0 || featurized.contentWords.length === 0) {
      return { language, ranked: [] };
    }
    const values = new Float64Array(K);
    scores(x, values);
    softmax(values);
    // Coverage: a message mostly made of words the router has never seen is a weak signal.
    const coverage = Math.min(1, (featurized.knownWords + 0.5) / Math.max(1, Math.min(featurized.contentWords.length, 4)));
    const best = new Map<string, { intent: number; p: number }>();
    let total = new Map<string, number>();
    for (let k = 0; k < K; k += 1) {
      const intent = intents[k] ?? '';
      const topic = topicOf(intent) ?? intent;
      const p = values[k] ?? 0;
      total.set(topic, (total.get(topic) ?? 0) + p);
      const current = best.get(topic);
      if (!current || p > current.p) best.set(topic, { intent: k, p });
    }
    total = new Map([...total].sort((a, b) => b[1] - a[1]));
    const indexToFeature = (() => {
      const list: string[] = [];
      for (const [feature, index] of featureIndex) list[index] = feature;
      return list;
    });
    let names: string[] | undefined;
    for (const [topic, p] of total) {
      const winner = best.get(topic);
      if (!winner) continue;
      // Which of the user's words pushed this intent up.
      const contribution = new Map<string, number>();
      const base = winner.intent * F;
      names ??= indexToFeature();
      for (const [i, v] of x) {
        const w = (weights[base + i] ?? 0) * v;
        if (w <= 0) continue;
        for (const raw of featurized.origin.get(names[i] ?? '') ?? []) contribution.set(raw, (contribution.get(raw) ?? 0) + w);
      }
      const decidingWords = [...contribution]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 3)
        .map(([word]) => word);
      ranked.push({
        topic,
        intent: intents[winner.intent] ?? topic,
        confidence: Math.round(p * coverage * 1000) / 1000,
        decidingWords,
      });
      if (ranked.length >= 8) break;
    }
    return { language, ranked };
  };

  return {
    rank,
    stats: { intents: K, examples: docs.length, features: F, trainMs: Math.round(trainMs) },
  };
}

/** The router for one pack: the shared phrasings plus the pack's own. */
export function routerFor(input: {
  shared: { phrasings: PhrasingSet[]; scenarios: Scenario[] };
  taxonomyTopics: readonly string[];
  packPhrasings: PhrasingSet[];
}): Router {
  return trainRouter({
    phrasings: [...input.shared.phrasings, ...input.packPhrasings],
    scenarios: input.shared.scenarios,
    topics: input.taxonomyTopics,
  });
}
