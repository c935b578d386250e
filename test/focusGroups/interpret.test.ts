import { describe, expect, it } from 'vitest';
import { interpret, interpretConsent, newStatement, numberList, voteOf, wantsSent } from '../../src/domain/focusGroups/interpret';
import { dialogueStep, type DialogueStep } from '../../src/domain/focusGroups/template';

const label = (sv: string, en: string) => ({ sv, en });
const step = (raw: unknown): DialogueStep => dialogueStep.parse(raw);

const single = step({
  type: 'single',
  id: 'role',
  question: label('Vem är du?', 'Who are you?'),
  options: [
    { id: 'owner', label: label('Företagare', 'Business owner') },
    { id: 'private', label: label('Privatperson', 'Private person') },
    { id: 'other', label: label('Något annat', 'Something else') },
  ],
});
const multiple = step({
  type: 'multiple',
  id: 'pain',
  question: label('Vad är svårast?', 'What is hardest?'),
  options: [
    { id: 'time', label: label('Lång handläggningstid', 'Long processing time') },
    { id: 'docs', label: label('Många kompletteringskrav', 'Many requests for more documents') },
    { id: 'plan', label: label('Att tolka detaljplanen', 'Reading the local plan') },
    { id: 'reach', label: label('Svårt att nå handläggaren', 'Hard to reach the case officer') },
    { id: 'fees', label: label('Avgifternas storlek', 'The size of the fees') },
  ],
  max: 3,
});
const scale = step({ type: 'scale', id: 'overall', question: label('Hur var det?', 'How was it?'), min: 1, max: 5, minLabel: label('Mycket dåligt', 'Very poor'), maxLabel: label('Mycket bra', 'Very good') });
const ranking = step({
  type: 'ranking',
  id: 'priorities',
  question: label('Vad är viktigast?', 'What matters most?'),
  items: [
    { id: 'roads', label: label('Vägar', 'Roads') },
    { id: 'skills', label: label('Kompetens', 'Skills') },
    { id: 'land', label: label('Mark för företag', 'Land for business') },
  ],
});
const statements = step({ type: 'statements', id: 'st', question: label('Ta ställning', 'Take a stand'), seed: [label('Det går fort', 'It is fast')], allowNew: true });
const open = step({ type: 'open', id: 'better', question: label('Vad kan bli bättre?', 'What could be better?') });
const info = step({ type: 'info', id: 'intro', text: label('Välkommen', 'Welcome') });

const value = (s: DialogueStep, text: string, language: 'sv' | 'en' = 'sv', context = {}) => {
  const result = interpret(s, text, language, context);
  return result.kind === 'answer' ? result.value : result;
};

