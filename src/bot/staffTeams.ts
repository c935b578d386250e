/**
 * Staff in Teams: a team registers its channel ("@Företagslotsen registrera kanal näringslivskontoret"),
 * new items assigned to the team are posted there as cards (by the item pipeline, itemSubscribers.ts,
 * which renders them with `cardActivity`), and card actions (Action.Execute)
 * triage the item — only for configured staff, identified by their Microsoft Entra object id.
 */
import {
  MessageFactory,
  TurnContext,
  type Activity,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
} from 'botbuilder';
import { turnIdentity, turnOrigin, verifiedAadObjectId } from './identity';
import type { ResolveActor } from '../domain/staff/actor';
import { z } from 'zod';
import type { DataSet } from '../domain/packs/loader';
import type { FeedbackItem } from '../domain/feedback/types';
import { feedbackStatuses } from '../domain/feedback/types';
import { ConcurrencyError } from '../domain/ports';
import { fold } from '../domain/text';
import type { Texts } from '../domain/texts';
import { StaffAccessError, StaffInputError, type StaffService, type TriageAction } from '../domain/staff/service';
import { triageLabel } from '../domain/staff/labels';
import type { StaffRepository, TeamChannelRepository } from '../domain/staff/types';
import { staffCard, TRIAGE_VERB } from './staffCard';
import { turnSession } from './bot';

const REGISTER = /^(?:registrera kanal|register channel)\s+(\S+)(?:\s+(\S+))?\s*$/;

const actionData = z.object({
  municipality: z.string(),
  itemId: z.string(),
  action: z.enum(['take', 'status', 'retag', 'answer', 'duplicate', 'refresh']),
  status: z.enum(feedbackStatuses).optional(),
  outcome: z.string().max(1000).optional(),
  focusArea: z.string().optional(),
  topic: z.string().optional(),
  template: z.string().optional(),
  answer: z.string().max(2000).optional(),
  of: z.string().max(40).optional(),
});

export interface StaffTeamsDeps {
  data: DataSet;
  texts: Texts;
  staff: StaffService;
  staffMembers: StaffRepository;
  channels: TeamChannelRepository;
  feedbackGet(municipality: string, id: string): Promise<FeedbackItem | undefined>;
  now: () => Date;
  /** Who may act (src/domain/staff/actor.ts: staff members, and trusted members of a registered team). */
  actors: ResolveActor;
}

