/**
 * Results of a focus group: pure functions from a template and the participants' answers to
 * aggregated, anonymous results per step, and to a CSV export.
 *
 * Which answers count:
 *   - per participant and step only the latest answer counts (later `at` wins; on equal times the
 *     one later in the list), so a participant who changes an answer is counted once;
 *   - on a statements step each (participant, statement) counts once: the latest vote, and the
 *     latest text of a statement the participant proposed;
 *   - answers that do not fit their step (wrong kind, an option or item the step does not have, a
 *     scale value outside the scale) are left out before the latest answer is chosen; answers to
 *     step ids the template does not have are left out.
 *
 * Anonymity: no result and no CSV row holds a participant id. Participants are counted, the CSV
 * numbers them 1..N, and statements that participants proposed get the ids new-1, new-2, … (the
 * runtime id might be derived from the participant). Quotes and free text are passed through
 * maskPersonalData (personnummer, phone numbers, e-mail addresses).
 */
import { maskPersonalData } from '../privacy/mask';
import type { ThemeLayer } from '../themes/layer';
import { countThemes, type ThemeCount } from '../themes/summary';
import { toCsvText, type CsvDelimiter } from '../csv';
import { analyze, detectLanguage, fold, stemEn, stemSv, tokenize } from '../text';
import { seedStatementId } from './template';
import type { ChoiceOption, DialogueStep, DialogueTemplate, LocalizedText, StepOf } from './template';

export type AnswerValue =
  | { kind: 'open' | 'inspel'; text: string }
  | { kind: 'single'; option: string }
  | { kind: 'multiple'; options: string[] }
  | { kind: 'scale'; value: number }
  | { kind: 'ranking'; order: string[] }
  | { kind: 'statement-new'; statementId: string; text: string }
  | { kind: 'vote'; statementId: string; vote: 'agree' | 'disagree' | 'pass' }
  | { kind: 'skip' };

export type Answer = { participant: string; stepId: string; value: AnswerValue; at: string };

export type RankingItem = { id: string; label: LocalizedText };

export interface SummariseOptions {
  /**
   * Items of ranking steps by step id, e.g. the pack's focus areas for a step with
   * `source: "focus-areas"`. They replace the template's items for that step. Without them a
   * focus-area ranking ranks the ids found in the answers, labelled with the id.
   */
  rankingItems?: Record<string, RankingItem[]>;
  /** The shared theme layer: free-text answers are counted by what they are about. */
  themes?: ThemeLayer;
}

/** How many chose an option; share = count / respondents (0 when nobody answered). */
export interface OptionCount {
  id: string;
  label: LocalizedText;
  count: number;
  share: number;
}

export interface ChoiceResult {
  type: 'single' | 'multiple';
  stepId: string;
  question: LocalizedText;
  /** Participants whose latest answer is a choice. */
  respondents: number;
  /** Participants whose latest answer is a skip. */
  skips: number;
  /** In the template's order. For multiple choice the shares add up to more than 1. */
  options: OptionCount[];
}

export interface ScaleResult {
  type: 'scale';
  stepId: string;
  question: LocalizedText;
  min: number;
  max: number;
  n: number;
  skips: number;
  /** null when nobody answered. */
  mean: number | null;
  median: number | null;
  /** Population standard deviation. */
  sd: number | null;
  /** Every value from min to max; share = count / n. */
  distribution: Array<{ value: number; count: number; share: number }>;
}

export interface RankedItem {
  id: string;
  label: LocalizedText;
  /** Borda count: with n items the first place gets n-1 points, the last 0, an item left out 0. */
  points: number;
  /** Mean of the 1-based positions in the rankings that include the item; null if none does. */
  averagePosition: number | null;
  /** Rankings that include the item. */
  rankedBy: number;
  /** Rankings that put the item first. */
  firstPlaces: number;
}

export interface RankingResult {
  type: 'ranking';
  stepId: string;
  question: LocalizedText;
  n: number;
  skips: number;
  /** Most points first; ties by average position, then the items' order. */
  items: RankedItem[];
}

export type StatementClass = 'consensus-agree' | 'consensus-disagree' | 'divided' | 'mixed';

