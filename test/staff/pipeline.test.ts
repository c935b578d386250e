import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Activity } from 'botbuilder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventQueue, type EventFailure, type EventQueue } from '../../src/domain/events/queue';
import { itemEventKey, type ItemEvent } from '../../src/domain/feedback/events';
import type { Outbox, OutboxEntry } from '../../src/domain/feedback/outbox';
import { createFeedbackService, type FeedbackService, type SubmitInput } from '../../src/domain/feedback/service';
import type { FeedbackItem } from '../../src/domain/feedback/types';
import type { ConversationAddress } from '../../src/domain/ports';
import { createStaffService, type StaffService } from '../../src/domain/staff/service';
import type { StaffMember } from '../../src/domain/staff/types';
import { createTexts } from '../../src/domain/texts';
import { itemSubscribers } from '../../src/bot/itemSubscribers';
import { notifier, type Messenger } from '../../src/bot/messenger';
import { createActorResolver } from '../../src/domain/staff/actor';
import { createStaffTeams } from '../../src/bot/staffTeams';
import { createSqliteBackend } from '../../src/store/sqlite';
import { storeOver } from '../../src/store/repositories';
import type { Store } from '../../src/store/types';
import { startTestApp, testData } from '../helpers/app';

/** A Messenger that records what it was asked to send and update (and can fail on demand). */
class RecordingMessenger implements Messenger {
  sent: Array<{ address: ConversationAddress; activity: Partial<Activity>; id: string }> = [];
  updated: Array<{ address: ConversationAddress; activityId: string; activity: Partial<Activity> }> = [];
  /** Updates that fail before one goes through. */
  failUpdates = 0;
  async send(address: ConversationAddress, activity: Partial<Activity>) {
    const id = `activity-${this.sent.length + 1}`;
    this.sent.push({ address, activity, id });
    return id;
  }
  async update(address: ConversationAddress, activityId: string, activity: Partial<Activity>) {
    if (this.failUpdates > 0) {
      this.failUpdates -= 1;
      throw new Error('the channel is unreachable (test)');
    }
    this.updated.push({ address, activityId, activity });
  }
  toChannel(conversationId: string) {
    return this.sent.filter((s) => (s.address.conversation as { id?: string } | undefined)?.id === conversationId);
  }
}

const memoryOutbox = (): Outbox => {
  const entries = new Map<string, OutboxEntry>();
  return {
    put: async (entry) => void entries.set(entry.id, entry),
    list: async () => [...entries.values()],
    remove: async (id) => void entries.delete(id),
  };
};

const CHANNEL: ConversationAddress = { conversation: { id: '19:teknik@thread.tacv2' }, serviceUrl: 'https://smba.example/', channelId: 'msteams' };
const SUBMITTER: ConversationAddress = { conversation: { id: 'submitter-conversation' }, serviceUrl: 'https://local.foretagslotsen.invalid/', channelId: 'webchat-local' };

function suggestion(feedback: FeedbackService, sourceKey: string): SubmitInput {
  const text = 'Gatubelysningen på industriområdet i Östnor är trasig';
  return {
    municipality: 'mora',
    text,
    kind: 'suggestion',
    language: 'sv',
    focusArea: 'mora.infrastructure-planning',
    tag: { ...feedback.tagger('mora').tag(text), focusArea: 'mora.infrastructure-planning' },
    user: { channelId: 'webchat-local', userId: 'u1' },
    address: SUBMITTER,
    sourceKey,
  };
}

