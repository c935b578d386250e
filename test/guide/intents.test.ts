import { describe, expect, it } from 'vitest';
import { conversationIntent, createIntentReader, feedbackOpening, isVagueQuestion, looksLikeQuestion, type ConversationIntent } from '../../src/domain/guide/intents';
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
  ])('opening "%s" keeps "%s"', (text, rest) => {
    expect(feedbackOpening(text)?.rest).toBe(rest);
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