interface StatementCounts {
  agree: number;
  disagree: number;
  pass: number;
  /** agree / (agree + disagree); null when nobody agreed or disagreed. */
  agreement: number | null;
  classification: StatementClass;
}

export type StatementResult = StatementCounts &
  (
    | { id: string; source: 'seed'; text: LocalizedText }
    /** A statement a participant proposed (id new-1, new-2, … in the order they were proposed). */
    | { id: string; source: 'participant'; text: string }
  );

export interface StatementsResult {
  type: 'statements';
  stepId: string;
  question: LocalizedText;
  /** Participants who voted on at least one statement. */
  voters: number;
  /** Participants who skipped the step and neither voted nor proposed a statement. */
  skips: number;
  /** Seed statements in order, then the participants' statements. */
  statements: StatementResult[];
}

/** A theme of the free-text answers: its readable name, how many answers, example quotes. */
export type Theme = ThemeCount;

export interface AnswerGroup {
  count: number;
  /** Words most members share. */
  terms: string[];
  /** Up to 2 answers of the group (masked). */
  examples: string[];
}

export interface TextResult {
  type: 'open' | 'inspel';
  stepId: string;
  question: LocalizedText;
  n: number;
  skips: number;
  /** At most 8 terms that stand out (see textResult). */
  themes: Theme[];
  /** Similar answers grouped, largest group first; every answer is in exactly one group. */
  groups: AnswerGroup[];
}

/** One result per step with a question, in the template's order (info steps have none). */
export type StepResult = ChoiceResult | ScaleResult | RankingResult | StatementsResult | TextResult;

// ---------------------------------------------------------------------------------------------
// Which answers count

