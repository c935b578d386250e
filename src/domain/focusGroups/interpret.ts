/**
 * What a participant's message means at a step of a focus group dialogue: the rule the dialog
 * used to hold (dialogs/focusGroupDialog.ts), as plain functions. A message is read folded
 * (lower case, å/ä → a, ö → o), so "Hoppa over", "haller med" and "tva" are understood as typed
 * without a Swedish keyboard.
 *
 *   - "hoppa över" / "skip" skips a question; "tillbaka" / "back" goes back (every step);
 *   - single choice: the option's label (either language), or its number ("2", "nr 2", "två");
 *   - multiple choice: numbers ("1,3", "1, 3", "2 och 3", "1 and 4") or the labels named in the
 *     text; at most the step's `max` (the first ones);
 *   - scale: the first number, or a number word, or the label of either end;
 *   - ranking: the numbers in the order given ("3, 1, 2"), or the labels in the order they appear;
 *   - statements: a vote (agree / disagree / pass) on the statement shown;
 *   - open and inspel: the text as written.
 * A number outside the options or the scale is not silently dropped: the answer is not
 * understood, with the reason, so the participant is asked again.
 */
import type { Language } from '../packs/schema';
import { fold } from '../text';
import type { AnswerValue } from './results';
import type { DialogueStep, LocalizedText, StepOf } from './template';

/** Why a message could not be taken as an answer to the step. */
export type NotUnderstood =
  /** Nothing was written. */
  | 'empty'
  /** Neither a number nor a label of the step. */
  | 'no-match'
  /** A number the step does not have (option 7 of 5, 9 on a scale of 1–5). */
  | 'out-of-range'
  /** A statements step without a statement to vote on. */
  | 'no-statement';

export type Interpretation =
  | { kind: 'answer'; value: AnswerValue }
  | { kind: 'back' }
  | { kind: 'not-understood'; reason: NotUnderstood };

/** The button texts the participant was shown (a municipality may change them), folded or not. */
export interface ButtonLabels {
  skip?: string;
  back?: string;
  agree?: string;
  disagree?: string;
  pass?: string;
}

export interface InterpretContext {
  /** The items of a ranking step as shown (the pack's focus areas for `source: "focus-areas"`). */
  rankingItems?: ReadonlyArray<{ id: string; label: string }>;
  /** The statement shown at a statements step. */
  statementId?: string;
  labels?: ButtonLabels;
}

const SKIP = new Set(['hoppa over', 'skip', 'hoppa', 'pass over', 'skippa', 'skip it', 'skip this', 'next', 'nasta', 'nasta fraga', 'hoppa over den', 'hoppa over fragan', 'vet inte', 'ingen aning', 'no idea', 'dont know', "don't know", 'i dont know', "i don't know", 'pass']);
const BACK = new Set(['tillbaka', 'back', 'bakat', 'foregaende', 'ga tillbaka', 'go back', 'previous', 'forra fragan', 'foregaende fraga']);
const AGREE = new Set(['haller med', 'jag haller med', 'ja', 'japp', 'instammer', 'jag instammer', 'sant', 'agree', 'i agree', 'yes', 'true']);
const DISAGREE = new Set(['haller inte med', 'jag haller inte med', 'haller ej med', 'nej', 'instammer inte', 'jag instammer inte', 'falskt', 'disagree', 'i disagree', 'dont agree', "don't agree", 'i dont agree', "i don't agree", 'no', 'false']);

/** Number words 1–10 (sv, folded, and en). */
const NUMBER_WORDS: Record<string, number> = {
  noll: 0, zero: 0,
  ett: 1, en: 1, etta: 1, one: 1,
  tva: 2, tvaa: 2, tvaan: 2, two: 2,
  tre: 3, trea: 3, three: 3,
  fyra: 4, fyran: 4, four: 4,
  fem: 5, femma: 5, five: 5,
  sex: 6, sexa: 6, six: 6,
  sju: 7, sjua: 7, seven: 7,
  atta: 8, attan: 8, eight: 8,
  nio: 9, nia: 9, nine: 9,
  tio: 10, tia: 10, ten: 10,
};

/** A message as compared: folded, spaces collapsed, closing punctuation dropped. */
export function said(text: string): string {
  return fold(text).replace(/\s+/g, ' ').trim().replace(/[.!?]+$/, '').trim();
}

const CONNECTORS = new Set(['och', 'and', 'samt', 'eller', 'or', 'nr', 'nummer', 'number', 'no', 'alternativ', 'alt', 'option', 'punkt', 'siffran']);

