import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app';
import { HttpChat, replyKinds, storedText, transcriptText } from '../helpers/httpChat';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.stop();
});

describe('privacy: what is stored about me, and erasure', () => {
  it('gives an extract, asks before erasing, and erases contact details and contact requests', async () => {
    const chat = new HttpChat(t.url, { userId: 'privacy-1' });
    await chat.say('jag har ett förslag');
    await chat.say('fler cykelparkeringar vid Mora resecentrum');
    for (const turn of ['Förslag', 'Ja, det stämmer', 'Hoppa över', 'Ja, lämna kontaktuppgift', 'privat.person@example.se']) await chat.say(turn);
    const reference = /MORA-\d{4}-\d{6}/.exec(transcriptText(chat.last))?.[0] ?? '';
    expect(reference).not.toBe('');
    await chat.say('kan jag få prata med en människa');
    for (const turn of ['ja', 'Karin Privat', 'Privat AB', '070-555 66 77', 'om parkeringen']) await chat.say(turn);
    expect(replyKinds(chat.last)).toContain('handoff-done');

    const extract = await chat.say('vilka uppgifter har ni om mig?');
    expect(replyKinds(extract)).toEqual(['privacy-info']);
    expect(transcriptText(extract)).toContain(reference);
    // The extract names what is stored (name, company, phone) without showing the values in the chat.
    expect(transcriptText(extract)).toMatch(/namn, företag, telefonnummer/);
    expect(transcriptText(extract)).not.toContain('Karin Privat');

    expect(replyKinds(await chat.say('radera mina uppgifter'))).toEqual(['privacy-confirm']);
    expect(replyKinds(await chat.say('nej'))).toEqual(['cancelled']);
    expect(storedText(t.dir)).toContain('privat.person@example.se');

    await chat.say('ta bort allt ni har om mig');
    const erased = await chat.say('ja');
    expect(replyKinds(erased)).toEqual(['privacy-erased']);
    const stored = storedText(t.dir);
    expect(stored).not.toContain('privat.person@example.se');
    expect(stored).not.toContain('Karin Privat');
    expect(stored).not.toContain('070-555 66 77');
    expect(transcriptText(await chat.say('what data do you have about me?'))).not.toContain('Karin');
  });
});
