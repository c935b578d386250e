/**
 * A small text classifier for Swedish and English, shared by the guide's router (topics) and the
 * feedback tagger (focus areas). Built on `natural` (Swedish tokenizer, Swedish and English Porter
 * stemmers, Damerau-Levenshtein distance). Every text becomes a sparse feature vector:
 *   - word stems (Swedish and English stemmer on the folded word), weighted by inverse document frequency;
 *   - character 4-grams of every word, which carry typos and the parts of compounds;
 *   - for a word the training data never saw: the known words inside it ("serveringstillståndsansökan"
 *     → servering, tillstånd, ansökan) and known words within one or two typos of it ("bygglv" → bygglov).
 * A multinomial logistic regression over those features is trained from the examples (and keywords)
 * when the bot starts, in well under a second per model, deterministically.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fold, stemsOfFolded, tokenize } from './index';

/**
 * natural's DamerauLevenshteinDistance (unrestricted, every cost 1), computed the same way cell by
 * cell, with one reused table of numbers instead of an object per cell: the typo search runs it
 * for many candidates per message.
 */
let distanceTable = new Int32Array(0);
const lastRowOf = new Map<string, number>();
export function damerauLevenshtein(source: string, target: string): number {
  const rows = source.length;
  const columns = target.length;
  const width = columns + 1;
  if (distanceTable.length < (rows + 1) * width) distanceTable = new Int32Array((rows + 1) * width * 2);
  const table = distanceTable;
  lastRowOf.clear();
  for (let row = 0; row <= rows; row += 1) table[row * width] = row;
  for (let column = 1; column <= columns; column += 1) table[column] = column;
  for (let row = 1; row <= rows; row += 1) {
    let lastColumnMatch = 0;
    const sourceElement = source[row - 1] ?? '';
    for (let column = 1; column <= columns; column += 1) {
      const targetElement = target[column - 1] ?? '';
      const insert = (table[row * width + column - 1] ?? 0) + 1;
      const remove = (table[(row - 1) * width + column] ?? 0) + 1;
      const substitute = (table[(row - 1) * width + column - 1] ?? 0) + (sourceElement === targetElement ? 0 : 1);
      let cost = Math.min(insert, remove, substitute);
      const lastRowMatch = lastRowOf.get(targetElement);
      if (row > 1 && column > 1 && lastColumnMatch > 0 && lastRowMatch !== undefined) {
        const transpose = (table[(lastRowMatch - 1) * width + lastColumnMatch - 1] ?? 0) + (row - lastRowMatch - 1) + (column - lastColumnMatch - 1) + 1;
        cost = Math.min(cost, transpose);
      }
      table[row * width + column] = cost;
      lastRowOf.set(sourceElement, row);
      if (sourceElement === targetElement) lastColumnMatch = column;
    }
  }
  return table[rows * width + columns] ?? 0;
}
const NATURAL_VERSION = (require('natural/package.json') as { version: string }).version;

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
/**
 * Most candidate lookups (a typo distance to one known word, a scan for one compound part) that one
 * message may cost. A question in the evaluation sets needs at most about 2 800 (most none);
 * 4 000 characters of made-up words would need tens of thousands. Past the budget, unknown words
 * keep their stems and n-grams but get no search.
 */
export const LOOKUP_BUDGET = 4_000;
/** Content words of one message that count; the rest of a very long text is not read. */
export const MAX_CONTENT_WORDS = 120;
/** Words longer than this get no typo or compound search (no real compound is that long). */
const MAX_SEARCHED_WORD = 40;

/** Counts the candidate lookups of one message against its budget. */
export class WorkBudget {
  lookups = 0;
  constructor(readonly budget: number = LOOKUP_BUDGET) {}
  /** Takes `cost` lookups (1 for a part check, more for a typo distance); false when the budget is spent. */
  take(cost = 1): boolean {
    if (this.lookups + cost > this.budget) {
      this.lookups = this.budget;
      return false;
    }
    this.lookups += cost;
    return true;
  }
  get spent(): boolean {
    return this.lookups >= this.budget;
  }
}
/** Default weight of a word's character n-grams against its stem. */
const NGRAM_WEIGHT = 2;
const FUZZY_WEIGHT = 0.8;
const PART_WEIGHT = 0.7;

