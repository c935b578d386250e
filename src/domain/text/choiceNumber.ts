/**
 * Which of a list of buttons a typed message names by its position: "2", "nr 2", "alternativ 2",
 * "2:a", "den andra", "andra alternativet", "jag tar tvåan", "the second one", "option 2", "2nd".
 * Only a short message made of a position and words that go with choosing counts: a number
 * inside a sentence ("vi är 3 anställda", "ring 070…") names no button.
 */
import { foldedWords } from './index';

/** Cardinal and ordinal words (folded Swedish and English) for 1–10. */
const POSITION_WORDS: Record<string, number> = {
  ett: 1, en: 1, etta: 1, ettan: 1, forsta: 1, forst: 1, one: 1, first: 1,
  tva: 2, tvaa: 2, tvaan: 2, andra: 2, two: 2, second: 2,
  tre: 3, trea: 3, trean: 3, tredje: 3, three: 3, third: 3,
  fyra: 4, fyran: 4, fjarde: 4, four: 4, fourth: 4,
  fem: 5, femma: 5, femman: 5, femte: 5, five: 5, fifth: 5,
  sex: 6, sexa: 6, sexan: 6, sjatte: 6, six: 6, sixth: 6,
  sju: 7, sjua: 7, sjuan: 7, sjunde: 7, seven: 7, seventh: 7,
  atta: 8, attan: 8, attonde: 8, eight: 8, eighth: 8,
  nio: 9, nia: 9, nian: 9, nionde: 9, nine: 9, ninth: 9,
  tio: 10, tia: 10, tian: 10, tionde: 10, ten: 10, tenth: 10,
};

/** Words that go with a position when choosing ("jag tar den andra", "I'll take option 2"). */
const CHOOSING_WORDS = new Set([
  // sv
  'jag', 'vi', 'tar', 'valjer', 'vill', 'ha', 'den', 'det', 'nummer', 'nr', 'alternativ', 'alternativet', 'alt', 'valet', 'svar',
  'knappen', 'punkt', 'siffran', 'a', 'e', 'blir', 'gar', 'pa', 'kor', 'tack', 'ok', 'okej',
  // en
  'i', 'ill', 'll', 'we', 'take', 'choose', 'pick', 'want', 'the', 'one', 'option', 'number', 'no', 'choice', 'please', 'st', 'nd', 'rd', 'th', 'go', 'with', 'for',
]);

/** Digits followed by an ordinal ending ("2:a", "1st", "3rd", "2nd"). */
const DIGIT_ORDINAL = /^(\d+)(?:st|nd|rd|th|a|e)$/;

/**
 * The 1-based position a message names, or undefined when it names none (or more than one).
 * "one" alone is the English number; "den" and "the" are only fillers.
 */
export function choiceNumber(text: string): number | undefined {
  const words = foldedWords(text);
  if (words.length === 0 || words.length > 6) return undefined;
  let found: number | undefined;
  for (const word of words) {
    const digits = /^\d+$/.test(word) ? Number(word) : DIGIT_ORDINAL.exec(word)?.[1];
    const position = digits !== undefined ? Number(digits) : POSITION_WORDS[word];
    if (position !== undefined && !(word === 'one' && found !== undefined)) {
      if (found !== undefined && found !== position) return undefined;
      found = position;
      continue;
    }
    if (!CHOOSING_WORDS.has(word)) return undefined;
  }
  return found !== undefined && found >= 1 ? found : undefined;
}