export interface StaffTeams {
  /** Handles a staff command in a message; true when it was one. */
  command(context: TurnContext): Promise<boolean>;
  cardAction(context: TurnContext, value: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse>;
  /** An item's card as the message that is posted to its team's channel, and updated in place later. */
  cardActivity(item: FeedbackItem): Promise<Partial<Activity>>;
}

const cardResponse = (card: Record<string, unknown>): AdaptiveCardInvokeResponse => ({
  statusCode: 200,
  type: 'application/vnd.microsoft.card.adaptive',
  value: card,
});

export function createStaffTeams(deps: StaffTeamsDeps): StaffTeams {
  const topics = deps.data.taxonomy.topics;
  const names = async (item: FeedbackItem): Promise<Record<string, string>> => {
    const ids = new Set(item.history.map((h) => h.by).concat(item.assignee ? [item.assignee] : []));
    const result: Record<string, string> = {};
    for (const id of ids) {
      if (id in result) continue;
      const member = await deps.staffMembers.get(id);
      if (member) result[id] = member.name;
    }
    return result;
  };
  const card = async (item: FeedbackItem, banner?: { text: string; kind: 'good' | 'attention' }) => {
    const pack = deps.staff.pack(item.municipality);
    return staffCard(item, {
      pack,
      texts: deps.texts,
      topics,
      language: 'sv',
      overdue: deps.staff.isOverdue(item),
      dueAt: deps.staff.dueAt(item),
      names: await names(item),
      banner,
    });
  };
  return {
    async command(context) {
      const text = fold(TurnContext.removeRecipientMention(context.activity) ?? context.activity.text ?? '').trim();
      const match = REGISTER.exec(text);
      if (!match) return false;
      const session = turnSession(context);
      const municipality = match[2] && deps.data.packs.has(match[2]) ? match[2] : session.municipality;
      const pack = deps.staff.pack(municipality);
      const resolved = await deps.actors(turnIdentity(context), { municipality, need: 'act' });
      if (!resolved.ok) {
        await context.sendActivity(
          deps.texts.t('sv', 'staff.notAllowed', { municipality: pack.municipality.name, aadObjectId: verifiedAadObjectId(context) ?? '–' }),
        );
        return true;
      }
      const teamIds = pack.staff.teams.map((team) => team.id);
      const wanted = match[1] ?? '';
      const team = pack.staff.teams.find((tm) => tm.id === wanted || fold(tm.name.sv).replace(/\s+/g, '-') === wanted);
      if (!team) {
        await context.sendActivity(deps.texts.t('sv', 'staff.channel.unknownTeam', { team: wanted, municipality: pack.municipality.name, teams: teamIds.join(', ') }));
        return true;
      }
      await deps.channels.put({
        municipality,
        team: team.id,
        address: {
          ...turnOrigin(context.activity).address,
          // The Teams team the channel belongs to: its members may act on the cards (STAFF_TEAM_MEMBERS).
          teamId: (context.activity.channelData as { team?: { id?: string } } | undefined)?.team?.id ?? null,
        },
        registeredBy: resolved.member.id,
        registeredAt: deps.now().toISOString(),
      });
      await context.sendActivity(deps.texts.t('sv', 'staff.channel.registered', { team: team.name.sv, municipality: pack.municipality.name }));
      return true;
    },

    async cardAction(context, value) {
      if (value.action?.verb !== TRIAGE_VERB) {
        return { statusCode: 400, type: 'application/vnd.microsoft.error', value: { code: 'BadRequest', message: `unknown verb "${value.action?.verb}"` } };
      }
      const parsed = actionData.safeParse(value.action.data);
      if (!parsed.success) {
        return { statusCode: 400, type: 'application/vnd.microsoft.error', value: { code: 'BadRequest', message: 'the card data is not valid' } };
      }
      const input = parsed.data;
      const resolved = await deps.actors(turnIdentity(context), { municipality: input.municipality, need: 'act' });
      if (!resolved.ok) {
        // 403 for Teams; the card is left as it was for everyone else.
        return {
          statusCode: 403,
          type: 'application/vnd.microsoft.error',
          value: { code: 'Forbidden', message: deps.texts.t('sv', 'staff.notAllowed', { municipality: input.municipality, aadObjectId: verifiedAadObjectId(context) ?? '–' }) },
        };
      }
      const item = await deps.feedbackGet(input.municipality, input.itemId);
      if (!item) return { statusCode: 404, type: 'application/vnd.microsoft.error', value: { code: 'NotFound', message: 'the item no longer exists' } };
      if (input.action === 'refresh') return cardResponse(await card(item));
      let action: TriageAction;
      switch (input.action) {
        case 'take':
          action = { type: 'take' };
          break;
        case 'status':
          action = { type: 'status', status: input.status ?? item.status, outcome: input.outcome?.trim() || undefined };
          break;
        case 'retag':
          action = { type: 'retag', focusArea: input.focusArea, topic: input.topic || undefined };
          break;
        case 'answer': {
          const template = deps.staff.pack(input.municipality).staff.templates.find((tp) => tp.id === input.template);
          const text = input.answer?.trim() || template?.text[item.submitter.language] || '';
          action = { type: 'answer', text };
          break;
        }
        case 'duplicate':
          action = { type: 'duplicate', of: input.of ?? '' };
          break;
      }
      try {
        const updated = await deps.staff.act(resolved.member, input.municipality, input.itemId, action);
        const labels = { pack: deps.staff.pack(input.municipality), texts: deps.texts, language: 'sv' as const, names: {}, topics };
        return cardResponse(await card(updated, { text: deps.texts.t('sv', 'staff.card.done', { what: triageLabel(input.action, labels) }), kind: 'good' }));
      } catch (error) {
        const fresh = (await deps.feedbackGet(input.municipality, input.itemId)) ?? item;
        if (error instanceof ConcurrencyError) return cardResponse(await card(fresh, { text: deps.texts.t('sv', 'staff.card.conflict'), kind: 'attention' }));
        if (error instanceof StaffInputError || error instanceof StaffAccessError) {
          const message = error instanceof StaffInputError && error.text ? deps.texts.t('sv', error.text.key, error.text.vars) : error.message;
          return cardResponse(await card(fresh, { text: deps.texts.t('sv', 'staff.card.error', { message }), kind: 'attention' }));
        }
        throw error;
      }
    },

    async cardActivity(item) {
      return MessageFactory.attachment({ contentType: 'application/vnd.microsoft.card.adaptive', content: await card(item) });
    },
  };
}
