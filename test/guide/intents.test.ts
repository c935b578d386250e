import { describe, expect, it } from 'vitest';
import { afterDismissal, conversationIntent, createIntentReader, feedbackOpening, isPrivateMatter, isReport, isVagueQuestion, looksLikeQuestion, trailingQuestion, type ConversationIntent } from '../../src/domain/guide/intents';
import { testData } from '../helpers/app';

/** [message, intent] — Swedish with and without å/ä/ö, English; undefined = an ordinary message. */
const INTENTS: Array<[string, ConversationIntent | undefined]> = [
  ['nej, jag ångrar mig', 'cancel'],
  ['jag angrar mig', 'cancel'],
  ['släpp det', 'cancel'],
  ['skit samma', 'cancel'],
  ['äh, jag orkar inte med det här nu', 'cancel'],
  ['forget it', 'cancel'],
  ['nah, forget the whole thing', 'cancel'],
  ['börja om', 'restart'],
  ['start over', 'restart'],
  ['hjälp', 'help'],
  ['?', 'help'],
  ['va kan du gora', 'help'],
  ['what can I ask you?', 'help'],
  ['hej', 'greeting'],
  ['god morron', 'greeting'],
  ['tack ändå', 'thanks'],
  ['fair enough, thanks', 'thanks'],
  ['vem e du', 'smalltalk'],
  ['how are you doing today?', 'smalltalk'],
  ['mina förslag', 'my-suggestions'],
  ['vad har ja skickat in for forslag', 'my-suggestions'],
  ['what have I submitted so far?', 'my-suggestions'],
  ['Skulle jag kunna få prata med någon på kommunen om mitt bygglov?', 'handoff'],
  ['finns det en människa jag kan prata med?', 'handoff'],
  ['is there a person I can talk to about setting up here?', 'handoff'],
  ['vilka uppgifter har ni om mig?', 'privacy-info'],
  ['radera mina uppgifter', 'privacy-erase'],
  ['delete my data', 'privacy-erase'],
  // ordinary messages that share words with the commands
  ['kommunen borde sluta ta ut avgifter för skyltar vid vägen', undefined],
  ['Hur funkar det med nikotinpåsar – räknas det som tobak?', undefined],
  ['vem ska jag kontakta på kommunen om bygglov?', undefined],
  ['vad är det här för avgift på fakturan?', undefined],
  ['vad för information behöver jag för bygglov', undefined],
  ['tack för att ni fixade vägen så snabbt', undefined],
  ['battre kontakt med naringslivskontoret', undefined],
  // a key word with a typo, colloquial spellings, a word between "mina" and "förslag" (blind set 4 and variations)
  ['tack för hjälpn, ha en bra dag', 'thanks'],
  ['tack for svraet', 'thanks'],
  ['thnaks for the help', 'thanks'],
  ['kan jag se mina tidigare förslag först?', 'my-suggestions'],
  ['visa mina gamla synpunkter', 'my-suggestions'],
  ['can I see my previous suggestions?', 'my-suggestions'],
  ['nä vet du vad, jag hör av mej själv istället', 'cancel'],
  ['jag hör av mig själv till dem', 'cancel'],
  ['na forresten inte nu', 'cancel'],
  ['nä förresten, inte idag', 'cancel'],
  // an inflection is not a typo: "lotsmöten" is not "lotsmöte" (a person)
  ['hur funkar det med lotsmoten forresten?', undefined],
  // "mitt förslag är …" gives a suggestion, it does not ask for the user's own
  ['mitt förslag är fler bänkar på torget', undefined],
  ['My suggestion: more benches on the square', undefined],
];