describe('the item pipeline (real SQLite, the bot subscribers over a recording Messenger)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fl-pipeline-'));
  let store: Store;
  let events: EventQueue<ItemEvent>;
  let feedback: FeedbackService;
  let staff: StaffService;
  const messenger = new RecordingMessenger();
  const failures: Array<EventFailure<ItemEvent>> = [];
  const failWrites = { update: false, saveTeamCard: 0 };
  let clock = new Date(2026, 10, 23, 9, 0);
  const sara: StaffMember = { id: 'staff-sara', name: 'Sara Lind', role: 'handler', municipalities: ['mora'], teams: [], createdAt: '2026-01-01T00:00:00.000Z' };

  beforeAll(async () => {
    const real = storeOver(createSqliteBackend(join(dir, 'pipeline.sqlite')));
    // A store whose item updates can fail: the write the old routing made after the item was stored.
    store = {
      ...real,
      feedback: {
        ...real.feedback,
        update: (item) => (failWrites.update ? Promise.reject(new Error('update failed (test)')) : real.feedback.update(item)),
        saveTeamCard: (municipality, id, card) => {
          if (failWrites.saveTeamCard <= 0) return real.feedback.saveTeamCard(municipality, id, card);
          failWrites.saveTeamCard -= 1;
          return Promise.reject(new Error('card record not written (test)'));
        },
      },
    };
    const data = testData();
    const texts = createTexts(data.texts);
    const now = () => clock;
    events = createEventQueue<ItemEvent>({ keyOf: itemEventKey, backoffMs: () => 1, onFailure: (_error, failure) => failures.push(failure) });
    staff = createStaffService({ data, texts, store, now, events, notify: notifier(messenger) });
    feedback = createFeedbackService({ data, store, outbox: memoryOutbox(), rankTopics: () => [], now, events });
    const teams = createStaffTeams({
      data,
      texts,
      staff,
      staffMembers: store.staff,
      channels: store.channels,
      feedbackGet: (municipality, id) => store.feedback.get(municipality, id),
      now,
      actors: createActorResolver({ staff: store.staff, channels: store.channels, trustTeamMembers: false, now }),
    });
    for (const subscriber of itemSubscribers({ messenger, texts, feedback: store.feedback, channels: store.channels, cardActivity: (item) => teams.cardActivity(item), now })) {
      events.subscribe(subscriber);
    }
    await store.staff.put(sara);
    await store.channels.put({ municipality: 'mora', team: 'teknik-service', address: CHANNEL, registeredBy: 'test', registeredAt: '2026-01-01T00:00:00.000Z' });
  });
  afterAll(async () => {
    await events.drain();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  let item: FeedbackItem;

  it('stores a new item assigned to its team in the one write, so a failing later write cannot leave it unassigned', async () => {
    failWrites.update = true;
    try {
      const result = await feedback.submit(suggestion(feedback, 'activity-1'));
      if (result.status !== 'stored') throw new Error('not stored');
      item = result.item;
    } finally {
      failWrites.update = false;
    }
    const stored = await store.feedback.get('mora', item.id);
    expect(stored?.assignment).toMatchObject({ team: 'teknik-service', reason: 'rule 7: focus area mora.infrastructure-planning' });
    expect(stored?.assignment?.dueAt).toBe(staff.dueAt(item));
    expect(stored?.history.map((h) => [h.action, h.by, h.to])).toEqual([
      ['created', 'submitter', undefined],
      ['assigned', 'system', 'teknik-service'],
    ]);
  });

  it("posts the card once to the team's channel and keeps its activity id", async () => {
    await events.idle();
    const cards = messenger.toChannel('19:teknik@thread.tacv2');
    expect(cards).toHaveLength(1);
    expect(JSON.stringify(cards[0]?.activity.attachments)).toContain(item.reference);
    expect(await store.feedback.teamCard('mora', item.id)).toMatchObject({ activityId: cards[0]?.id, address: CHANNEL, team: 'teknik-service' });
  });

  it('updates that card in place on every staff action (no new card) and tells the submitter', async () => {
    const { activityId } = (await store.feedback.teamCard('mora', item.id)) ?? { activityId: '' };
    await staff.act(sara, 'mora', item.id, { type: 'take' });
    await staff.act(sara, 'mora', item.id, { type: 'answer', text: 'Vi byter lamporna nästa vecka.' });
    await events.idle();
    expect(messenger.toChannel('19:teknik@thread.tacv2')).toHaveLength(1);
    // One update per action: taking a new item (assigned and received) is one event, not two.
    expect(messenger.updated).toHaveLength(2);
    expect(new Set(messenger.updated.map((u) => u.activityId))).toEqual(new Set([activityId]));
    expect(messenger.updated.map((u) => u.address)).toEqual(messenger.updated.map(() => CHANNEL));
    const last = messenger.updated.at(-1);
    expect(JSON.stringify(last?.activity.attachments)).toContain('Sara Lind');
    expect(messenger.toChannel('submitter-conversation').map((s) => s.activity.text)).toEqual([
      `Ditt ärende ${item.reference} har nu status: Mottaget.`,
      expect.stringContaining('Vi byter lamporna nästa vecka.'),
    ]);
  });

  it('retries a card update that failed, and the card ends up current', async () => {
    messenger.failUpdates = 2;
    const before = messenger.updated.length;
    const failedBefore = failures.length;
    await staff.act(sara, 'mora', item.id, { type: 'status', status: 'done', outcome: 'Lamporna är bytta.' });
    await events.idle();
    expect(failures.slice(failedBefore).map((f) => [f.subscriber, f.event.type, f.attempt, f.final])).toEqual([
      ['team card', 'status', 1, false],
      ['team card', 'status', 2, false],
    ]);
    expect(messenger.updated.length).toBe(before + 1);
    expect(JSON.stringify(messenger.updated.at(-1)?.activity.attachments)).toContain('Klart');
    // The submitter's message is its own subscriber: sent once, not again with the card's retries.
    expect(messenger.toChannel('submitter-conversation').filter((s) => (s.activity.text ?? '').includes('Lamporna är bytta.'))).toHaveLength(1);
  });

  it('sends the daily digest from 07:00 by the injected clock, once a day however many ask at once', async () => {
    const digests = () => messenger.toChannel('19:teknik@thread.tacv2').filter((s) => typeof s.activity.text === 'string');
    clock = new Date(2026, 10, 23, 6, 30);
    expect(await staff.dailyTeamDigest('mora')).toBeUndefined();
    expect(digests()).toHaveLength(0);
    clock = new Date(2026, 10, 23, 7, 5);
    const results = await Promise.all([staff.dailyTeamDigest('mora'), staff.dailyTeamDigest('mora'), staff.dailyTeamDigest('mora')]);
    expect(results.filter((r) => r !== undefined)).toEqual([{ teams: 1, items: 1 }]);
    expect(digests()).toHaveLength(1);
    clock = new Date(2026, 10, 24, 7, 5);
    expect(await staff.dailyTeamDigest('mora')).toBeDefined();
  });

  it('posts a card once even when keeping its id failed at first: the retry keeps the id, it does not post again', async () => {
    failWrites.saveTeamCard = 1;
    const cardsBefore = messenger.toChannel('19:teknik@thread.tacv2').length;
    const result = await feedback.submit(suggestion(feedback, 'activity-2'));
    if (result.status !== 'stored') throw new Error('not stored');
    await events.idle();
    const cards = messenger.toChannel('19:teknik@thread.tacv2').slice(cardsBefore);
    expect(cards).toHaveLength(1);
    expect((await store.feedback.teamCard('mora', result.item.id))?.activityId).toBe(cards[0]?.id);
    expect(failures.at(-1)).toMatchObject({ subscriber: 'team card', attempt: 1, final: false });
  });
});