/** Compares two `at` values: as times when both parse, else as strings. */
function compareAt(a: string, b: string): number {
  const ta = Date.parse(a);
  const tb = Date.parse(b);
  if (Number.isFinite(ta) && Number.isFinite(tb)) return ta - tb;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Answers in time order; answers with equal times keep their order in the list. */
function chronological(answers: readonly Answer[]): Answer[] {
  return answers
    .map((answer, index) => ({ answer, index }))
    .sort((x, y) => compareAt(x.answer.at, y.answer.at) || x.index - y.index)
    .map((entry) => entry.answer);
}

interface StepContext {
  step: DialogueStep;
  /** For ranking steps: the item ids, or undefined when they are taken from the answers. */
  rankingIds?: ReadonlySet<string>;
}

/** Whether an answer fits its step; a fitted copy (deduplicated lists) or undefined. */
function fit(answer: Answer, context: StepContext): AnswerValue | undefined {
  const { step } = context;
  const value = answer.value;
  if (step.type === 'info') return undefined;
  if (value.kind === 'skip') return value;
  switch (step.type) {
    case 'open':
    case 'inspel':
      // Both are free text; either kind is accepted on either step. Blank text does not count.
      if (value.kind !== 'open' && value.kind !== 'inspel') return undefined;
      return value.text.trim().length > 0 ? value : undefined;
    case 'single':
      if (value.kind !== 'single') return undefined;
      return step.options.some((option) => option.id === value.option) ? value : undefined;
    case 'multiple': {
      if (value.kind !== 'multiple') return undefined;
      const known = new Set(step.options.map((option) => option.id));
      if (!value.options.every((id) => known.has(id))) return undefined;
      return { kind: 'multiple', options: [...new Set(value.options)] };
    }
    case 'scale':
      if (value.kind !== 'scale') return undefined;
      return Number.isInteger(value.value) && value.value >= step.min && value.value <= step.max ? value : undefined;
    case 'ranking': {
      if (value.kind !== 'ranking') return undefined;
      const ids = context.rankingIds;
      const order = [...new Set(value.order)].filter((id) => ids === undefined || ids.has(id));
      return order.length > 0 ? { kind: 'ranking', order } : undefined;
    }
    case 'statements':
      if (value.kind === 'vote') return value;
      if (value.kind === 'statement-new') return step.allowNew && value.text.trim().length > 0 ? value : undefined;
      return undefined;
  }
}

interface Counted {
  participant: string;
  step: DialogueStep;
  value: AnswerValue;
  at: string;
}

/**
 * The answers that count: per (participant, step) the latest, and on statements steps per
 * (participant, statement) the latest vote and the latest text of a proposed statement. In the
 * order of each participant's first answer to the step (or statement).
 */
function countedAnswers(template: DialogueTemplate, answers: readonly Answer[], options: SummariseOptions = {}): Counted[] {
  const contexts = new Map<string, StepContext>();
  for (const step of template.steps) {
    const context: StepContext = { step };
    if (step.type === 'ranking') {
      const items = rankingItemsOf(step, options);
      if (items !== undefined) context.rankingIds = new Set(items.map((item) => item.id));
    }
    contexts.set(step.id, context);
  }
  const latest = new Map<string, Counted>();
  for (const answer of chronological(answers)) {
    const context = contexts.get(answer.stepId);
    if (!context) continue;
    const value = fit(answer, context);
    if (!value) continue;
    const parts = [answer.participant, answer.stepId];
    if (value.kind === 'vote' || value.kind === 'statement-new') parts.push(value.kind, value.statementId);
    // A later answer replaces the value but keeps the key's place: the map stays in the order of
    // each key's first answer (so proposed statements are numbered in the order they were proposed).
    latest.set(JSON.stringify(parts), { participant: answer.participant, step: context.step, value, at: answer.at });
  }
  return [...latest.values()];
}

// ---------------------------------------------------------------------------------------------
// Numbers

function median(sorted: readonly number[]): number | null {
  if (sorted.length === 0) return null;
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? 0;
  if (sorted.length % 2 === 1) return upper;
  return ((sorted[middle - 1] ?? 0) + upper) / 2;
}

function share(count: number, total: number): number {
  return total > 0 ? count / total : 0;
}

function choiceResult(step: StepOf<'single'> | StepOf<'multiple'>, counted: readonly Counted[]): ChoiceResult {
  const counts = new Map<string, number>(step.options.map((option) => [option.id, 0]));
  let respondents = 0;
  let skips = 0;
  for (const { value } of counted) {
    if (value.kind === 'skip') skips += 1;
    else if (value.kind === 'single' || value.kind === 'multiple') {
      respondents += 1;
      const chosen = value.kind === 'single' ? [value.option] : value.options;
      for (const id of chosen) counts.set(id, (counts.get(id) ?? 0) + 1);
    }
  }
  return {
    type: step.type,
    stepId: step.id,
    question: step.question,
    respondents,
    skips,
    options: step.options.map((option: ChoiceOption) => {
      const count = counts.get(option.id) ?? 0;
      return { id: option.id, label: option.label, count, share: share(count, respondents) };
    }),
  };
}

function scaleResult(step: StepOf<'scale'>, counted: readonly Counted[]): ScaleResult {
  const values: number[] = [];
  let skips = 0;
  for (const { value } of counted) {
    if (value.kind === 'skip') skips += 1;
    else if (value.kind === 'scale') values.push(value.value);
  }
  values.sort((a, b) => a - b);
  const n = values.length;
  const mean = n > 0 ? values.reduce((sum, v) => sum + v, 0) / n : null;
  const sd = mean === null ? null : Math.sqrt(values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / n);
  const distribution: ScaleResult['distribution'] = [];
  for (let v = step.min; v <= step.max; v += 1) {
    const count = values.filter((x) => x === v).length;
    distribution.push({ value: v, count, share: share(count, n) });
  }
  return { type: 'scale', stepId: step.id, question: step.question, min: step.min, max: step.max, n, skips, mean, median: median(values), sd, distribution };
}

/** The items a ranking step ranks: from the options, the template, or undefined (taken from the answers). */
function rankingItemsOf(step: StepOf<'ranking'>, options: SummariseOptions): RankingItem[] | undefined {
  const given = options.rankingItems?.[step.id];
  if (given !== undefined) return given;
  if (step.items.length > 0 || step.source === undefined) return step.items;
  return undefined;
}

function rankingResult(step: StepOf<'ranking'>, counted: readonly Counted[], options: SummariseOptions): RankingResult {
  const orders: string[][] = [];
  let skips = 0;
  for (const { value } of counted) {
    if (value.kind === 'skip') skips += 1;
    else if (value.kind === 'ranking') orders.push(value.order);
  }
  let items = rankingItemsOf(step, options);
  if (items === undefined) {
    const seen = [...new Set(orders.flat())];
    items = seen.map((id) => ({ id, label: { sv: id, en: id } }));
  }
  const size = items.length;
  const stats = new Map(items.map((item) => [item.id, { points: 0, positions: [] as number[], firstPlaces: 0 }]));
  for (const order of orders) {
    order.forEach((id, position) => {
      const stat = stats.get(id);
      if (!stat) return;
      stat.points += size - 1 - position;
      stat.positions.push(position + 1);
      if (position === 0) stat.firstPlaces += 1;
    });
  }
  const ranked = items.map((item, index) => {
    const stat = stats.get(item.id) ?? { points: 0, positions: [], firstPlaces: 0 };
    const averagePosition =
      stat.positions.length > 0 ? stat.positions.reduce((sum, p) => sum + p, 0) / stat.positions.length : null;
    return {
      index,
      item: { id: item.id, label: item.label, points: stat.points, averagePosition, rankedBy: stat.positions.length, firstPlaces: stat.firstPlaces },
    };
  });
  ranked.sort(
    (a, b) =>
      b.item.points - a.item.points ||
      (a.item.averagePosition ?? Number.POSITIVE_INFINITY) - (b.item.averagePosition ?? Number.POSITIVE_INFINITY) ||
      a.index - b.index,
  );
  return { type: 'ranking', stepId: step.id, question: step.question, n: orders.length, skips, items: ranked.map((r) => r.item) };
}

/**
 * consensus-agree: agreement ≥ 0.8 with at least 3 votes that are not pass;
 * consensus-disagree: agreement ≤ 0.2 with at least 3 such votes;
 * divided: agreement between 0.35 and 0.65 (inclusive) with at least 4 such votes;
 * mixed: everything else (including too few votes to say).
 */
export function classifyStatement(agree: number, disagree: number): { agreement: number | null; classification: StatementClass } {
  const decided = agree + disagree;
  const agreement = decided > 0 ? agree / decided : null;
  let classification: StatementClass = 'mixed';
  if (agreement !== null) {
    if (decided >= 3 && agreement >= 0.8) classification = 'consensus-agree';
    else if (decided >= 3 && agreement <= 0.2) classification = 'consensus-disagree';
    else if (decided >= 4 && agreement >= 0.35 && agreement <= 0.65) classification = 'divided';
  }
  return { agreement, classification };
}

/** Public ids of the statements participants proposed on a step: runtime id → new-1, new-2, … */
function newStatementIds(step: StepOf<'statements'>, counted: readonly Counted[]): Map<string, string> {
  const seeds = new Set(step.seed.map((_, index) => seedStatementId(index)));
  const ids = new Map<string, string>();
  for (const { value } of counted) {
    if (value.kind !== 'statement-new' || seeds.has(value.statementId) || ids.has(value.statementId)) continue;
    ids.set(value.statementId, `new-${ids.size + 1}`);
  }
  return ids;
}

function statementsResult(step: StepOf<'statements'>, counted: readonly Counted[]): StatementsResult {
  const newIds = newStatementIds(step, counted);
  const texts = new Map<string, string>();
  const votes = new Map<string, { agree: number; disagree: number; pass: number }>();
  const voters = new Set<string>();
  const active = new Set<string>();
  const skipped = new Set<string>();
  for (const { participant, value } of counted) {
    if (value.kind === 'skip') skipped.add(participant);
    if (value.kind === 'statement-new') {
      const id = newIds.get(value.statementId);
      if (id === undefined) continue;
      texts.set(id, maskPersonalData(value.text.trim()).text); // the latest text wins
      active.add(participant);
    }
    if (value.kind === 'vote') {
      const id = newIds.get(value.statementId) ?? value.statementId;
      const tally = votes.get(id) ?? { agree: 0, disagree: 0, pass: 0 };
      tally[value.vote] += 1;
      votes.set(id, tally);
      voters.add(participant);
      active.add(participant);
    }
  }
  const counts = (id: string): StatementCounts => {
    const tally = votes.get(id) ?? { agree: 0, disagree: 0, pass: 0 };
    return { ...tally, ...classifyStatement(tally.agree, tally.disagree) };
  };
  const statements: StatementResult[] = [
    ...step.seed.map((text, index): StatementResult => {
      const id = seedStatementId(index);
      return { id, source: 'seed', text, ...counts(id) };
    }),
    ...[...newIds.values()].map((id): StatementResult => ({ id, source: 'participant', text: texts.get(id) ?? '', ...counts(id) })),
  ];
  return {
    type: 'statements',
    stepId: step.id,
    question: step.question,
    voters: voters.size,
    skips: [...skipped].filter((participant) => !active.has(participant)).length,
    statements,
  };
}

// ---------------------------------------------------------------------------------------------
// Free text: themes and groups

/** Function words (and words every answer to a municipality has) that never make a theme. */
const STOPWORDS = [
  // Swedish
  'och', 'att', 'det', 'som', 'en', 'ett', 'den', 'de', 'dem', 'är', 'var', 'vara', 'varit', 'för', 'på', 'i', 'av',
  'med', 'till', 'om', 'har', 'hade', 'ha', 'kan', 'kunde', 'ska', 'skall', 'skulle', 'vill', 'ville', 'inte', 'jag', 'vi', 'du',
  'ni', 'han', 'hon', 'man', 'mig', 'oss', 'er', 'sig', 'min', 'mitt', 'mina', 'vår', 'vårt', 'våra', 'din', 'ditt', 'dina',
  'sin', 'sitt', 'sina', 'deras', 'denna', 'detta', 'dessa', 'där', 'här', 'när', 'då', 'så', 'men', 'eller', 'utan',
  'från', 'över', 'under', 'efter', 'innan', 'mot', 'hos', 'vid', 'genom', 'mellan', 'också', 'även', 'bara', 'mycket',
  'lite', 'mer', 'mera', 'mest', 'fler', 'flera', 'alla', 'allt', 'andra', 'annat', 'någon', 'något', 'några', 'ingen',
  'inget', 'inga', 'vad', 'hur', 'vem', 'vilken', 'vilket', 'vilka', 'varför', 'blir', 'bli', 'blev', 'få', 'får', 'fick',
  'gör', 'göra', 'gjorde', 'finns', 'fanns', 'borde', 'bör', 'måste', 'behöver', 'kanske', 'nog', 'ju', 'väl', 'just',
  'redan', 'än', 'ännu', 'nu', 'sedan', 'dock', 'tycker', 'tror', 'känns', 'ganska', 'väldigt', 'helt',
  'bra', 'kommun', 'kommunen', 'kommunens',
  // English
  'the', 'and', 'for', 'are', 'was', 'were', 'with', 'that', 'this', 'these', 'those', 'from', 'have', 'has', 'had',
  'not', 'but', 'can', 'could', 'should', 'would', 'will', 'shall', 'must', 'need', 'needs', 'our', 'your', 'their',
  'they', 'them', 'you', 'its', 'there', 'here', 'what', 'how', 'who', 'when', 'where', 'which', 'why', 'more', 'most',
  'very', 'much', 'many', 'some', 'any', 'all', 'also', 'just', 'about', 'into', 'than', 'then', 'been', 'being', 'get',
  'gets', 'got', 'make', 'does', 'did', 'think', 'municipality', 'council',
];

const STOPTERMS: ReadonlySet<string> = new Set(STOPWORDS.flatMap((word) => [fold(word), stemSv(word), stemEn(word)]));

const MASK_PLACEHOLDERS = /\[(?:personnummer|telefon|e-post)\]/g;
const MIN_TERM_LENGTH = 3;
const MAX_THEMES = 8;
const GROUP_SIMILARITY = 0.35;
const MAX_QUOTE = 300;

interface TextAnswer {
  /** Masked, trimmed. */
  text: string;
  /** Terms with counts, in order of first occurrence. */
  terms: Map<string, number>;
  /** term → surface words used for it, with counts. */
  words: Map<string, Map<string, number>>;
}

function quote(text: string): string {
  return text.length <= MAX_QUOTE ? text : `${text.slice(0, MAX_QUOTE - 1).trimEnd()}…`;
}

function keepTerm(term: string, questionTerms: ReadonlySet<string>): boolean {
  return term.length >= MIN_TERM_LENGTH && !STOPTERMS.has(term) && !questionTerms.has(term);
}

function textAnswer(raw: string, questionTerms: ReadonlySet<string>): TextAnswer {
  const text = maskPersonalData(raw.trim()).text;
  // The placeholders of masked personal data are not what the participant wrote about.
  const plain = text.replace(MASK_PLACEHOLDERS, ' ');
  const language = detectLanguage(plain);
  const terms = new Map<string, number>();
  for (const term of analyze(plain, language)) {
    if (keepTerm(term, questionTerms)) terms.set(term, (terms.get(term) ?? 0) + 1);
  }
  const words = new Map<string, Map<string, number>>();
  for (const token of tokenize(plain)) {
    for (const term of analyze(token, language)) {
      if (!terms.has(term)) continue;
      const forms = words.get(term) ?? new Map<string, number>();
      forms.set(token, (forms.get(token) ?? 0) + 1);
      words.set(term, forms);
    }
  }
  return { text, terms, words };
}

/** Cosine similarity of two term sets: |A ∩ B| / sqrt(|A| · |B|). */
export function setCosine(a: ReadonlySet<string> | ReadonlyMap<string, unknown>, b: ReadonlySet<string> | ReadonlyMap<string, unknown>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const term of a.keys()) if (b.has(term)) shared += 1;
  return shared / Math.sqrt(a.size * b.size);
}

