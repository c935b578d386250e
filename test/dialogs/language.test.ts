/**
 * The conversation keeps the language the user writes in. The channel's locale (the web chat page
 * or a Teams client) only decides until the user's own words do, so a short answer ("yes", a name,
 * an e-mail address) in the middle of a dialog does not switch the bot back to the page's language.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app';
import { HttpChat, transcriptText } from '../helpers/httpChat';
import { chooseLanguage } from '../../src/domain/session';
import { evidentLanguage } from '../../src/domain/text';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.stop();
});

describe('the language of a conversation', () => {
  it('reads the language a message shows, and none from names, addresses or "ok"', () => {
    expect(evidentLanguage('can i talk to someone instead')).toBe('en');
    expect(evidentLanguage('yes')).toBe('en');
    expect(evidentLanguage('ja')).toBe('sv');
    expect(evidentLanguage('Hoppa över')).toBe('sv');
    expect(evidentLanguage('Anna Berg')).toBeUndefined();
    expect(evidentLanguage('anna@example.com')).toBeUndefined();
    expect(evidentLanguage('ok')).toBeUndefined();
  });

  it('lets the page switch, then the words, then the earlier words, then the locale decide', () => {
    expect(chooseLanguage({ language: 'sv' }, { locale: 'en' })).toEqual({ language: 'en' });
    expect(chooseLanguage({ language: 'en', languageFrom: 'text' }, { locale: 'sv' })).toEqual({ language: 'en', languageFrom: 'text' });
    expect(chooseLanguage({ language: 'en', languageFrom: 'text' }, { evident: 'sv', locale: 'en' })).toEqual({ language: 'sv', languageFrom: 'text' });
    expect(chooseLanguage({ language: 'sv', languageFrom: 'text' }, { chosen: 'en', evident: 'sv' })).toEqual({ language: 'en', languageFrom: 'choice' });
  });

  it('keeps English through a handoff on a Swedish page', async () => {
    const chat = new HttpChat(t.url, { municipality: 'borlange', locale: 'sv-SE' });
    await chat.say('hi, we want to open a food truck near the station, what do i need');
    const intro = transcriptText(await chat.say('can i talk to someone instead'));
    expect(intro).toMatch(/Is that OK\?/);
    const name = transcriptText(await chat.say('yes'));
    expect(name).toMatch(/What is your name\?/);
    const company = transcriptText(await chat.say('Anna Berg'));
    expect(company).toMatch(/Which company/);
  });

  it('keeps Swedish in Teams when the client is set to English', async () => {
    const chat = new HttpChat(t.url, { municipality: 'mora', locale: 'en-US' });
    await chat.say('hej, jag vill prata med en människa');
    const name = transcriptText(await chat.say('ja'));
    expect(name).toMatch(/Vad heter du\?/);
    const company = transcriptText(await chat.say('Anna Berg'));
    expect(company).toMatch(/Vilket företag/);
  });
});