describe('the app stops only after the item pipeline drained', () => {
  it('handles an event that is still running when stop() is called before the store closes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fl-drain-'));
    const real = storeOver(createSqliteBackend(join(dir, 'drain.sqlite')));
    const order: string[] = [];
    const store: Store = { ...real, close: async () => { order.push('store closed'); await real.close(); } };
    const t = await startTestApp({}, { store });
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    t.app.events.subscribe({
      name: 'slow test subscriber',
      handle: async (event) => {
        await gate;
        // Still able to read the store: the pipeline ran before it closed.
        expect(await t.app.store.feedback.get('mora', event.item.id)).toBeDefined();
        order.push(`handled ${event.type}`);
      },
    });
    const feedback = t.app.feedback;
    const result = await feedback.submit(suggestion(feedback, 'drain-1'));
    expect(result.status).toBe('stored');
    const stopping = t.stop();
    setTimeout(release, 300);
    await stopping;
    expect(order).toEqual(['handled created', 'store closed']);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('a contact request', () => {
  it('is stored with its team assignment in the one write', async () => {
    const t = await startTestApp();
    try {
      const request = await t.app.guide.requestContact({
        municipality: 'mora',
        name: 'Anna',
        reach: '070-123 45 67',
        question: 'Vill boka ett lotsmöte om serveringstillstånd',
        consentAt: '2026-11-30T09:00:00.000Z',
        language: 'sv',
        user: { channelId: 'webchat-local', userId: 'u1' },
        idempotencyKey: 'request-1',
      });
      const stored = await t.app.store.contactRequests.get('mora', request.id);
      expect(stored?.assignment).toMatchObject({ team: 'naringslivskontoret', reason: 'rule 1: kind contact-request' });
      expect(stored?.history.map((h) => h.action)).toEqual(['created', 'assigned']);
    } finally {
      await t.stop();
    }
  });
});

describe('the adapter Messenger', () => {
  it('rejects when the channel cannot be reached (so the pipeline retries), where the turn-error handler would only log it', async () => {
    const t = await startTestApp();
    try {
      const messenger = t.app.messenger;
      const unreachable: ConversationAddress = { channelId: 'emulator', serviceUrl: 'http://127.0.0.1:9/', conversation: { id: 'gone' }, bot: { id: 'bot' } };
      await expect(messenger.send(unreachable, { type: 'message', text: 'hej' })).rejects.toThrow();
      await expect(messenger.update(unreachable, 'some-activity', { type: 'message', text: 'hej' })).rejects.toThrow();
    } finally {
      await t.stop();
    }
    // The connector retries a refused connection a few times before it gives up.
  }, 60_000);
});