function mostUsed(counts: ReadonlyMap<string, number>): string | undefined {
  let best: string | undefined;
  let bestCount = 0;
  for (const [key, count] of counts) {
    if (count > bestCount) {
      best = key;
      bestCount = count;
    }
  }
  return best;
}

/**
 * Greedy grouping: each answer, in the order participants first answered, joins the group whose first answer is most similar
 * to it (cosine of the term sets ≥ 0.35), or starts a new group.
 */
function groups(answers: readonly TextAnswer[]): AnswerGroup[] {
  const built: Array<{ lead: TextAnswer; members: TextAnswer[] }> = [];
  for (const answer of answers) {
    let best: (typeof built)[number] | undefined;
    let bestScore = 0;
    for (const group of built) {
      const score = setCosine(group.lead.terms, answer.terms);
      if (score >= GROUP_SIMILARITY && score > bestScore) {
        best = group;
        bestScore = score;
      }
    }
    if (best) best.members.push(answer);
    else built.push({ lead: answer, members: [answer] });
  }
  return built
    .map((group, index) => ({ group, index }))
    .sort((a, b) => b.group.members.length - a.group.members.length || a.index - b.index)
    .map(({ group }) => {
      const shared = new Map<string, number>();
      const forms = new Map<string, Map<string, number>>();
      for (const member of group.members) {
        for (const term of member.terms.keys()) {
          shared.set(term, (shared.get(term) ?? 0) + 1);
          const all = forms.get(term) ?? new Map<string, number>();
          for (const [word, n] of member.words.get(term) ?? []) all.set(word, (all.get(word) ?? 0) + n);
          forms.set(term, all);
        }
      }
      const minShared = group.members.length > 1 ? 2 : 1;
      const terms = [...shared.entries()]
        .filter(([, n]) => n >= minShared)
        .sort(([ta, a], [tb, b]) => b - a || (ta < tb ? -1 : ta > tb ? 1 : 0))
        .slice(0, 3)
        .map(([term]) => mostUsed(forms.get(term) ?? new Map<string, number>()) ?? term);
      return { count: group.members.length, terms, examples: group.members.slice(0, 2).map((member) => quote(member.text)) };
    });
}

