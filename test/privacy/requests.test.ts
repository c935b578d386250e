import { describe, expect, it } from 'vitest';
import { conversationIntent } from '../../src/domain/guide/intents';

/** The privacy requests of the interruption layer's table, as the chat's two privacy answers. */
function privacyRequest(text: string): 'extract' | 'erase' | undefined {
  const intent = conversationIntent(text);
  return intent === 'privacy-info' ? 'extract' : intent === 'privacy-erase' ? 'erase' : undefined;
}

describe('privacy requests in the conversation intents', () => {
  it.each([
    ['vilka uppgifter har ni om mig?', 'extract'],
    ['Vilka uppgifter har ni om mej', 'extract'],
    ['vad har ni sparat om mig', 'extract'],
    ['vad har ni for personuppgifter om mig', 'extract'],
    ['Jag vill ha ett registerutdrag', 'extract'],
    ['visa mina uppgifter', 'extract'],
    ['what data do you have about me?', 'extract'],
    ['What do you store about me', 'extract'],
    ['show my data', 'extract'],
    ['hur hanterar ni mina personuppgifter?', 'extract'],
    ['GDPR', 'extract'],
    ['how do you handle my data', 'extract'],
    ['radera mina uppgifter', 'erase'],
    ['Radera mina personuppgifter tack', 'erase'],
    ['ta bort mina uppgifter', 'erase'],
    ['glöm mig', 'erase'],
    ['glom mig', 'erase'],
    ['delete my data', 'erase'],
    ['please erase my personal data', 'erase'],
    ['forget me', 'erase'],
  ])('%s → %s', (text, expected) => {
    expect(privacyRequest(text)).toBe(expected);
  });

  it.each([
    'Hur söker jag serveringstillstånd?',
    'vilka tillstånd behöver jag för en food truck',
    'radera mitt bygglov ärende, det är fel datum',
    'jag har ett förslag: ta bort parkeringsavgiften på torget',
    'What permits do I need for a restaurant?',
    'kan ni uppdatera informationen om mig på er webbplats',
  ])('leaves "%s" to the guide', (text) => {
    expect(privacyRequest(text)).toBeUndefined();
  });
});
