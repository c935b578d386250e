import { randomUUID } from 'node:crypto';
import {
  TeamsActivityHandler,
  TurnContext,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type ConversationState,
  type StatePropertyAccessor,
  type UserState,
} from 'botbuilder';
import { DialogSet, DialogTurnStatus, type Dialog, type DialogState, type DialogStateManagerConfiguration } from 'botbuilder-dialogs';
import type { Logger } from '../log';
import { chooseLanguage, chooseMunicipality, seenBefore, type ConversationSession } from '../domain/session';
import type { Language } from '../domain/packs/schema';
import { detectLanguage, evidentLanguage } from '../domain/text';
import { rememberDialogPaths } from './dialogPaths';

export const LOGGER_KEY = Symbol('turnLogger');
export const SESSION_KEY = Symbol('session');
const ACKNOWLEDGED_KEY = Symbol('acknowledged');
/**
 * Where botbuilder-dialogs keeps a turn's memory scopes and path resolvers (DialogStateManager): it
 * builds them on the first dialog context of every turn unless the turn state has them already.
 */
export const DIALOG_STATE_CONFIGURATION_KEY = 'DialogStateManagerConfiguration';

export interface BotOptions {
  conversationState: ConversationState;
  userState: UserState;
  /** The root dialog: one per user goal below it. */
  mainDialog: Dialog;
  logger: Logger;
  municipalities: ReadonlySet<string>;
  defaultMunicipality: string;
  /** Sends the welcome (what the bot can do, buttons for the main jobs). */
  welcome(context: TurnContext, session: ConversationSession): Promise<void>;
  /** Facilitator commands for focus groups. */
  focusGroups?: { command(context: TurnContext): Promise<boolean> };
  /** Messages longer than `max` characters are not read; the user is asked for a shorter text. */
  tooLong?: { max: number; reply(language: Language, length: number): string };
  /**
   * Crisis signals, checked on every text before anything else: such a text is answered with help
   * lines and never logged, stored or kept in dialog state (the active dialog is cleared).
   */
  crisis?: {
    detect(text: string): boolean;
    respond(context: TurnContext, session: ConversationSession): Promise<void>;
  };
  /** Staff commands and card actions in Teams. */
  staff?: {
    command(context: TurnContext): Promise<boolean>;
    cardAction(context: TurnContext, value: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse>;
  };
}

/** The turn's logger, with its request id (set by the bot for every turn). */
export function turnLogger(context: TurnContext): Logger | undefined {
  return context.turnState.get<Logger | undefined>(LOGGER_KEY);
}

/** The conversation's municipality and language, resolved at the start of every turn. */
export function turnSession(context: TurnContext): ConversationSession {
  const session = context.turnState.get<ConversationSession | undefined>(SESSION_KEY);
  if (!session) throw new Error('the session is resolved at the start of every turn');
  return session;
}

/** The turn's language: the session's once resolved, else the activity's locale, else Swedish. */
export function turnLanguage(context: TurnContext): Language {
  const session = context.turnState.get<ConversationSession | undefined>(SESSION_KEY);
  return session?.language ?? languageFromLocale(context.activity.locale) ?? 'sv';
}

/**
 * Records that this turn told the user their submission is kept (a receipt, or "saved, registered
 * as soon as the store is back"). If the turn then fails because the store is down (its state could
 * not be saved), that message stays the last word: no apology contradicts it, and the user's retried
 * answer maps to the same item (the dialog instance is its idempotency key).
 */
export function markAcknowledged(context: TurnContext): void {
  context.turnState.set(ACKNOWLEDGED_KEY, true);
}

export function wasAcknowledged(context: TurnContext): boolean {
  return context.turnState.get(ACKNOWLEDGED_KEY) === true;
}

/**
 * Thin Bot Framework layer: resolves the session, strips Teams mentions, runs the main dialog,
 * welcomes on install and on members added, and saves state after every turn.
 */
export class ForetagslotsenBot extends TeamsActivityHandler {
  private readonly sessionAccessor: StatePropertyAccessor<ConversationSession>;
  private readonly dialogStateAccessor: StatePropertyAccessor<DialogState>;
  /** The memory scopes and path resolvers of the first turn, shared by every later one (they keep no state of their own). */
  private dialogStateConfiguration: DialogStateManagerConfiguration | undefined;

