import { ActivityTypes, TurnContext, type Activity } from 'botbuilder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app';
import { Conversation, readable } from '../helpers/conversation';
import { Client, fromBot } from '../helpers/directLine';
import { startRecordingChannel } from '../helpers/channel';
import { addStaff } from '../helpers/staff';
import type { FeedbackItem } from '../../src/domain/feedback/types';
import type { ConversationAddress } from '../../src/domain/ports';

/** A business owner in the web chat sends a suggestion through the whole dialog. */
async function suggestInWebChat(t: TestApp, text: string): Promise<{ client: Client; item: FeedbackItem }> {
  const client = await Client.open(t.url);
  await client.start();
  await client.waitFor((a) => fromBot(a));
  const say = async (message: string, expected: RegExp) => {
    await client.post({ type: 'message', text: message });
    return client.waitFor((a) => fromBot(a) && expected.test(JSON.stringify(a)));
  };
  await say(`Jag har ett förslag: ${text}`, /Förslag/);
  await say('Förslag', /Jag tolkar det som/);
  await say('Ja, det stämmer', /plats/);
  await say('Hoppa över', /allmän handling/);
  const receipt = await say('Nej, jag vill vara anonym', /MORA-20\d\d-\d{6}/);
  const reference = /MORA-20\d\d-\d{6}/.exec(receipt.text ?? '')?.[0] ?? '';
  const item = await t.app.store.feedback.getByReference('mora', reference);
  if (!item) throw new Error('not stored');
  return { client, item };
}

function cardAction(data: Record<string, unknown>, aadObjectId: string): Partial<Activity> {
  return {
    type: ActivityTypes.Invoke,
    name: 'adaptiveCard/action',
    channelId: 'msteams',
    from: { id: `29:${aadObjectId}`, name: 'Staff', aadObjectId },
    value: { action: { type: 'Action.Execute', verb: 'triage', data } },
  };
}

function invokeBody(replies: Partial<Activity>[]): { statusCode: number; type: string; value: Record<string, unknown> } {
  const response = replies.find((r) => r.type === 'invokeResponse');
  return (response?.value as { body: { statusCode: number; type: string; value: Record<string, unknown> } }).body;
}