function textResult(step: StepOf<'open'> | StepOf<'inspel'>, counted: readonly Counted[], layer: ThemeLayer | undefined): TextResult {
  const questionTerms = new Set([...analyze(step.question.sv, 'sv'), ...analyze(step.question.en, 'en')]);
  const texts: TextAnswer[] = [];
  let skips = 0;
  for (const { value } of counted) {
    if (value.kind === 'skip') skips += 1;
    else if (value.kind === 'open' || value.kind === 'inspel') texts.push(textAnswer(value.text, questionTerms));
  }
  return { type: step.type, stepId: step.id, question: step.question, n: texts.length, skips, themes: layer ? countThemes(texts.map((t) => ({ text: t.text })), layer, MAX_THEMES) : [], groups: groups(texts) };
}

// ---------------------------------------------------------------------------------------------

/** Aggregated results per step (info steps left out), in the template's order. */
export function summarise(template: DialogueTemplate, answers: Answer[], options: SummariseOptions = {}): StepResult[] {
  const counted = countedAnswers(template, answers, options);
  const results: StepResult[] = [];
  for (const step of template.steps) {
    const mine = counted.filter((answer) => answer.step === step);
    switch (step.type) {
      case 'info':
        break;
      case 'single':
      case 'multiple':
        results.push(choiceResult(step, mine));
        break;
      case 'scale':
        results.push(scaleResult(step, mine));
        break;
      case 'ranking':
        results.push(rankingResult(step, mine, options));
        break;
      case 'statements':
        results.push(statementsResult(step, mine));
        break;
      case 'open':
      case 'inspel':
        results.push(textResult(step, mine, options.themes));
        break;
    }
  }
  return results;
}

