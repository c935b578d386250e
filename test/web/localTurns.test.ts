import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CardFactory, type TurnContext } from 'botbuilder';
import { startTestApp, type TestApp } from '../helpers/app';
import { Client, fromBot, type Activity } from '../helpers/directLine';

/**
 * Turns of the built-in web chat run through the adapter (expectReplies, no connector): what a turn
 * sends, updates and deletes reaches the page's stream and transcript as it happens. The bot's own
 * logic is replaced for single turns here by a card that is clicked and then updated in place, which
 * no dialog does yet.
 */
describe('local web chat turns', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.stop();
  });

  const card = (title: string) =>
    CardFactory.adaptiveCard({
      type: 'AdaptiveCard',
      version: '1.4',
      body: [{ type: 'TextBlock', text: title }],
      actions: [{ type: 'Action.Submit', title: 'Klar', data: { action: 'done' } }],
    });

  const history = async (client: Client): Promise<Activity[]> => {
    const response = await fetch(`${client.session.domain}/conversations/${client.session.conversationId}/activities`, { headers: client.headers() });
    return ((await response.json()) as { activities: Activity[] }).activities;
  };

  it('a card a turn sent is updated in place by a later turn (the click), on the stream and in the transcript', async () => {
    const client = await Client.open(t.url);
    await client.start();
    await client.waitFor((a) => fromBot(a) && a.type === 'message');

    let sentId: string | undefined;
    let turnActivity: TurnContext['activity'] | undefined;
    vi.spyOn(t.app.bot, 'run').mockImplementationOnce(async (context) => {
      turnActivity = context.activity;
      sentId = (await context.sendActivity({ type: 'message', attachments: [card('Ansökan: utkast')] }))?.id;
    });
    await client.post({ type: 'message', text: 'visa kortet' });
    const shown = await client.waitFor((a) => fromBot(a) && JSON.stringify(a.attachments ?? []).includes('Ansökan: utkast'));
    // sendActivity resolved the id the page got: a dialog can keep it and update the card later.
    expect(sentId).toBe(shown.id);
    expect(turnActivity?.deliveryMode).toBe('expectReplies');

    vi.spyOn(t.app.bot, 'run').mockImplementationOnce(async (context) => {
      await context.updateActivity({ id: sentId, type: 'message', attachments: [card('Ansökan: inskickad')] });
    });
    await client.post({ type: 'message', value: { action: 'done' } });
    const updated = await client.waitFor((a) => JSON.stringify(a.attachments ?? []).includes('Ansökan: inskickad'));
    expect(updated.id).toBe(shown.id);
    expect(fromBot(updated)).toBe(true);

    // The transcript holds the card once, in its new form, where it was.
    const stored = await history(client);
    const cards = stored.filter((a) => JSON.stringify(a.attachments ?? []).includes('Ansökan'));
    expect(cards.map((a) => a.id)).toEqual([shown.id]);
    expect(JSON.stringify(cards[0]?.attachments)).toContain('Ansökan: inskickad');
    client.close();
  });

  it('typing is shown on the stream but not kept; a deleted activity is gone from the transcript', async () => {
    const client = await Client.open(t.url);
    await client.start();
    await client.waitFor((a) => fromBot(a) && a.type === 'message');
    vi.spyOn(t.app.bot, 'run').mockImplementationOnce(async (context) => {
      await context.sendActivity({ type: 'typing' });
      const sent = await context.sendActivity('tillfälligt');
      await context.deleteActivity(sent?.id ?? '');
      await context.sendActivity('kvar');
    });
    await client.post({ type: 'message', text: 'hej' });
    await client.waitFor((a) => a.text === 'kvar');
    expect(client.received.some((a) => a.type === 'typing')).toBe(true);
    const stored = await history(client);
    expect(stored.some((a) => a.type === 'typing')).toBe(false);
    expect(stored.some((a) => a.text === 'tillfälligt')).toBe(false);
    expect(stored.filter((a) => a.text === 'kvar')).toHaveLength(1);
    client.close();
  });

  it('the real bot answers in order, each reply to the user activity that asked', async () => {
    const client = await Client.open(t.url);
    await client.start();
    await client.waitFor((a) => fromBot(a) && a.type === 'message');
    const posted = await client.post({ type: 'message', text: 'Hur söker jag serveringstillstånd?' });
    const { id } = (await posted.json()) as { id: string };
    const reply = (await client.waitFor((a) => fromBot(a) && (a as { replyToId?: string }).replyToId === id)) as Activity & { replyToId?: string };
    expect(reply.type).toBe('message');
    const stored = await history(client);
    const ids = stored.map((a) => a.id);
    expect(ids.indexOf(reply.id)).toBeGreaterThan(ids.indexOf(id));
    client.close();
  });
});