describe('staff in Teams', () => {
  let t: TestApp;
  // Teams' connector for the team channels registered here: the cards posted to them land in it.
  let teamsChannel: Awaited<ReturnType<typeof startRecordingChannel>>;
  beforeAll(async () => {
    teamsChannel = await startRecordingChannel();
    t = await startTestApp();
    await addStaff(t.app.store, { name: 'Sara Lind', aadObjectId: 'aad-sara' });
    await addStaff(t.app.store, { name: 'Bo i Borlänge', aadObjectId: 'aad-bo', municipalities: ['borlange'] });
  });
  afterAll(async () => {
    await t.stop();
    await teamsChannel.stop();
  });

  it('registers a team channel for configured staff only, with the mention stripped', async () => {
    const channel = new Conversation(t.app, { channelId: 'msteams', conversationId: '19:kompetens@thread.tacv2', serviceUrl: teamsChannel.url });
    const stranger = await channel.send({
      type: 'message',
      text: '<at>Företagslotsen</at> registrera kanal kompetens',
      from: { id: '29:x', name: 'Okänd', aadObjectId: 'aad-unknown' },
      entities: [{ type: 'mention', text: '<at>Företagslotsen</at>', mentioned: { id: 'bot', name: 'Företagslotsen' } }],
    });
    expect(readable(stranger)).toMatch(/inte behörighet.*aad-unknown/s);
    expect(await t.app.store.channels.get('mora', 'kompetens')).toBeUndefined();

    const ok = await channel.send({
      type: 'message',
      text: '<at>Företagslotsen</at> registrera kanal kompetens',
      from: { id: '29:sara', name: 'Sara', aadObjectId: 'aad-sara' },
      entities: [{ type: 'mention', text: '<at>Företagslotsen</at>', mentioned: { id: 'bot', name: 'Företagslotsen' } }],
    });
    expect(readable(ok)).toContain('Kanalen är registrerad för Arbetsmarknad och vuxenutbildning');
    const stored = await t.app.store.channels.get('mora', 'kompetens');
    expect((stored?.address as { conversation: { id: string } }).conversation.id).toBe('19:kompetens@thread.tacv2');

    const wrong = await channel.send({ type: 'message', text: 'registrera kanal ekonomi', from: { id: '29:sara', name: 'Sara', aadObjectId: 'aad-sara' } });
    expect(readable(wrong)).toMatch(/inget team "ekonomi".*naringslivskontoret/s);
  });

  it('posts a new item\'s card to its team\'s registered channel', async () => {
    // The "channel" here is a conversation of the bot's own web chat channel, so the proactive post is observable.
    const staffRoom = await Client.open(t.url);
    await staffRoom.start();
    const reference = TurnContext.getConversationReference({
      channelId: 'webchat-local',
      serviceUrl: 'https://local.foretagslotsen.invalid/',
      conversation: { id: staffRoom.session.conversationId },
      recipient: { id: 'foretagslotsen', name: 'Företagslotsen' },
      from: { id: staffRoom.session.userId },
    } as Partial<Activity>);
    await t.app.store.channels.put({
      municipality: 'mora',
      team: 'teknik-service',
      address: JSON.parse(JSON.stringify(reference)) as ConversationAddress,
      registeredBy: 'test',
      registeredAt: new Date().toISOString(),
    });
    const { item, client } = await suggestInWebChat(t, 'snöröjningen och gatubelysningen på industriområdet i Östnor är dålig');
    expect(item.assignment?.team).toBe('teknik-service');
    const card = await staffRoom.waitFor((a) => JSON.stringify(a.attachments ?? []).includes(item.reference));
    expect(JSON.stringify(card.attachments)).toContain('Action.Execute');
    expect(await t.app.store.feedback.teamCard('mora', item.id)).toMatchObject({ activityId: card.id, team: 'teknik-service' });

    // A staff action elsewhere (the dashboard, another card) updates that card in place: the same
    // activity id comes again with the new state, and no second card is posted.
    const sara = await t.app.store.staff.byAadObjectId('aad-sara');
    if (!sara) throw new Error('no staff member');
    await t.app.staff.act(sara, 'mora', item.id, { type: 'take' });
    const updated = await staffRoom.waitFor((a) => a.id === card.id && JSON.stringify(a.attachments ?? []).includes('Sara Lind'));
    expect(JSON.stringify(updated.attachments)).toContain('Mottaget');
    await t.app.events.idle();
    const cards = staffRoom.received.filter((a) => JSON.stringify(a.attachments ?? []).includes(item.reference));
    expect(new Set(cards.map((a) => a.id))).toEqual(new Set([card.id]));
    client.close();
    staffRoom.close();
  });

  it('triages from the card: authorised staff update it in place and the submitter hears about it; others get 403', async () => {
    const { item, client } = await suggestInWebChat(t, 'fler lärlingsplatser för svetsare och CNC-operatörer på gymnasiet');
    // The new item's card reached the kompetens channel registered above (through its connector).
    const posted = await teamsChannel.waitFor((p) => p.conversation === '19:kompetens@thread.tacv2' && JSON.stringify(p.activity).includes(item.reference));
    expect(JSON.stringify(posted.activity.attachments)).toContain('Action.Execute');
    const teams = new Conversation(t.app, { channelId: 'msteams', conversationId: '19:kompetens@thread.tacv2', serviceUrl: teamsChannel.url });

    const forbidden = invokeBody(await teams.send(cardAction({ municipality: 'mora', itemId: item.id, action: 'take' }, 'aad-bo')));
    expect(forbidden.statusCode).toBe(403);
    expect((await t.app.store.feedback.get('mora', item.id))?.status).toBe('new');

    const taken = invokeBody(await teams.send(cardAction({ municipality: 'mora', itemId: item.id, action: 'take' }, 'aad-sara')));
    expect(taken.statusCode).toBe(200);
    expect(taken.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(JSON.stringify(taken.value)).toContain('Sara Lind');
    expect(JSON.stringify(taken.value)).toContain('Mottaget');
    await client.waitFor((a) => fromBot(a) && (a.text ?? '').includes(`Ditt ärende ${item.reference} har nu status: Mottaget`));

    const answered = invokeBody(
      await teams.send(cardAction({ municipality: 'mora', itemId: item.id, action: 'answer', answer: 'Vi tar upp det med gymnasiet i januari.' }, 'aad-sara')),
    );
    expect(answered.statusCode).toBe(200);
    await client.waitFor((a) => fromBot(a) && (a.text ?? '').includes('Svar från kommunen på') && (a.text ?? '').includes('gymnasiet i januari'));

    const badRetag = invokeBody(await teams.send(cardAction({ municipality: 'mora', itemId: item.id, action: 'retag', focusArea: 'borlange.enabler' }, 'aad-sara')));
    expect(JSON.stringify(badRetag.value)).toContain('Det gick inte');
    const malformed = invokeBody(await teams.send(cardAction({ municipality: 'mora' }, 'aad-sara')));
    expect(malformed.statusCode).toBe(400);

    const stored = await t.app.store.feedback.get('mora', item.id);
    expect(stored?.history.filter((h) => h.by !== 'system' && h.by !== 'submitter').map((h) => h.action)).toEqual(['assigned', 'status', 'answered']);
    client.close();
  });

  it('lets members of a registered team channel act on its cards (STAFF_TEAM_MEMBERS), but not members of other teams', async () => {
    const registrar = new Conversation(t.app, { channelId: 'msteams', conversationId: '19:teknik@thread.tacv2', serviceUrl: teamsChannel.url });
    await registrar.send({
      type: 'message',
      text: 'registrera kanal teknik-service',
      from: { id: '29:sara', name: 'Sara', aadObjectId: 'aad-sara' },
      channelData: { team: { id: '19:team-teknik@thread.tacv2' } },
    });
    const stored = await t.app.store.channels.get('mora', 'teknik-service');
    expect((stored?.address as { teamId?: string }).teamId).toBe('19:team-teknik@thread.tacv2');

    const { item, client } = await suggestInWebChat(t, 'gatlyktorna längs infarten till industriområdet är trasiga');
    await teamsChannel.waitFor((p) => p.conversation === '19:teknik@thread.tacv2' && JSON.stringify(p.activity).includes(item.reference));
    const inTeam = { ...cardAction({ municipality: 'mora', itemId: item.id, action: 'take' }, 'aad-colleague'), channelData: { team: { id: '19:team-teknik@thread.tacv2' } } };
    const otherTeam = { ...cardAction({ municipality: 'mora', itemId: item.id, action: 'take' }, 'aad-outsider'), channelData: { team: { id: '19:some-other-team@thread.tacv2' } } };
    const teams = new Conversation(t.app, { channelId: 'msteams', conversationId: '19:teknik@thread.tacv2', serviceUrl: teamsChannel.url });
    expect(invokeBody(await teams.send(otherTeam)).statusCode).toBe(403);
    const taken = invokeBody(await teams.send(inTeam));
    expect(taken.statusCode).toBe(200);
    expect((await t.app.store.feedback.get('mora', item.id))?.assignee).toBe('teams:aad-colleague');
    client.close();
  });
});
