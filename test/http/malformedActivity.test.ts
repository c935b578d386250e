import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ask, messageActivity, startTestApp, visibleText, type TestApp } from '../helpers/app';

/** Malformed activities are refused at validation, so they never crash a turn or wipe the conversation's state. */
describe('malformed activities on /api/messages', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.stop();
  });

  const conversation = { id: 'conv-state-survives' };
  const malformed: Array<[string, Record<string, unknown>]> = [
    ['entities: [{}]', { entities: [{}] }],
    ['locale: 123', { locale: 123 }],
    ['membersAdded: [null]', { type: 'conversationUpdate', text: undefined, membersAdded: [null] }],
    ['no recipient', { recipient: undefined }],
    ['attachments: [1]', { attachments: [1] }],
  ];

  it('gets 400 naming the field for each, and the dialog in progress goes on afterwards', async () => {
    const first = await ask(t.url, messageActivity('Jag har ett förslag: fler cykelställ vid torget', { conversation }));
    expect(visibleText(first.activities)).toMatch(/Förslag/);
    for (const [name, change] of malformed) {
      const response = await fetch(`${t.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...messageActivity('Förslag', { conversation }), deliveryMode: 'expectReplies', ...change }),
      });
      expect(response.status, name).toBe(400);
      const body = (await response.json()) as { error: { code: string; details: string[] } };
      expect(body.error.code).toBe('BadActivity');
      expect(body.error.details.join(' '), name).toMatch(/activity\.(entities|locale|membersAdded|recipient|attachments)/);
    }
    // The conversation's state survived: the suggestion dialog continues where it was.
    const next = await ask(t.url, messageActivity('Förslag', { conversation }));
    expect(next.status).toBe(200);
    expect(visibleText(next.activities)).toMatch(/Jag tolkar det som/);
  });
});
