/**
 * Which kind of input (förslag, synpunkt, klagomål, beröm) a message says it is, in the user's own
 * words: "Beröm till räddningstjänsten …", "jag vill klaga på …", "it's praise", "nej vänta, det är
 * mer ett klagomål". The suggestion dialog does not ask for a kind the user has already stated, and
 * takes a kind named later as a correction.
 */
import { fold } from '../text';
import { correctTypos, vocabulary } from '../text/typos';
import { feedbackKinds, type FeedbackKind } from './types';

/** The words that name each kind (folded), Swedish and English. */
const KIND_WORDS: Record<FeedbackKind, readonly string[]> = {
  suggestion: ['forslag', 'forslaget', 'forbattringsforslag', 'suggestion', 'suggestions', 'proposal', 'idea', 'ide', 'iden'],
  opinion: ['synpunkt', 'synpunkten', 'synpunkter', 'opinion', 'opinions', 'asikt', 'comment'],
  complaint: ['klagomal', 'klagomalet', 'klaga', 'klagar', 'klagade', 'reklamation', 'reklamera', 'complaint', 'complaints', 'complain', 'complaining'],
  praise: ['berom', 'beromma', 'berommer', 'beromde', 'eloge', 'praise', 'praising', 'compliment', 'compliments', 'kudos'],
};
const KIND_OF = new Map<string, FeedbackKind>(feedbackKinds.flatMap((kind) => KIND_WORDS[kind].map((word) => [word, kind] as const)));
const WORDS = vocabulary(KIND_OF.keys());

function words(text: string): string[] {
  const folded = fold(text).replace(/[’'`´]/g, ' ').replace(/[^a-z0-9 ]+/g, ' ');
  return correctTypos(folded, WORDS).split(' ').filter(Boolean);
}

/** The kind a text names last ("inte ett klagomål, mer en synpunkt" → opinion), if any. */
export function kindNamed(text: string): FeedbackKind | undefined {
  let found: FeedbackKind | undefined;
  for (const word of words(text)) found = KIND_OF.get(word) ?? found;
  return found;
}

const ARTICLE = '(?:ett|en|a|an|my|mitt|min|ett litet|a small|a quick|some|nagot|lite|ett formellt|a formal)';
/** The marked kinds (a complaint, praise) framed as what the message is: "Klagomål: …", "jag vill klaga på …", "I'd like to praise …". */
const FRAMED: Array<[FeedbackKind, RegExp]> = [
  ['complaint', new RegExp(`^(?:klagomal|complaint|reklamation)\\b|\\b(?:vill|ville|skulle vilja|maste|har|hade|ge|lamna|skicka|framfora|want to|d like to|would like to|like to|have to|must|wish to|i|we|have|had|got|give|leave|send|make|file|lodge|submit|register)(?: ${ARTICLE})? (?:klagomal|klaga|complaint|complain|reklamation|reklamera)\\b`)],
  ['praise', new RegExp(`^(?:berom|praise|kudos|compliments?)\\b|\\b(?:vill|ville|skulle vilja|maste|har|hade|ge|lamna|skicka|framfora|want to|d like to|would like to|like to|wish to|have|had|got|give|leave|send|pass on)(?: ${ARTICLE})? (?:berom|beromma|eloge|praise|compliment|compliments|kudos)\\b`)],
];
/** A greeting or filler in front ("hej!", "ok,"). */
const LEAD = /^(?:(?:hej|hejsan|hi|hello|hey|ok|okej|okay|ja|yes|nej|no|well|so|da|then|alltsa|nej vanta|no wait|actually|fast|hmm+) )*/;
/** The whole message names a kind: "it's praise", "det är ett förslag", "ok, opinion then", "klagomål". */
const STATEMENT = new RegExp(
  `^(?:(?:det|it|this|that|de|they) (?:ar|e|is|s|blir|was|var|are) )?(?:(?:nog|mer|more|snarare|rather|faktiskt|actually|typ|kind of|like|mostly|mest|bara|just|mer som) )*(?:${ARTICLE} )?(\\w+)(?: (?:da|then|i guess|tror jag|faktiskt|actually|snarare|rather|istallet|instead|please|tack))*$`,
);
/** "det är …", "it's …": a statement of what the input is. */
const FRAME = /^(?:det|it|this|that|de|they) (?:ar|e|is|s|blir|was|var|are) /;
/** Most words of the opening a framed kind is looked for in ("mitt personnr är …, jag vill klaga på …"). */
const FRAME_WORDS = 10;

/**
 * The kind a message states clearly enough that the bot need not ask: a complaint or praise framed
 * as what the message is (in its first words), or any kind when the message says only that.
 * A suggestion merely announced ("jag har ett förslag") is not stated: förslag is also the word for
 * any input, so the kind is asked then.
 */
export function statedKind(text: string): FeedbackKind | undefined {
  const all = words(text);
  const joined = all.join(' ').replace(LEAD, '');
  const statement = STATEMENT.exec(joined);
  const named = statement?.[1] ? KIND_OF.get(statement[1]) : undefined;
  // A bare "Förslag!" opens any input; "det är ett förslag" says which kind it is.
  if (named && (named !== 'suggestion' || FRAME.test(joined))) return named;
  const opening = all.slice(0, FRAME_WORDS).join(' ').replace(LEAD, '');
  return FRAMED.find(([, pattern]) => pattern.test(opening))?.[0];
}