interface Featurized {
  /** feature → weight (before IDF) */
  counts: Map<string, number>;
  /** feature → the user's words that produced it, each once (empty when not asked for) */
  origin: Map<string, string[]>;
  /** Words that are content words (not stop words) */
  contentWords: string[];
  /** Content words the router knows (directly, as a typo or as compound parts) */
  knownWords: number;
  /** Candidate lookups the typo and compound search took (at most the budget). */
  lookups: number;
}

function words(text: string): Array<{ raw: string; folded: string }> {
  return tokenize(text)
    .map((raw) => ({ raw, folded: fold(raw).replace(/[^a-z0-9]/g, '') }))
    .filter((w) => w.folded.length > 0);
}

/** Stems of a folded word (only a-z and 0-9, so folding it again would change nothing). */
function stems(folded: string): string[] {
  return stemsOfFolded(folded);
}

function ngrams(folded: string): string[] {
  const padded = `#${folded}#`;
  if (padded.length <= NGRAM) return [padded];
  const out: string[] = [];
  for (let i = 0; i + NGRAM <= padded.length; i += 1) out.push(padded.slice(i, i + NGRAM));
  return out;
}

/** How often each of a-z and 0-9 occurs in a folded word. */
function countLetters(word: string): Uint8Array {
  const counts = new Uint8Array(36);
  for (let i = 0; i < word.length; i += 1) {
    const code = word.charCodeAt(i);
    const slot = code >= 97 && code <= 122 ? code - 97 : code >= 48 && code <= 57 ? 26 + code - 48 : -1;
    if (slot >= 0) counts[slot] = Math.min(255, (counts[slot] ?? 0) + 1);
  }
  return counts;
}

function letterDifference(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i += 1) sum += Math.abs((a[i] ?? 0) - (b[i] ?? 0));
  return sum;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

class Vocabulary {
  /** folded known words (content words of the training data), grouped by length for typo search */
  private readonly byLength = new Map<number, string[]>();
  private readonly known = new Set<string>();
  /** Known words long enough to be found inside compounds, longest first */
  private parts: string[] = [];
  private readonly letterCache = new Map<string, Uint8Array>();
  private readonly partsByStart = new Map<string, Array<{ part: string; rank: number }>>();
  private readonly partsByEnd = new Map<string, Array<{ part: string; rank: number }>>();
  /** Stems of known words, worked out when first needed (at most one entry per known word). */
  private readonly knownStems = new Map<string, string[]>();

  add(folded: string): void {
    if (this.known.has(folded) || STOPWORDS.has(folded) || folded.length < 3) return;
    this.known.add(folded);
    const list = this.byLength.get(folded.length) ?? [];
    list.push(folded);
    this.byLength.set(folded.length, list);
  }

  seal(): void {
    this.parts = [...this.known].filter((w) => w.length >= 4).sort((a, b) => b.length - a.length);
    // Parts by their first and by their last three letters, each list in `parts` order (its index kept).
    this.partsByStart.clear();
    this.partsByEnd.clear();
    this.parts.forEach((part, rank) => {
      push(this.partsByStart, part.slice(0, 3), { part, rank });
      push(this.partsByEnd, part.slice(-3), { part, rank });
    });
  }

  private letterCounts(word: string): Uint8Array {
    let counts = this.letterCache.get(word);
    if (!counts) this.letterCache.set(word, (counts = countLetters(word)));
    return counts;
  }

  /** The parts that occur in `folded`, in `parts` order; one lookup per part checked at a position. */
  private partsIn(folded: string, work: WorkBudget): string[] | undefined {
    const found = new Map<number, string>();
    for (let i = 0; i + 3 <= folded.length; i += 1) {
      for (const { part, rank } of this.partsByStart.get(folded.slice(i, i + 3)) ?? []) {
        if (found.has(rank) || part.length >= folded.length) continue;
        if (!work.take()) return undefined;
        if (folded.startsWith(part, i)) found.set(rank, part);
      }
    }
    return [...found].sort((a, b) => a[0] - b[0]).map(([, part]) => part);
  }

  has(folded: string): boolean {
    return this.known.has(folded);
  }

  /** The stems of a word: remembered for known words, worked out again for any other. */
  stems(folded: string): string[] {
    if (!this.known.has(folded)) return stems(folded);
    let found = this.knownStems.get(folded);
    if (!found) this.knownStems.set(folded, (found = stems(folded)));
    return found;
  }

