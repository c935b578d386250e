import { ActivityTypes } from 'botbuilder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app';
import { Conversation, readable } from '../helpers/conversation';

/** Teams events through the real bot (TeamsActivityHandler) with botbuilder's TestAdapter. */
describe('Teams events', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.stop();
  });

  it('welcomes when the app is installed', async () => {
    const chat = new Conversation(t.app, { channelId: 'msteams' });
    const replies = await chat.send({ type: ActivityTypes.InstallationUpdate, action: 'add' });
    expect(readable(replies)).toContain('Välkommen till Företagslotsen');
  });

  it('welcomes a user who adds the bot in a personal chat, but not every member joining a team channel', async () => {
    const personal = new Conversation(t.app, { channelId: 'msteams' });
    const welcomed = await personal.send({ type: ActivityTypes.ConversationUpdate, membersAdded: [{ id: 'user-1', name: 'Anna' }] });
    expect(readable(welcomed)).toContain('Välkommen');
    const channel = new Conversation(t.app, { channelId: 'msteams' });
    const joined = await channel.send({
      type: ActivityTypes.ConversationUpdate,
      membersAdded: [{ id: 'user-2', name: 'Per' }],
      conversation: { id: '19:general@thread.tacv2', conversationType: 'channel', isGroup: true, name: 'General' },
      channelData: { team: { id: '19:team' }, eventType: 'teamMemberAdded' },
    });
    expect(readable(joined)).not.toContain('Välkommen');
  });

  it('strips the @mention in a channel before understanding the question', async () => {
    const channel = new Conversation(t.app, { channelId: 'msteams' });
    const replies = await channel.send({
      type: ActivityTypes.Message,
      text: '<at>Företagslotsen</at> hur söker jag serveringstillstånd?',
      conversation: { id: '19:general@thread.tacv2', conversationType: 'channel', isGroup: true, name: 'General' },
      entities: [{ type: 'mention', text: '<at>Företagslotsen</at>', mentioned: { id: 'bot', name: 'Företagslotsen' } }],
    });
    const text = readable(replies);
    expect(text).toContain('Serveringstillstånd');
    const events = await t.app.store.guideEvents.list('mora', { kind: 'answered' });
    expect(events.some((e) => e.topic === 'alcohol' && !(e.text ?? '').includes('<at>'))).toBe(true);
  });
});
