/**
 * What follows from a change of a feedback item (the domain's ItemEvent), as subscribers of the
 * item pipeline (src/domain/events/queue.ts): the team's Teams card, and the submitter's message.
 * The item's history (the audit trail) is written with the change itself, in the same write.
 */
import type { Activity } from 'botbuilder';
import type { Subscriber } from '../domain/events/queue';
import type { ItemEvent } from '../domain/feedback/events';
import type { FeedbackItem, FeedbackRepository, TeamCard } from '../domain/feedback/types';
import type { TeamChannelRepository } from '../domain/staff/types';
import type { Texts } from '../domain/texts';
import type { Messenger } from './messenger';

export interface ItemSubscriberDeps {
  messenger: Messenger;
  texts: Texts;
  feedback: Pick<FeedbackRepository, 'teamCard' | 'saveTeamCard'>;
  channels: Pick<TeamChannelRepository, 'get'>;
  /** The item's card as a message (staffTeams.cardActivity). */
  cardActivity(item: FeedbackItem): Promise<Partial<Activity>>;
  now: () => Date;
}

/**
 * The team's card: posted once to the channel of the item's team (when one is registered), its
 * activity id kept with the item; every later event updates that card in place.
 */
export function teamCardSubscriber(deps: ItemSubscriberDeps): Subscriber<ItemEvent> {
  /** Cards posted whose record could not be written yet: a retry writes it instead of posting again. */
  const unsaved = new Map<string, TeamCard>();
  const save = async (item: FeedbackItem, card: TeamCard) => {
    const key = `${item.municipality}/${item.id}`;
    unsaved.set(key, card);
    await deps.feedback.saveTeamCard(item.municipality, item.id, card);
    unsaved.delete(key);
  };
  return {
    name: 'team card',
    async handle({ item }) {
      const pending = unsaved.get(`${item.municipality}/${item.id}`);
      if (pending) await save(item, pending);
      const posted = pending ?? (await deps.feedback.teamCard(item.municipality, item.id));
      if (posted) {
        await deps.messenger.update(posted.address, posted.activityId, await deps.cardActivity(item));
        return;
      }
      if (!item.assignment) return;
      const channel = await deps.channels.get(item.municipality, item.assignment.team);
      if (!channel) return;
      const activityId = await deps.messenger.send(channel.address, await deps.cardActivity(item));
      if (!activityId) return;
      await save(item, { activityId, address: channel.address, team: item.assignment.team, postedAt: deps.now().toISOString() });
    },
  };
}

/** What the submitter is told about an event, in their language (undefined: nothing). */
export function submitterMessage(event: ItemEvent, texts: Texts): string | undefined {
  const { item } = event;
  const language = item.submitter.language;
  const status = (id: string) => texts.t(language, `feedback.status.${id}`);
  switch (event.type) {
    case 'created':
      return event.queued ? texts.t(language, 'feedback.queuedStored', { reference: item.reference }) : undefined;
    case 'status':
      return event.outcome
        ? texts.t(language, 'staff.notify.statusWithOutcome', { reference: item.reference, status: status(event.to), outcome: event.outcome })
        : texts.t(language, 'staff.notify.status', { reference: item.reference, status: status(event.to) });
    case 'answered':
      return texts.t(language, 'staff.notify.answer', { reference: item.reference, answer: event.text });
    case 'duplicate':
      return texts.t(language, 'staff.notify.duplicate', { reference: item.reference, original: event.of });
    case 'assigned':
      return event.status ? texts.t(language, 'staff.notify.status', { reference: item.reference, status: status(event.status.to) }) : undefined;
    case 'retagged':
    case 'supported':
      return undefined;
  }
}

/** The submitter's message on their own conversation (status changes, answers, a queued receipt). */
export function submitterSubscriber(deps: Pick<ItemSubscriberDeps, 'messenger' | 'texts'>): Subscriber<ItemEvent> {
  return {
    name: 'submitter message',
    async handle(event) {
      const address = event.item.submitter.address;
      const text = submitterMessage(event, deps.texts);
      if (!address || !text) return;
      await deps.messenger.send(address, { type: 'message', text });
    },
  };
}

export function itemSubscribers(deps: ItemSubscriberDeps): Array<Subscriber<ItemEvent>> {
  return [teamCardSubscriber(deps), submitterSubscriber(deps)];
}