describe('FocusGroups.interpret: what a participant answer means', () => {
  it('single choice: a label in either language, folded (typed without å/ä/ö), or the option number', () => {
    expect(value(single, 'Företagare')).toEqual({ kind: 'single', option: 'owner' });
    expect(value(single, 'foretagare')).toEqual({ kind: 'single', option: 'owner' });
    expect(value(single, 'NAGOT ANNAT')).toEqual({ kind: 'single', option: 'other' });
    expect(value(single, 'Private person', 'sv')).toEqual({ kind: 'single', option: 'private' });
    expect(value(single, '2')).toEqual({ kind: 'single', option: 'private' });
    expect(value(single, 'nr 3.')).toEqual({ kind: 'single', option: 'other' });
    expect(value(single, 'två')).toEqual({ kind: 'single', option: 'private' });
    expect(value(single, 'tva')).toEqual({ kind: 'single', option: 'private' });
    expect(value(single, 'jag är privatperson')).toEqual({ kind: 'single', option: 'private' });
  });

  it('single choice: a number it does not have, or nothing it knows, is not understood (with the reason)', () => {
    expect(value(single, '4')).toEqual({ kind: 'not-understood', reason: 'out-of-range' });
    expect(value(single, '0')).toEqual({ kind: 'not-understood', reason: 'out-of-range' });
    expect(value(single, '1, 2')).toEqual({ kind: 'not-understood', reason: 'no-match' });
    expect(value(single, 'vet du vad klockan är')).toEqual({ kind: 'not-understood', reason: 'no-match' });
    expect(value(single, '   ')).toEqual({ kind: 'not-understood', reason: 'empty' });
  });

  it('multiple choice: "1,3", "1, 3", "2 och 3", "1 and 4", number words, at most max', () => {
    expect(value(multiple, '1,3')).toEqual({ kind: 'multiple', options: ['time', 'plan'] });
    expect(value(multiple, '1, 3')).toEqual({ kind: 'multiple', options: ['time', 'plan'] });
    expect(value(multiple, '2 och 3')).toEqual({ kind: 'multiple', options: ['docs', 'plan'] });
    expect(value(multiple, '1 and 4', 'en')).toEqual({ kind: 'multiple', options: ['time', 'reach'] });
    expect(value(multiple, 'två och fyra')).toEqual({ kind: 'multiple', options: ['docs', 'reach'] });
    expect(value(multiple, '3 3 1')).toEqual({ kind: 'multiple', options: ['plan', 'time'] });
    expect(value(multiple, '1, 2, 3, 4')).toEqual({ kind: 'multiple', options: ['time', 'docs', 'plan'] });
  });

  it('multiple choice: labels named in the text (folded), and numbers it does not have are not dropped silently', () => {
    expect(value(multiple, 'lang handlaggningstid och svart att na handlaggaren')).toEqual({ kind: 'multiple', options: ['time', 'reach'] });
    expect(value(multiple, 'The size of the fees', 'en')).toEqual({ kind: 'multiple', options: ['fees'] });
    expect(value(multiple, '1, 9')).toEqual({ kind: 'not-understood', reason: 'out-of-range' });
    expect(value(multiple, '6')).toEqual({ kind: 'not-understood', reason: 'out-of-range' });
    expect(value(multiple, 'allt är bra')).toEqual({ kind: 'not-understood', reason: 'no-match' });
  });

  it('scale: a number within the scale, a number word, an end label; outside the scale is out of range', () => {
    expect(value(scale, '4')).toEqual({ kind: 'scale', value: 4 });
    expect(value(scale, 'fyra')).toEqual({ kind: 'scale', value: 4 });
    expect(value(scale, 'four', 'en')).toEqual({ kind: 'scale', value: 4 });
    expect(value(scale, 'betyg 2 av 5')).toEqual({ kind: 'scale', value: 2 });
    expect(value(scale, 'mycket bra')).toEqual({ kind: 'scale', value: 5 });
    expect(value(scale, 'Mycket daligt')).toEqual({ kind: 'scale', value: 1 });
    expect(value(scale, '7')).toEqual({ kind: 'not-understood', reason: 'out-of-range' });
    expect(value(scale, '0')).toEqual({ kind: 'not-understood', reason: 'out-of-range' });
    expect(value(scale, 'ganska okej')).toEqual({ kind: 'not-understood', reason: 'no-match' });
  });

  it('ranking: numbers in the order given, labels in the order written, the items as shown (focus areas)', () => {
    expect(value(ranking, '3, 1, 2')).toEqual({ kind: 'ranking', order: ['land', 'roads', 'skills'] });
    expect(value(ranking, '2 och 3')).toEqual({ kind: 'ranking', order: ['skills', 'land'] });
    expect(value(ranking, 'kompetens, sedan vagar')).toEqual({ kind: 'ranking', order: ['skills', 'roads'] });
    expect(value(ranking, '4, 1')).toEqual({ kind: 'not-understood', reason: 'out-of-range' });
    const areas = [{ id: 'mora.competence', label: 'Kompetensförsörjning' }, { id: 'mora.infrastructure', label: 'Infrastruktur' }];
    expect(value(ranking, '2,1', 'sv', { rankingItems: areas })).toEqual({ kind: 'ranking', order: ['mora.infrastructure', 'mora.competence'] });
    expect(value(ranking, 'infrastruktur', 'sv', { rankingItems: areas })).toEqual({ kind: 'ranking', order: ['mora.infrastructure'] });
  });

  it('statements: a vote on the statement shown (buttons and words, folded); a skip is a pass', () => {
    const on = { statementId: 'seed-1', labels: { agree: 'Håller med', disagree: 'Håller inte med', pass: 'Pass' } };
    expect(value(statements, 'Håller med', 'sv', on)).toEqual({ kind: 'vote', statementId: 'seed-1', vote: 'agree' });
    expect(value(statements, 'haller inte med', 'sv', on)).toEqual({ kind: 'vote', statementId: 'seed-1', vote: 'disagree' });
    expect(value(statements, 'ja', 'sv', on)).toEqual({ kind: 'vote', statementId: 'seed-1', vote: 'agree' });
    expect(value(statements, 'nej', 'sv', on)).toEqual({ kind: 'vote', statementId: 'seed-1', vote: 'disagree' });
    expect(value(statements, 'I disagree', 'en', on)).toEqual({ kind: 'vote', statementId: 'seed-1', vote: 'disagree' });
    expect(value(statements, 'hoppa over', 'sv', on)).toEqual({ kind: 'vote', statementId: 'seed-1', vote: 'pass' });
    expect(value(statements, 'Pass', 'sv', on)).toEqual({ kind: 'vote', statementId: 'seed-1', vote: 'pass' });
    expect(value(statements, 'Håller med')).toEqual({ kind: 'not-understood', reason: 'no-statement' });
    // A municipality that renamed the buttons: its own words count.
    expect(voteOf('Instämmer helt', { agree: 'Instämmer helt' })).toBe('agree');
  });

  it('skip and back on every step, in Swedish (with or without å/ä/ö) and English, and the buttons as configured', () => {
    for (const s of [single, multiple, scale, ranking, open]) {
      expect(value(s, 'Hoppa över')).toEqual({ kind: 'skip' });
      expect(value(s, 'hoppa over!')).toEqual({ kind: 'skip' });
      expect(value(s, 'skip', 'en')).toEqual({ kind: 'skip' });
      expect(interpret(s, 'tillbaka', 'sv')).toEqual({ kind: 'back' });
      expect(interpret(s, 'Gå tillbaka', 'sv')).toEqual({ kind: 'back' });
    }
    expect(interpret(statements, 'back', 'en', { statementId: 'seed-1' })).toEqual({ kind: 'back' });
    expect(value(scale, 'Nästa gång', 'sv', { labels: { skip: 'Nästa gång' } })).toEqual({ kind: 'skip' });
  });

  it('open answers and inspel keep the text as written; an info step continues on anything', () => {
    expect(value(open, '  Snabbare besked, tack!  ')).toEqual({ kind: 'open', text: 'Snabbare besked, tack!' });
    expect(value(open, '')).toEqual({ kind: 'not-understood', reason: 'empty' });
    expect(value(info, 'Fortsätt')).toEqual({ kind: 'skip' });
  });

  it('number lists: only a message of numbers and joining words is a list', () => {
    expect(numberList('1,3')).toEqual([1, 3]);
    expect(numberList('2 och 3')).toEqual([2, 3]);
    expect(numberList('tre eller fem')).toEqual([3, 5]);
    expect(numberList('jag ger det 4')).toBeUndefined();
    expect(numberList('och')).toBeUndefined();
  });

  it('consent, sending the inspel, and an own statement', () => {
    expect(interpretConsent('Ja, jag vill delta', { yes: 'Ja, jag vill delta', no: 'Nej tack' })).toBe('yes');
    expect(interpretConsent('jag godkanner')).toBe('yes');
    expect(interpretConsent('I agree')).toBe('yes');
    expect(interpretConsent('nej tack')).toBe('no');
    expect(interpretConsent('vad händer med svaren?')).toBe('unclear');
    expect(wantsSent('Ja, skicka som förslag', 'Ja, skicka som förslag')).toBe(true);
    expect(wantsSent('nej')).toBe(false);
    expect(newStatement('Hoppa över')).toBeUndefined();
    expect(newStatement('ok')).toBeUndefined();
    expect(newStatement(' Handläggarna borde ringa ')).toBe('Handläggarna borde ringa');
  });
});