  /** How many known words have their stems remembered. */
  get rememberedStems(): number {
    return this.knownStems.size;
  }

  get size(): number {
    return this.known.size;
  }

  /** The known words in the order they were added (a model file keeps this order). */
  words(): string[] {
    return [...this.known];
  }

  /** Known words within one typo (two for long words). */
  nearest(folded: string, work: WorkBudget): string[] {
    if (folded.length < 5 || folded.length > MAX_SEARCHED_WORD) return [];
    const max = folded.length >= 9 ? 2 : 1;
    const letters = countLetters(folded);
    let best = max + 1;
    let found: string[] = [];
    for (let len = folded.length - max; len <= folded.length + max; len += 1) {
      for (const candidate of this.byLength.get(len) ?? []) {
        if (candidate[0] !== folded[0] && candidate[1] !== folded[1]) continue;
        // Letter counts first (one lookup): an edit changes at most two counts, a swap none, so a
        // word whose counts differ by more than twice the best distance so far cannot be nearer.
        if (!work.take()) return best <= max ? found.slice(0, 3) : [];
        if (Math.ceil(letterDifference(letters, this.letterCounts(candidate)) / 2) > best) continue;
        // A distance fills a table of |a|·|b| cells: it costs one lookup per 10 cells.
        if (!work.take(Math.ceil((folded.length * candidate.length) / 10))) return best <= max ? found.slice(0, 3) : [];
        const distance = damerauLevenshtein(folded, candidate);
        if (distance < best) {
          best = distance;
          found = [candidate];
        } else if (distance === best) found.push(candidate);
      }
    }
    return best <= max ? found.slice(0, 3) : [];
  }