/**
 * The numbers of a message that is a list of numbers and nothing else ("1,3", "1, 3", "2 och 3",
 * "1 and 4", "nr 2", "tre", "två och fyra"); undefined for any other message. Then its numbers
 * are the answer, even where a label happens to hold a digit.
 */
export function numberList(text: string): number[] | undefined {
  const words = said(text);
  if (/[^a-z0-9\s,;&+/.)(:-]/.test(words)) return undefined;
  const found: number[] = [];
  for (const [token] of words.matchAll(/\d+|[a-z]+/g)) {
    if (/^\d+$/.test(token)) found.push(Number(token));
    else if (NUMBER_WORDS[token] !== undefined) found.push(NUMBER_WORDS[token]);
    else if (!CONNECTORS.has(token)) return undefined;
  }
  return found.length > 0 ? found : undefined;
}

/** The digits written anywhere in a text ("betyg 4 av 5" → 4, 5); number words only count in a list. */
export function digitsIn(text: string): number[] {
  return (text.match(/\d+/g) ?? []).map(Number);
}

/** Where a folded phrase appears in a folded text as whole words (-1: nowhere). */
function mentions(text: string, phrase: string): number {
  if (!phrase) return -1;
  const at = ` ${text.replace(/[^a-z0-9]+/g, ' ')} `.indexOf(` ${phrase.replace(/[^a-z0-9]+/g, ' ').trim()} `);
  return at;
}

const labelsOf = (label: LocalizedText, language: Language): string[] => [said(label[language]), said(label.sv), said(label.en)];

function isSkip(words: string, labels: ButtonLabels): boolean {
  return SKIP.has(words) || (labels.skip !== undefined && words === said(labels.skip));
}

function isBack(words: string, labels: ButtonLabels): boolean {
  return BACK.has(words) || (labels.back !== undefined && words === said(labels.back));
}

const answer = (value: AnswerValue): Interpretation => ({ kind: 'answer', value });
const notUnderstood = (reason: NotUnderstood): Interpretation => ({ kind: 'not-understood', reason });

/** A vote on a statement; what is neither agreement nor disagreement counts as a pass. */
export function voteOf(text: string, labels: ButtonLabels = {}): 'agree' | 'disagree' | 'pass' {
  const words = said(text);
  if ((labels.disagree !== undefined && words === said(labels.disagree)) || DISAGREE.has(words)) return 'disagree';
  if ((labels.agree !== undefined && words === said(labels.agree)) || AGREE.has(words)) return 'agree';
  return 'pass';
}

function single(step: StepOf<'single'>, text: string, language: Language): Interpretation {
  const words = said(text);
  const byLabel = step.options.find((o) => labelsOf(o.label, language).includes(words));
  if (byLabel) return answer({ kind: 'single', option: byLabel.id });
  const numbers = numberList(text);
  if (numbers?.length === 1) {
    const option = step.options[(numbers[0] ?? 0) - 1];
    return option ? answer({ kind: 'single', option: option.id }) : notUnderstood('out-of-range');
  }
  // "Jag är privatperson": exactly one option named in the text.
  const named = step.options.filter((o) => labelsOf(o.label, language).some((label) => mentions(words, label) >= 0));
  if (named.length === 1 && named[0]) return answer({ kind: 'single', option: named[0].id });
  return notUnderstood('no-match');
}

function multiple(step: StepOf<'multiple'>, text: string, language: Language): Interpretation {
  const words = said(text);
  let options: string[];
  const list = numberList(text);
  if (list) {
    const numbers = [...new Set(list)];
    if (numbers.some((n) => step.options[n - 1] === undefined)) return notUnderstood('out-of-range');
    options = numbers.flatMap((n) => step.options[n - 1]?.id ?? []);
  } else {
    const named = step.options
      .map((o) => ({ id: o.id, at: Math.max(...labelsOf(o.label, language).map((label) => mentions(words, label))) }))
      .filter((o) => o.at >= 0);
    options = named.map((o) => o.id);
    if (options.length === 0) {
      const numbers = [...new Set(digitsIn(text))];
      if (numbers.length === 0) return notUnderstood('no-match');
      if (numbers.some((n) => step.options[n - 1] === undefined)) return notUnderstood('out-of-range');
      options = numbers.flatMap((n) => step.options[n - 1]?.id ?? []);
    }
  }
  return answer({ kind: 'multiple', options: step.max ? options.slice(0, step.max) : options });
}

function scale(step: StepOf<'scale'>, text: string, language: Language): Interpretation {
  const words = said(text);
  if (labelsOf(step.minLabel, language).includes(words)) return answer({ kind: 'scale', value: step.min });
  if (labelsOf(step.maxLabel, language).includes(words)) return answer({ kind: 'scale', value: step.max });
  const [value] = numberList(text) ?? digitsIn(text);
  if (value === undefined) return notUnderstood('no-match');
  return value >= step.min && value <= step.max ? answer({ kind: 'scale', value }) : notUnderstood('out-of-range');
}

