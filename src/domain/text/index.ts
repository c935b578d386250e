/**
 * Swedish and English text processing shared by the router, the tagger and similarity search.
 * Built on `natural` (Swedish tokenizer and Porter stemmer), loaded from their own files so that
 * importing this module does not pull in natural's storage back ends.
 */
import type { Language } from '../packs/schema';

interface NaturalStemmer {
  stem(token: string): string;
}
interface NaturalTokenizer {
  tokenize(text: string): string[];
}

const stemmerSv = require('natural/lib/natural/stemmers/porter_stemmer_sv') as NaturalStemmer;
const stemmerEn = require('natural/lib/natural/stemmers/porter_stemmer') as NaturalStemmer;
const TokenizerSv = require('natural/lib/natural/tokenizers/aggressive_tokenizer_sv') as new () => NaturalTokenizer;
const tokenizerSv = new TokenizerSv();

const NON_ASCII = /[^ -~\t\n\r]/;

/**
 * Lower-case and fold the letters people leave out when they type without a Swedish keyboard:
 * å/ä → a, ö → o, é → e (and other accents dropped), so "tillstand" meets "tillstånd".
 */
export function fold(text: string): string {
  const lower = text.toLowerCase();
  // Plain ASCII (most words) has nothing to fold.
  if (!NON_ASCII.test(lower)) return lower;
  return lower
    .replace(/[åäæ]/g, 'a')
    .replace(/[öø]/g, 'o')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '');
}

/** Words of a text folded (lower-case, å/ä/ö as a/a/o), split at anything that is not a letter or digit. */
export function foldedWords(text: string): string[] {
  return fold(text).split(/[^a-z0-9]+/).filter((word) => word.length > 0);
}

/** Words of a text, lower-case, å/ä/ö kept (natural's AggressiveTokenizerSv). */
export function tokenize(text: string): string[] {
  return tokenizerSv
    .tokenize(text.toLowerCase())
    .map((token) => token.trim())
    .filter((token) => token.length > 0);
}

/** Swedish stem of a folded token. */
export function stemSv(token: string): string {
  return stemmerSv.stem(fold(token));
}

/** English stem of a token. */
export function stemEn(token: string): string {
  return stemmerEn.stem(fold(token));
}

/** The Swedish and the English stem of a token already folded (one when they agree). */
export function stemsOfFolded(folded: string): string[] {
  const sv = stemmerSv.stem(folded);
  const en = stemmerEn.stem(folded);
  return sv === en ? [sv] : [sv, en];
}

const englishMarkers = new Set([
  'the', 'and', 'to', 'i', 'my', 'we', 'our', 'you', 'is', 'are', 'a', 'an', 'for', 'of', 'how', 'what', 'where',
  'who', 'do', 'does', 'need', 'want', 'can', 'should', 'would', 'please', 'with', 'in', 'on', 'it', 'this', 'that',
  'have', 'has', 'be', 'get', 'hello', 'hi', 'thanks', 'thank', 'permit', 'license', 'licence', 'business', 'company',
  'open', 'start', 'apply', 'restaurant', 'help', 'there', 'too', 'not', 'from', 'about', 'why', 'when', 'at',
  'yes', 'yeah', 'yep', 'no', 'nope', 'sure', 'okay', 'erase', 'delete', 'please', 'sorry', 'none', 'skip', 'question',
]);
const swedishMarkers = new Set([
  'och', 'att', 'jag', 'vi', 'min', 'mitt', 'mina', 'vår', 'var', 'är', 'en', 'ett', 'för', 'av', 'hur', 'vad',
  'vem', 'gör', 'behöver', 'vill', 'kan', 'ska', 'skall', 'med', 'i', 'på', 'det', 'den', 'har', 'få', 'hej', 'tack',
  'tillstånd', 'företag', 'öppna', 'starta', 'söka', 'ansöka', 'hjälp', 'inte', 'från', 'om', 'varför', 'när', 'till',
  'som', 'man', 'eller', 'så', 'mycket', 'kommunen', 'bra', 'borde', 'skulle', 'vara', 'finns',
  'ja', 'nej', 'japp', 'inget', 'ingen', 'okej', 'radera', 'fråga', 'hoppa', 'över', 'stämmer', 'gärna',
]);

/** Swedish markers by their folded form ("for" → ["för"], "over" → ["över"]), worked out once. */
const swedishByFolded = new Map<string, string[]>();
for (const marker of swedishMarkers) {
  const folded = fold(marker);
  swedishByFolded.set(folded, [...(swedishByFolded.get(folded) ?? []), marker]);
}

/**
 * Marker words of each language in a text. A Swedish marker typed without å/ä/ö ("for", "over")
 * counts `asciiWeight` for each marker it could be (routing: half, so "for" leans English), or
 * `'once'`: as one whole Swedish word unless it is a marker as typed (a conversation's language:
 * "fler p-platser for lastbilar" stays Swedish).
 */
function markerCounts(text: string, ascii: number | 'once'): { sv: number; en: number } {
  let sv = 0;
  let en = 0;
  for (const token of tokenize(text)) {
    const folded = fold(token);
    if (englishMarkers.has(token)) en += 1;
    const direct = swedishMarkers.has(token) || swedishMarkers.has(folded);
    if (direct) sv += 1;
    const sameFolded = swedishByFolded.get(folded);
    if (!sameFolded) continue;
    if (ascii === 'once') {
      if (!direct) sv += 1;
    } else {
      for (const marker of sameFolded) if (marker !== folded) sv += ascii;
    }
  }
  return { sv, en };
}

/**
 * Swedish or English, by marker words (and å/ä/ö, which only Swedish has). Short or mixed texts
 * count as Swedish, the bot's first language.
 */
export function detectLanguage(text: string): Language {
  if (/[åäö]/i.test(text)) return 'sv';
  const { sv, en } = markerCounts(text, 0.5);
  return en > sv ? 'en' : 'sv';
}

/**
 * The language a message shows, or undefined when it shows none ("ok", a name, an e-mail address):
 * å/ä/ö or more Swedish than English marker words is Swedish, the other way round English. A
 * conversation keeps its language through such answers instead of falling back to a default.
 */
export function evidentLanguage(text: string): Language | undefined {
  if (/[åäö]/i.test(text)) return 'sv';
  const { sv, en } = markerCounts(text, 'once');
  if (en > sv) return 'en';
  if (sv > en) return 'sv';
  return undefined;
}

/** Folded, stemmed terms of a text in its language (for the tagger and similarity search). */
export function analyze(text: string, language: Language = detectLanguage(text)): string[] {
  const stem = language === 'en' ? stemEn : stemSv;
  return tokenize(text)
    .filter((token) => token.length > 1 || /\d/.test(token))
    .map((token) => stem(token))
    .filter((term) => term.length > 0);
}
