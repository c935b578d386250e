import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app';
import { HttpChat, replyKinds, transcriptText } from '../helpers/httpChat';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.stop();
});

describe('suggestion dialog: two focus areas the tagger cannot tell apart', () => {
  // A fee for a building permit (the municipality's service) and a road and street lights to the
  // plot (planning): the tagger's two best areas for Mora are within its "close" ratio.
  const TEXT = 'Avgiften för bygglovet var för hög, och vägen och gatubelysningen till tomten är dålig';

  it('offers both areas, and the one the user picks is stored', async () => {
    const tag = t.app.feedback.tagger('mora').tag(TEXT);
    expect(tag.close).toBe(true);
    const chat = new HttpChat(t.url, { userId: 'close-areas-1' });
    await chat.say('jag har ett förslag');
    await chat.say(TEXT);
    const asked = await chat.say('Förslag');
    expect(replyKinds(asked)).toContain('suggestion-step');
    const text = transcriptText(asked);
    expect(text).toContain('två områden');
    expect(text).toContain('Infrastruktur & fysisk planering');
    expect(text).toContain('Företagens kontakter med kommunen');
    // The user picks the second of the two.
    await chat.say('Företagens kontakter med kommunen');
    for (const turn of ['Hoppa över', 'Nej, jag vill vara anonym']) await chat.say(turn);
    expect(replyKinds(chat.last)).toContain('receipt');
    const items = await t.app.store.feedback.list('mora');
    const item = items.find((i) => i.text === TEXT);
    expect(item?.focusArea).toBe('mora.business-contacts');
    expect(item?.theme).toBeDefined();
  });
});