  constructor(private readonly options: BotOptions) {
    super();
    rememberDialogPaths();
    this.sessionAccessor = options.conversationState.createProperty<ConversationSession>('session');
    this.dialogStateAccessor = options.conversationState.createProperty<DialogState>('dialogState');

    this.onMessage(async (context, next) => {
      if (context.activity.conversation?.conversationType === 'channel' || context.activity.channelId === 'msteams') {
        TurnContext.removeRecipientMention(context.activity);
      }
      const length = context.activity.text?.length ?? 0;
      if (options.tooLong && length > options.tooLong.max) {
        const text = context.activity.text ?? '';
        const language = languageFromLocale(context.activity.locale) ?? detectLanguage(text.slice(0, 500));
        await context.sendActivity(options.tooLong.reply(language, length));
        await next();
        return;
      }
      if (options.staff && (await options.staff.command(context))) {
        await next();
        return;
      }
      if (options.focusGroups && (await options.focusGroups.command(context))) {
        await next();
        return;
      }
      await this.runMainDialog(context);
      await next();
    });

    // The web chat page opened with /?join=CODE sends a "join" event: the main dialog starts the focus group.
    this.onEvent(async (context, next) => {
      if (context.activity.name === 'join') await this.runMainDialog(context);
      await next();
    });

    this.onMembersAdded(async (context, next) => {
      const botId = context.activity.recipient?.id;
      const added = context.activity.membersAdded ?? [];
      // In a Teams team the welcome comes once, on install, not for every member who joins.
      const inTeamChannel = context.activity.conversation?.conversationType === 'channel';
      if (!inTeamChannel && added.some((member) => member.id !== botId)) {
        await options.welcome(context, turnSession(context));
      }
      await next();
    });

    this.onInstallationUpdateAdd(async (context, next) => {
      await options.welcome(context, turnSession(context));
      await next();
    });

    this.onDialog(async (context, next) => {
      await options.conversationState.saveChanges(context, false);
      await options.userState.saveChanges(context, false);
      await next();
    });
  }

  override async run(context: TurnContext): Promise<void> {
    const requestId = context.activity.id ?? randomUUID();
    const logger = this.options.logger.child({
      requestId,
      channelId: context.activity.channelId,
      type: context.activity.type,
    });
    context.turnState.set(LOGGER_KEY, logger);
    logger.info('turn');
    const userText = this.options.crisis ? crisisText(context) : undefined;
    const crisis = this.options.crisis !== undefined && userText !== undefined && this.options.crisis.detect(userText);
    if (context.activity.type === 'message' && !crisis) logger.debug({ text: context.activity.text }, 'message text');

    const stored = await this.sessionAccessor.get(context, {
      municipality: this.options.defaultMunicipality,
      language: 'sv',
    });
    const channelData = context.activity.channelData as Record<string, unknown> | undefined;
    // A button's words (messageBack, card submit) are the card's, not the user's: they show no language.
    const session: ConversationSession = {
      ...stored,
      municipality: chooseMunicipality(
        channelData?.municipality,
        stored.municipality,
        this.options.municipalities,
        this.options.defaultMunicipality,
      ),
      ...chooseLanguage(stored, {
        chosen: context.activity.type === 'event' && context.activity.name === 'language' ? languageFromLocale(String(context.activity.value ?? '')) : undefined,
        evident: context.activity.type === 'message' && context.activity.value === undefined && typeof context.activity.text === 'string' ? evidentLanguage(context.activity.text.slice(0, 500)) : undefined,
        locale: languageFromLocale(context.activity.locale),
      }),
    };
    context.turnState.set(SESSION_KEY, session);
    if (context.activity.type === 'message' && seenBefore(session, context.activity.id)) {
      // The channel delivered the same activity again (a retry): it was handled; do nothing twice.
      logger.warn({ activityId: context.activity.id }, 'duplicate delivery ignored');
      return;
    }
    await this.sessionAccessor.set(context, session);
    if (crisis && this.options.crisis) {
      logger.warn('crisis signal answered with help lines (text not kept)');
      await this.dialogStateAccessor.delete(context);
      await this.options.crisis.respond(context, session);
      await this.options.conversationState.saveChanges(context, false);
      return;
    }
    await super.run(context);
  }

  protected override async onAdaptiveCardInvoke(
    context: TurnContext,
    invokeValue: AdaptiveCardInvokeValue,
  ): Promise<AdaptiveCardInvokeResponse> {
    if (!this.options.staff) return super.onAdaptiveCardInvoke(context, invokeValue);
    return this.options.staff.cardAction(context, invokeValue);
  }

  private async runMainDialog(context: TurnContext): Promise<void> {
    const dialogSet = new DialogSet(this.dialogStateAccessor);
    dialogSet.add(this.options.mainDialog);
    if (this.dialogStateConfiguration) context.turnState.set(DIALOG_STATE_CONFIGURATION_KEY, this.dialogStateConfiguration);
    const dialogContext = await dialogSet.createContext(context);
    this.dialogStateConfiguration ??= dialogContext.state.configuration;
    const result = await dialogContext.continueDialog();
    if (result.status === DialogTurnStatus.empty) {
      await dialogContext.beginDialog(this.options.mainDialog.id);
    }
  }
}

/** Every text a user can send: the message, or the fields of a submitted card. */
function crisisText(context: TurnContext): string | undefined {
  const parts: string[] = [];
  if (typeof context.activity.text === 'string') parts.push(context.activity.text);
  const value: unknown = context.activity.value;
  if (value && typeof value === 'object') {
    for (const field of Object.values(value as Record<string, unknown>)) if (typeof field === 'string') parts.push(field);
  }
  return parts.length > 0 ? parts.join('\n') : undefined;
}

function languageFromLocale(locale: string | undefined): Language | undefined {
  if (!locale) return undefined;
  const lower = locale.toLowerCase();
  if (lower.startsWith('sv')) return 'sv';
  if (lower.startsWith('en')) return 'en';
  return undefined;
}