function ranking(items: ReadonlyArray<{ id: string; label: string }>, text: string): Interpretation {
  const words = said(text);
  const list = numberList(text);
  const numbers = [...new Set(list ?? digitsIn(text))];
  if (numbers.length > 0 && (list || items.every((item) => mentions(words, said(item.label)) < 0))) {
    if (numbers.some((n) => items[n - 1] === undefined)) return notUnderstood('out-of-range');
    return answer({ kind: 'ranking', order: numbers.flatMap((n) => items[n - 1]?.id ?? []) });
  }
  const named = items
    .map((item) => ({ id: item.id, at: mentions(words, said(item.label)) }))
    .filter((item) => item.at >= 0)
    .sort((a, b) => a.at - b.at);
  return named.length > 0 ? answer({ kind: 'ranking', order: named.map((item) => item.id) }) : notUnderstood('no-match');
}

/**
 * What a participant's message means at a step: an answer to store (a skip is one), a step
 * back, or the reason it could not be understood.
 */
export function interpret(step: DialogueStep, text: string, language: Language, context: InterpretContext = {}): Interpretation {
  const labels = context.labels ?? {};
  const trimmed = text.trim();
  const words = said(trimmed);
  if (isBack(words, labels)) return { kind: 'back' };
  if (step.type === 'statements') {
    if (!context.statementId) return notUnderstood('no-statement');
    const vote = isSkip(words, labels) ? 'pass' : voteOf(trimmed, labels);
    return answer({ kind: 'vote', statementId: context.statementId, vote });
  }
  if (isSkip(words, labels)) return answer({ kind: 'skip' });
  switch (step.type) {
    case 'info':
      return answer({ kind: 'skip' });
    case 'open':
      return trimmed ? answer({ kind: 'open', text: trimmed }) : notUnderstood('empty');
    case 'inspel':
      return trimmed ? answer({ kind: 'inspel', text: trimmed }) : notUnderstood('empty');
    case 'single':
      return trimmed ? single(step, trimmed, language) : notUnderstood('empty');
    case 'multiple':
      return trimmed ? multiple(step, trimmed, language) : notUnderstood('empty');
    case 'scale':
      return trimmed ? scale(step, trimmed, language) : notUnderstood('empty');
    case 'ranking':
      return trimmed ? ranking(context.rankingItems ?? step.items.map((item) => ({ id: item.id, label: item.label[language] })), trimmed) : notUnderstood('empty');
  }
}

/** Consent in the participant's words ("I agree", "jag godkänner", "kör"); "nej" or "I decline" declines. */
const CONSENT_YES = /^(?:(?:ok|okej|okay|yes|ja|sure|then|da) )*(?:ja|japp|jajamen|jo|javisst|yes|yeah|yep|yup|ok|okej|okay|garna|sure|absolut|visst|kor|go|fine|i agree|agree|agreed|i accept|accept|i consent|godkanner|jag godkanner|jag samtycker|samtycker|det gar bra|sounds good)\b/;
const CONSENT_NO = /^(?:nej|no|nope|nah|nix|avbojer|jag avbojer|jag vill inte|inte|decline|i decline|i don t|i dont|i do not|not really|helst inte|nej tack|no thanks)\b/;

/** The answer to the consent question (`yes`/`no` are its button texts); anything else is unclear and asked again. */
export function interpretConsent(text: string, buttons: { yes?: string; no?: string } = {}): 'yes' | 'no' | 'unclear' {
  const words = said(text);
  const plain = words.replace(/[^a-z0-9 ]+/g, ' ').replace(/\s+/g, ' ').trim();
  if ((buttons.yes !== undefined && words === said(buttons.yes)) || CONSENT_YES.test(plain)) return 'yes';
  if ((buttons.no !== undefined && words === said(buttons.no)) || CONSENT_NO.test(plain)) return 'no';
  return 'unclear';
}

/** Whether the participant wants the inspel sent as a suggestion too (`yes` is the button text). */
export function wantsSent(text: string, yes?: string): boolean {
  const words = said(text);
  return (yes !== undefined && words === said(yes)) || /^(ja|yes|skicka|send)\b/.test(words);
}

/** A statement of the participant's own, or undefined for a skip (or too short to vote on). */
export function newStatement(text: string, labels: ButtonLabels = {}): string | undefined {
  const trimmed = text.trim();
  if (isSkip(said(trimmed), labels) || trimmed.length <= 3) return undefined;
  return trimmed;
}