  /** Known words inside a compound, left to right without overlaps, longest first. */
  compoundParts(folded: string, work: WorkBudget): string[] {
    if (folded.length < 8 || folded.length > MAX_SEARCHED_WORD) return [];
    const taken: boolean[] = new Array<boolean>(folded.length).fill(false);
    const out: string[] = [];
    const present = this.partsIn(folded, work);
    if (!present) return [];
    for (const part of present) {
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

  /** A Swedish compound's head or tail alone still says a lot ("brandsläckare" → brand). */
  headOrTail(folded: string, work: WorkBudget): string[] {
    if (folded.length < 8 || folded.length > MAX_SEARCHED_WORD) return [];
    const head = (this.partsByStart.get(folded.slice(0, 3)) ?? []).find(
      ({ part }) => work.take() && part.length >= 4 && folded.startsWith(part) && folded.length - part.length >= 3,
    )?.part;
    const tail = (this.partsByEnd.get(folded.slice(-3)) ?? []).find(
      ({ part }) => work.take() && part.length >= 5 && folded.endsWith(part) && folded.length - part.length >= 3,
    )?.part;
    return [head, tail].filter((p): p is string => p !== undefined);
  }
}

export function featurize(
  text: string,
  vocabulary: Vocabulary | undefined,
  ngramWeight = NGRAM_WEIGHT,
  work: WorkBudget = new WorkBudget(),
  /** Whether to keep which words produced each feature (classifying does; training does not). */
  withOrigin = true,
): Featurized {
  const counts = new Map<string, number>();
  const origin = new Map<string, string[]>();
  const add = (feature: string, weight: number, raw: string) => {
    counts.set(feature, (counts.get(feature) ?? 0) + weight);
    if (!withOrigin) return;
    const from = origin.get(feature);
    if (!from) origin.set(feature, [raw]);
    else if (!from.includes(raw)) from.push(raw);
  };
  const stemsOf = (folded: string) => (vocabulary ? vocabulary.stems(folded) : stems(folded));
  const contentWords: string[] = [];
  let knownWords = 0;
  // An unknown word that comes again is searched once.
  const searched = new Map<string, { parts: string[]; near: string[] }>();
  const search = (v: Vocabulary, folded: string) => {
    let found = searched.get(folded);
    if (!found) {
      let parts = work.spent ? [] : v.compoundParts(folded, work);
      const near = parts.length > 0 || work.spent ? [] : v.nearest(folded, work);
      if (parts.length === 0 && near.length === 0 && !work.spent) parts = v.headOrTail(folded, work);
      found = { parts, near };
      searched.set(folded, found);
    }
    return found;
  };
  for (const { raw, folded } of words(text)) {
    if (STOPWORDS.has(folded) || (folded.length < 2 && !/\d/.test(folded))) continue;
    if (contentWords.length >= MAX_CONTENT_WORDS) break;
    contentWords.push(raw);
    for (const stem of stemsOf(folded)) add(`w:${stem}`, 1, raw);
    const grams = ngrams(folded);
    for (const gram of grams) add(`g:${gram}`, ngramWeight / Math.sqrt(grams.length), raw);
    if (!vocabulary) continue;
    if (vocabulary.has(folded)) {
      knownWords += 1;
      continue;
    }
    const { parts, near } = search(vocabulary, folded);
    for (const part of parts) for (const stem of vocabulary.stems(part)) add(`w:${stem}`, PART_WEIGHT, raw);
    for (const word of near) for (const stem of vocabulary.stems(word)) add(`w:${stem}`, FUZZY_WEIGHT / near.length, raw);
    if (parts.length > 0 || near.length > 0) knownWords += 1;
  }
  return { counts, origin, contentWords, knownWords, lookups: work.lookups };
}


export interface LabelExamples {
  label: string;
  examples: string[];
  /** Words or stems that signal the label strongly; each is trained as a short example of its own. */
  keywords?: string[];
}

export interface Scored {
  label: string;
  /** Probability from the model, 0..1, summing to 1 over all labels. */
  probability: number;
  /** The words of the text that pushed this label up, as written. */
  decidingWords: string[];
}

export interface Classification {
  /** Every label, best first. */
  scored: Scored[];
  /** Share of the text's content words the model knows (directly, as a typo or as compound parts). */
  coverage: number;
  contentWords: number;
  /** Candidate lookups the typo and compound search took for this text (at most LOOKUP_BUDGET). */
  lookups: number;
}

export interface TextClassifier {
  /** `budget`: most candidate lookups for this text (default LOOKUP_BUDGET). */
  classify(text: string, budget?: number): Classification;
  readonly labels: readonly string[];
  readonly stats: { labels: number; examples: number; features: number; trainMs: number; cached?: boolean };
}

type SparseVector = Array<[number, number]>;

/**
 * Where trained models are kept between starts (a folder of files in production, see
 * src/store/modelCache.ts). Keys are hashes of everything a model came from.
 */
export interface ModelCache {
  read(key: string): string | undefined;
  write(key: string, model: string): void;
  /**
   * Whether a model is stored under the key, without reading it. A cache that can tell lets a
   * start defer reading and building a cached model to its first use (or to loadDeferredModel).
   */
  has?(key: string): boolean;
}

export interface TrainOptions {
  epochs?: number;
  /** L2 regularisation. */
  lambda?: number;
  /** Weight of character n-grams (typos, compounds) against word stems. */
  ngramWeight?: number;
  /** Load the model trained from the same input (and code) instead of training it again. */
  cache?: ModelCache;
}

/** Everything a trained classifier is: what classifying a text needs, and nothing else. */
export interface ClassifierModel {
  labels: string[];
  ngramWeight: number;
  /** Known words, in the order training added them (typo and compound search keeps it). */
  vocabulary: string[];
  /** Feature names by index. */
  features: string[];
  idf: number[];
  /** K × F weights, row per label. */
  weights: Float64Array;
  bias: Float64Array;
  stats: { examples: number; trainMs: number };
}

const MODEL_FORMAT = 1;

/**
 * The code a model depends on: this file, the text processing it uses, and natural's version.
 * A change to any of them makes every cached model stale.
 */
let codeVersion: string | undefined;
function classifierCodeVersion(): string {
  if (codeVersion === undefined) {
    const hash = createHash('sha256').update(`format ${MODEL_FORMAT}\0natural ${NATURAL_VERSION}\0`);
    // The TypeScript source, also when this runs compiled from dist/ (npm start), so that the
    // models trained by `npm run dev`, the tests and the built server share one cache.
    const here = dirname(__filename);
    const sourceDir = [here, join(here, '..', '..', '..', '..', 'src', 'domain', 'text')].find((dir) => existsSync(join(dir, 'classifier.ts')));
    const files = sourceDir ? [join(sourceDir, 'classifier.ts'), join(sourceDir, 'index.ts')] : [__filename, join(here, `index${extname(__filename)}`)];
    for (const file of files) {
      try {
        hash.update(readFileSync(file));
      } catch {
        hash.update(file);
      }
    }
    codeVersion = hash.digest('hex');
  }
  return codeVersion;
}

/** The cache key of a training run: a hash of the examples, the options and the code version. */
export function trainingKey(input: LabelExamples[], options: TrainOptions = {}): string {
  const { cache: _cache, ...rest } = options;
  const settings = { epochs: rest.epochs ?? 30, lambda: rest.lambda ?? 1e-5, ngramWeight: rest.ngramWeight ?? NGRAM_WEIGHT };
  return createHash('sha256')
    .update(classifierCodeVersion())
    .update(JSON.stringify(settings))
    .update(JSON.stringify(input.map((set) => [set.label, set.examples, set.keywords ?? []])))
    .digest('hex');
}

const toBase64 = (values: Float64Array): string => Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
function fromBase64(text: string): Float64Array {
  const bytes = Buffer.from(text, 'base64');
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return new Float64Array(copy.buffer, 0, Math.floor(copy.length / 8));
}

/** The model as text: JSON, with the weights as base64 of their exact bits. */
export function serializeModel(model: ClassifierModel): string {
  return JSON.stringify({ format: MODEL_FORMAT, ...model, weights: toBase64(model.weights), bias: toBase64(model.bias) });
}

/** Reads a serialised model; undefined when it is not one (a broken or older file). */
export function parseModel(text: string): ClassifierModel | undefined {
  try {
    const raw = JSON.parse(text) as Record<string, unknown>;
    if (raw.format !== MODEL_FORMAT) return undefined;
    const strings = (value: unknown): value is string[] => Array.isArray(value) && value.every((v) => typeof v === 'string');
    const numbers = (value: unknown): value is number[] => Array.isArray(value) && value.every((v) => typeof v === 'number');
    const stats = raw.stats as { examples?: unknown; trainMs?: unknown } | undefined;
    if (!strings(raw.labels) || !strings(raw.vocabulary) || !strings(raw.features) || !numbers(raw.idf)) return undefined;
    if (typeof raw.ngramWeight !== 'number' || typeof raw.weights !== 'string' || typeof raw.bias !== 'string') return undefined;
    if (typeof stats?.examples !== 'number' || typeof stats.trainMs !== 'number') return undefined;
    const weights = fromBase64(raw.weights);
    const bias = fromBase64(raw.bias);
    if (weights.length !== raw.labels.length * raw.features.length || bias.length !== raw.labels.length) return undefined;
    if (raw.idf.length !== raw.features.length) return undefined;
    return {
      labels: raw.labels,
      ngramWeight: raw.ngramWeight,
      vocabulary: raw.vocabulary,
      features: raw.features,
      idf: raw.idf,
      weights,
      bias,
      stats: { examples: stats.examples, trainMs: stats.trainMs },
    };
  } catch {
    return undefined;
  }
}

function vectorizer(featureIndex: Map<string, number>, idf: ArrayLike<number>) {
  return (counts: Map<string, number>): SparseVector => {
    const vector: SparseVector = [];
    for (const [feature, count] of counts) {
      const index = featureIndex.get(feature);
      if (index === undefined) continue;
      const tf = count > 1 ? 1 + Math.log(count) : count;
      vector.push([index, tf * (idf[index] ?? 1)]);
    }
    const norm = Math.sqrt(vector.reduce((sum, [, v]) => sum + v * v, 0)) || 1;
    return vector.map(([i, v]) => [i, v / norm]);
  };
}

function scorer(weights: Float64Array, bias: Float64Array, K: number, F: number) {
  return (x: SparseVector, out: Float64Array): void => {
    for (let k = 0; k < K; k += 1) {
      let s = bias[k] ?? 0;
      const base = k * F;
      for (const [i, v] of x) s += (weights[base + i] ?? 0) * v;
      out[k] = s;
    }
  };
}

function softmax(values: Float64Array): void {
  let max = -Infinity;
  for (const v of values) if (v > max) max = v;
  let sum = 0;
  for (let k = 0; k < values.length; k += 1) {
    values[k] = Math.exp((values[k] ?? 0) - max);
    sum += values[k] ?? 0;
  }
  for (let k = 0; k < values.length; k += 1) values[k] = (values[k] ?? 0) / sum;
}

/** Trains a model. Deterministic: the same examples give the same model. */
export function trainModel(input: LabelExamples[], options: TrainOptions = {}): ClassifierModel {
  const started = performance.now();
  const ngramWeight = options.ngramWeight ?? NGRAM_WEIGHT;
  const byLabel = new Map<string, { examples: string[]; keywords: string[] }>();
  for (const set of input) {
    const entry = byLabel.get(set.label) ?? { examples: [], keywords: [] };
    entry.examples.push(...set.examples);
    entry.keywords.push(...(set.keywords ?? []));
    byLabel.set(set.label, entry);
  }
  const labels = [...byLabel.keys()].sort();
  if (labels.length < 2) throw new Error('a classifier needs examples for at least two labels');

  const vocabulary = new Vocabulary();
  for (const { examples, keywords } of byLabel.values()) {
    for (const text of [...examples, ...keywords]) for (const w of words(text)) vocabulary.add(w.folded);
  }

  const docs: Array<{ label: number; counts: Map<string, number> }> = [];
  labels.forEach((label, index) => {
    const entry = byLabel.get(label);
    if (!entry) return;
    for (const text of [...entry.examples, ...entry.keywords]) docs.push({ label: index, counts: featurize(text, undefined, ngramWeight, new WorkBudget(), false).counts });
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
  const featureNames: string[] = [];
  for (const [feature, index] of featureIndex) featureNames[index] = feature;
  const idf = documentFrequency.map((df) => Math.log((1 + docs.length) / (1 + df)) + 1);
  const vectorize = vectorizer(featureIndex, idf);

  const K = labels.length;
  const F = featureIndex.size;
  const weights = new Float64Array(K * F);
  const bias = new Float64Array(K);
  const training = docs.map((doc) => ({ label: doc.label, x: vectorize(doc.counts) }));
  // Balanced classes: a label with many examples must not win on prior alone.
  const perLabel = new Array<number>(labels.length).fill(0);
  for (const doc of docs) perLabel[doc.label] = (perLabel[doc.label] ?? 0) + 1;
  const meanPerLabel = docs.length / labels.length;
  const sampleWeight = perLabel.map((n) => (n > 0 ? Math.sqrt(meanPerLabel / n) : 1));
  const scores = scorer(weights, bias, K, F);

  // Multinomial logistic regression: SGD with L2 in a fixed pseudo-random order.
  const order = training.map((_, i) => i);
  let seed = 42;
  const random = () => {
    seed = (seed * 1664525 + 1013904223) % 4294967296;
    return seed / 4294967296;
  };
  const epochs = options.epochs ?? 30;
  const lambda = options.lambda ?? 1e-5;
  const probabilities = new Float64Array(K);
  for (let epoch = 0; epoch < epochs; epoch += 1) {
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
        const gradient = ((probabilities[k] ?? 0) - (k === sample.label ? 1 : 0)) * (sampleWeight[sample.label] ?? 1);
        const base = k * F;
        for (const [i, v] of sample.x) {
          const w = weights[base + i] ?? 0;
          weights[base + i] = w - rate * (gradient * v + lambda * w);
        }
        bias[k] = (bias[k] ?? 0) - rate * gradient * 0.1;
      }
    }
  }
  const trainMs = Math.round(performance.now() - started);
  return { labels, ngramWeight, vocabulary: vocabulary.words(), features: featureNames, idf, weights, bias, stats: { examples: docs.length, trainMs } };
}

/** A classifier over a trained (or loaded) model. */
export function classifierFromModel(model: ClassifierModel, cached = false): TextClassifier {
  const { labels, ngramWeight, weights, bias } = model;
  const vocabulary = new Vocabulary();
  for (const word of model.vocabulary) vocabulary.add(word);
  vocabulary.seal();
  const featureIndex = new Map<string, number>();
  model.features.forEach((feature, index) => featureIndex.set(feature, index));
  const featureNames = model.features;
  const vectorize = vectorizer(featureIndex, model.idf);
  const K = labels.length;
  const F = featureNames.length;
  const scores = scorer(weights, bias, K, F);

  const classify = (text: string, budget: number = LOOKUP_BUDGET): Classification => {
    const featurized = featurize(text, vocabulary, ngramWeight, new WorkBudget(budget));
    const x = vectorize(featurized.counts);
    const contentWords = featurized.contentWords.length;
    const lookups = featurized.lookups;
    if (x.length === 0 || contentWords === 0) return { scored: [], coverage: 0, contentWords, lookups };
    const values = new Float64Array(K);
    scores(x, values);
    softmax(values);
    const decidingWordsOf = (k: number): string[] => {
      const contribution = new Map<string, number>();
      const base = k * F;
      for (const [i, v] of x) {
        const w = (weights[base + i] ?? 0) * v;
        if (w <= 0) continue;
        for (const raw of featurized.origin.get(featureNames[i] ?? '') ?? []) contribution.set(raw, (contribution.get(raw) ?? 0) + w);
      }
      return [...contribution].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([word]) => word);
    };
    // A label's deciding words are worked out when read (callers read the best few, not every label's).
    const scored: Scored[] = labels.map((label, k) => {
      let decidingWords: string[] | undefined;
      return {
        label,
        probability: values[k] ?? 0,
        get decidingWords(): string[] {
          decidingWords ??= decidingWordsOf(k);
          return decidingWords;
        },
      };
    });
    scored.sort((a, b) => b.probability - a.probability);
    return { scored, coverage: Math.min(1, featurized.knownWords / contentWords), contentWords, lookups };
  };

  return { classify, labels, stats: { labels: K, examples: model.stats.examples, features: F, trainMs: model.stats.trainMs, ...(cached ? { cached } : {}) } };
}

/** Classifiers built in this process per cache and key: packs with the same training data share one. */
const shared = new WeakMap<ModelCache, Map<string, TextClassifier>>();

/** Cached models not read yet, oldest first: each builds its classifier and leaves the set. */
const deferred = new Set<() => void>();

/**
 * Reads and builds the oldest model whose loading was deferred; false when none is left. A start
 * calls it after the server listens, one model per turn of the event loop, so that the first
 * question seldom waits for a model (if it comes first, it loads the model it needs itself).
 */
export function loadDeferredModel(): boolean {
  const [next] = deferred;
  if (!next) return false;
  next();
  return deferred.size > 0;
}

/** How many cached models are still to be read (see loadDeferredModel). */
export function deferredModels(): number {
  return deferred.size;
}

/** A classifier whose model is built by `load` at its first use; its labels are known before. */
function deferredClassifier(labels: readonly string[], load: () => TextClassifier): TextClassifier {
  let built: TextClassifier | undefined;
  const get = (): TextClassifier => {
    if (!built) {
      built = load();
      deferred.delete(get);
    }
    return built;
  };
  deferred.add(get);
  return {
    labels,
    classify: (text, budget) => get().classify(text, budget),
    get stats() {
      return get().stats;
    },
  };
}

/** The labels a model trained from `input` has, in its order. */
const labelsOf = (input: LabelExamples[]): string[] => [...new Set(input.map((set) => set.label))].sort();

/**
 * Trains a classifier, deterministically. With `options.cache`, a model trained from the same
 * input, options and code is loaded instead (and shared within the process); a new one is saved.
 * When the cache can say that it holds the model (ModelCache.has), reading it waits for the
 * classifier's first use or loadDeferredModel; a model that then turns out unreadable is trained.
 */
export function trainClassifier(input: LabelExamples[], options: TrainOptions = {}): TextClassifier {
  const cache = options.cache;
  if (!cache) return classifierFromModel(trainModel(input, options));
  const key = trainingKey(input, options);
  let byKey = shared.get(cache);
  if (!byKey) shared.set(cache, (byKey = new Map<string, TextClassifier>()));
  const known = byKey.get(key);
  if (known) return known;
  const load = (): TextClassifier => {
    const text = cache.read(key);
    const loaded = text === undefined ? undefined : parseModel(text);
    if (loaded) return classifierFromModel(loaded, true);
    const model = trainModel(input, options);
    cache.write(key, serializeModel(model));
    return classifierFromModel(model);
  };
  const classifier = cache.has?.(key) ? deferredClassifier(labelsOf(input), load) : load();
  byKey.set(key, classifier);
  return classifier;
}