describe('conversation intents (src/domain/guide/intents.ts)', () => {
  it.each(INTENTS)('%s → %s', (text, intent) => {
    expect(conversationIntent(text)).toBe(intent);
  });

  it.each([
    ['hej, jag har ett förslag', ''],
    ['Gör Mora bättre', ''],
    ["I'd like to give my opinion", ''],
    ['har ett forslag', ''],
    ['thanks for the help earlier, I\'d like to leave some feedback', ''],
    ['jag har ett förslag: det borde finnas fler laddstolpar vid resecentrum', 'Det borde finnas fler laddstolpar vid resecentrum'],
    ['Hi! Idea for the municipality: a business breakfast in Kolbäck once a quarter', 'A business breakfast in Kolbäck once a quarter'],
    // typos in the opening words
    ['vill lämna förlsag', ''],
    ['lamnna forslag', ''],
    ['jag har ett förslga', ''],
    ['sugestion: longer opening hours at the recycling centre for companys', 'Longer opening hours at the recycling centre for companys'],
    ['I have a complaitn', ''],
    // a possessive or article before the label
    ['My suggestion: publish upcoming procurements a few months ahead so small firms can bid', 'Publish upcoming procurements a few months ahead so small firms can bid'],
    ['Mitt förslag: en gemensam julbelysning på Kyrkogatan', 'En gemensam julbelysning på Kyrkogatan'],
    ["Here's my idea: a shared loading zone behind the shops", 'A shared loading zone behind the shops'],
    // a kind named with whom or what it is about: the whole message is the suggestion
    ['Beröm till räddningstjänsten för en väldigt pedagogisk brandskyddskontroll', 'Beröm till räddningstjänsten för en väldigt pedagogisk brandskyddskontroll'],
    ['klagomål på snöröjningen vid Noret som aldrig kommer före sju', 'Klagomål på snöröjningen vid Noret som aldrig kommer före sju'],
    ['Complaint about the potholes on the road into the industrial area', 'Complaint about the potholes on the road into the industrial area'],
    // only a subject announced: the bot asks what the idea is
    ['I have an idea for the town centre', ''],
    ['jag har ett förslag om parkeringen vid torget', ''],
    ['Jag har en idé om hur man kan göra Borlänge bättre för småföretag', ''],
    ['I have a suggestion about how to make the town better for small firms', ''],
    ['I have an idea for more benches in the square', 'More benches in the square'],
    ['jag har ett förslag om fler bänkar på torget', 'Fler bänkar på torget'],
    // a real word is not a typo of an opening word, and "kan vi lämna X" leaves something else than input
    ['jag vill klara av ansökan själv', undefined],
    ['jag vill trycka upp flygblad till festivalen', undefined],
    ['kan vi lamna wellpapp och plast pa atervinningscentralen som foretag', undefined],
    ['kan jag tycka till?', ''],
    // the kind belongs to what it is about
    ['Har ett klagomål på sophämtningen vid vår restaurang, den har uteblivit tre gånger', 'Klagomål på sophämtningen vid vår restaurang, den har uteblivit tre gånger'],
    ['vill ge en eloge till miljökontoret för snabb hjälp', 'Eloge till miljökontoret för snabb hjälp'],
    ['jag har ett förslag på att ni borde ha längre öppettider', 'Ni borde ha längre öppettider'],
    ['jag har ett förslag till kommunen', ''],
    // wanting to leave a suggestion instead
    ["actually no, I'd rather just leave a suggestion", ''],
    ['nej förresten, jag lämnar hellre ett förslag', ''],
    ['jag vill hellre lämna en synpunkt', ''],
  ] as Array<[string, string | undefined]>)('opening "%s" keeps "%s"', (text, rest) => {
    expect(feedbackOpening(text)?.rest).toBe(rest);
  });

  it('reads what follows a dropped part ("förresten skit i ölen, …") on its own', () => {
    expect(afterDismissal('ah forresten skit i olen, vad behovs for sjalva konserten pa torget')).toBe('vad behovs for sjalva konserten pa torget');
    expect(afterDismissal('never mind the beer, what do we need for the concert itself?')).toBe('what do we need for the concert itself?');
    expect(afterDismissal('vad behövs för en konsert på torget?')).toBeUndefined();
    expect(afterDismissal('glöm det')).toBeUndefined();
  });

  it('takes a wish that the municipality acts as a report (a suggestion with its content)', () => {
    expect(isReport('Vi som har butiker på Kyrkogatan vill att kommunen ordnar julbelysningen tillsammans med oss i år')).toBe(true);
    expect(isReport('We would like the council to put up more signs to the industrial area')).toBe(true);
    expect(isReport('Vill kommunen att vi ansöker om bygglov först?')).toBe(false);
  });

  it.each([
    ['hur mycket skatt blir det pa en bonus som anstalld', true],
    ['min granne spelar hög musik på nätterna, vad kan jag göra åt det?', true],
    ["can you help me fix my printer, it won't connect to wifi", true],
    ['grannen klagar på musiken från vår uteservering, vad gäller?', false],
    ['vilken skatt betalar företaget för de anställda?', false],
    ['min dator i butiken behöver en ny kassaapparat', false],
  ])('"%s" is a private matter: %s', (text, expected) => {
    expect(isPrivateMatter(text)).toBe(expected);
  });

  it('turns to a suggestion, not only a stop, when a cancel word comes with an opening', () => {
    expect(conversationIntent('nej förresten, jag lämnar hellre ett förslag')).toBeUndefined();
    expect(conversationIntent('nej förresten')).toBe('cancel');
  });

  it('reads the last sentence of a longer message as its question', () => {
    expect(trailingQuestion('äh, jag kom på att jag redan skickat in det. Kan jag se mina förslag istället?')).toBe('Kan jag se mina förslag istället?');
    expect(trailingQuestion('Kan jag se mina förslag?')).toBeUndefined();
    expect(trailingQuestion('Fler bänkar behövs. Ring mig på 070-123 45 67.')).toBeUndefined();
  });

  it('tells questions and vague questions', () => {
    expect(looksLikeQuestion('hur söker jag bygglov')).toBe(true);
    expect(looksLikeQuestion('fler bänkar på torget')).toBe(false);
    expect(isVagueQuestion('vad kostar det?')).toBe(true);
    expect(isVagueQuestion('vad kostar ett bygglov?')).toBe(false);
  });
});

describe('the intent classifier where words are not enough (data/shared/conversation.json)', () => {
  const read = createIntentReader(testData().shared.conversation);
  it.each([
    ['låt det vara', 'cancel'],
    ['det får vara', 'cancel'],
    ["I'd rather not", 'cancel'],
    ["let's stop here", 'cancel'],
    ['jag vill bli uppringd', 'handoff'],
    ['morrn', 'greeting'],
    ['cheers mate', 'thanks'],
    ['vilken information sparar ni', 'privacy-info'],
    // ordinary answers at prompts stay answers
    ['Förslag', undefined],
    ['Storgatan 5', undefined],
    ['Maria Svensson', undefined],
    ['inget', undefined],
    ['fler soptunnor', undefined],
    ['det gäller bygglovet', undefined],
  ] as Array<[string, ConversationIntent | undefined]>)('%s → %s', (text, intent) => {
    expect(read(text)).toBe(intent);
  });
  it('decides nothing at text prompts (table only)', () => {
    expect(read('låt det vara', { tableOnly: true })).toBeUndefined();
  });
});
