import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ask, messageActivity, startTestApp, visibleText, type TestApp } from '../helpers/app';
import { createApiKey } from '../../src/domain/staff/apiKeys';

/** A text longer than MAX_MESSAGE_CHARS is not classified: the user is asked, in their language, for a shorter one. */
describe('message length cap at the boundary', () => {
  let t: TestApp;
  const long = (n: number) => 'Hur söker jag bygglov för en altan? '.repeat(Math.ceil(n / 36)).slice(0, n);
  beforeAll(async () => {
    t = await startTestApp({ MAX_MESSAGE_CHARS: '2000' });
  });
  afterAll(async () => {
    await t.stop();
  });

  it('2 001 characters in Swedish: asked for a shorter text, nothing classified or recorded', async () => {
    const before = (await t.app.store.guideEvents.list('mora')).length;
    const replies = await ask(t.url, messageActivity(long(2001), { conversation: { id: 'long-sv' } }));
    expect(replies.status).toBe(200);
    expect(visibleText(replies.activities)).toMatchInlineSnapshot(`"Ditt meddelande är för långt för mig (2001 tecken). Skriv det kortare, högst 2000 tecken, gärna en fråga eller ett förslag i taget."`);
    expect((await t.app.store.guideEvents.list('mora')).length).toBe(before);
    // The conversation goes on normally with a shorter text.
    const next = await ask(t.url, messageActivity('Hur söker jag bygglov för en altan?', { conversation: { id: 'long-sv' } }));
    expect(visibleText(next.activities)).toMatch(/bygglov/i);
  });

  it('in English for an English user', async () => {
    const replies = await ask(t.url, messageActivity('How do I apply for a building permit? '.repeat(60), { conversation: { id: 'long-en' }, locale: 'en-GB' }));
    expect(visibleText(replies.activities)).toMatch(/^Your message is too long for me \(2280 characters\)\. Please write it shorter, at most 2000 characters/);
  });

  it('Open311 POST with a description over the maximum gets 400 in GeoReport form', async () => {
    const { key, record } = createApiKey('mora', 'test', new Date());
    await t.app.store.apiKeys.put(record);
    const response = await fetch(`${t.url}/open311/v2/requests.json`, {
      method: 'POST',
      body: new URLSearchParams({ jurisdiction_id: 'mora', service_code: 'mora.networks-development', description: long(2001), api_key: key }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual([{ code: 400, description: expect.stringMatching(/description: longer than 2000 characters/) }]);
    expect(await t.app.store.feedback.list('mora')).toHaveLength(0);
  });
});