// ---------------------------------------------------------------------------------------------
// CSV

export const CSV_COLUMNS = ['step_id', 'step_type', 'participant_number', 'answer', 'at'] as const;

function csvAnswer(value: AnswerValue, newIds: ReadonlyMap<string, string>): string {
  switch (value.kind) {
    case 'open':
    case 'inspel':
      return maskPersonalData(value.text.trim()).text;
    case 'single':
      return value.option;
    case 'multiple':
      return value.options.join('|');
    case 'scale':
      return String(value.value);
    case 'ranking':
      return value.order.join('>');
    case 'statement-new':
      return `${newIds.get(value.statementId) ?? value.statementId}: ${maskPersonalData(value.text.trim()).text}`;
    case 'vote':
      return `${newIds.get(value.statementId) ?? value.statementId}: ${value.vote}`;
    case 'skip':
      return '(skip)';
  }
}

/**
 * The answers that count (see the top of this file) as CSV with the columns step_id, step_type,
 * participant_number, answer, at; one row per answer, in step order, then participant number, then
 * time. Participants are numbered 1..N in the order of their first answer to this template – the
 * participant id is never written. Answers: text, option id, option ids joined with |, the number,
 * the ranking joined with >, "statement-id: agree|disagree|pass" for votes, "new-N: text" for a
 * proposed statement, "(skip)" for a skip. Lines end with CRLF.
 */
export function toCsv(template: DialogueTemplate, answers: Answer[], options: SummariseOptions = {}, delimiter: CsvDelimiter = ','): string {
  const stepIds = new Set(template.steps.map((step) => step.id));
  const numbers = new Map<string, number>();
  for (const answer of chronological(answers)) {
    if (stepIds.has(answer.stepId) && !numbers.has(answer.participant)) numbers.set(answer.participant, numbers.size + 1);
  }
  const counted = countedAnswers(template, answers, options);
  const rows: Array<Array<string | number>> = [];
  for (const step of template.steps) {
    const mine = counted
      .filter((answer) => answer.step === step)
      .map((answer, index) => ({ answer, index, number: numbers.get(answer.participant) ?? 0 }))
      .sort((a, b) => a.number - b.number || compareAt(a.answer.at, b.answer.at) || a.index - b.index);
    const newIds = step.type === 'statements' ? newStatementIds(step, counted.filter((answer) => answer.step === step)) : new Map<string, string>();
    for (const { answer, number } of mine) {
      rows.push([step.id, step.type, number, csvAnswer(answer.value, newIds), answer.at]);
    }
  }
  return toCsvText(CSV_COLUMNS, rows, delimiter);
}
