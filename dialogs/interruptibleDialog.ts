import { CardFactory, MessageFactory } from 'botbuilder';
import {
  ComponentDialog,
  DialogTurnStatus,
  type Choice,
  type DialogContext,
  type DialogTurnResult,
} from 'botbuilder-dialogs';
import { z } from 'zod';
import { conversationIntent, feedbackOpening, looksLikeQuestion, normalize, trailingQuestion, type ConversationIntent } from '../src/domain/guide/intents';
import type { GuideDecision } from '../src/domain/guide/types';
import type { Texts } from '../src/domain/texts';
import { turnSession } from '../src/bot/bot';
import { parseButtonValue, type ButtonValue } from './buttons';
import { reply } from './reply';
import { findChoicesIn } from './choicePrompt';

/** What a dialog hands back to the main dialog when the user turned to another goal mid-way. */
export interface Reroute {
  reroute: true;
  /** The message to act on (a question, "prata med någon", "mina förslag"). */
  text?: string;
  /** Or the button that was pressed on an earlier card. */
  button?: ButtonValue;
  /** The dialog that was left. */
  from: string;
}

const rerouteSchema = z.object({
  reroute: z.literal(true),
  text: z.string().optional(),
  button: z.unknown().optional(),
  from: z.string(),
});

export function rerouteOf(result: unknown): Reroute | undefined {
  const parsed = rerouteSchema.safeParse(result);
  if (!parsed.success) return undefined;
  return { reroute: true, text: parsed.data.text, button: parseButtonValue(parsed.data.button), from: parsed.data.from };
}

const PENDING = 'leaveQuestion';
const YES = /^(ja|japp|jo|javisst|garna|ok|okej|yes|yeah|yep|sure|please|lamna|leave|ja tack|ja garna|ja lamna\w*|ja svara\w*|svara|answer)\b/;
const NO = /^(nej|nope|no|fortsatt|continue|stanna|stay|nej fortsatt|nej tack|go on|keep going)\b/;

export interface InterruptibleOptions {
  /** Short name used in texts and reroutes: "suggestion", "handoff", "focus", "privacy". */
  name: string;
  /** Prompt ids whose answer is free text: a question there is content, unless the guide can clearly answer it. */
  freeTextPrompts?: ReadonlySet<string>;
  /** Prompt ids whose answer is a question itself ("Vad vill du ha hjälp med?"): questions there never interrupt. */
  questionPrompts?: ReadonlySet<string>;
  /**
   * Prompt ids whose answer is a detail such as a name or a company ("enskild firma, Holms plåt"),
   * which may hold a topic's words: only a question (not a clear topic) is a reason to ask about leaving.
   */
  detailPrompts?: ReadonlySet<string>;
  /** Whether wanting to leave a suggestion instead ("actually no, I'd rather leave a suggestion") leaves this dialog for it. */
  leavesForSuggestion?: boolean;
  /** The conversation intent of a message (default: the table of src/domain/guide/intents.ts). */
  intentOf?: (text: string, options?: { tableOnly?: boolean }) => ConversationIntent | undefined;
  /** The guide's reading of a message (to tell a real question from content). */
  interpret?: (municipality: string, text: string) => GuideDecision;
  /**
   * Goals this dialog serves itself, so they do not make it leave: "prata med en människa" (or its
   * button) in the handoff dialog, "ja, radera" at the privacy dialog's own question.
   */
  own?: { intents?: readonly ConversationIntent[]; buttons?: ReadonlyArray<ButtonValue['action']> };
}

/** Goals a long free-text answer may end by asking for: they leave the dialog (a plea for a person there is content). */
const LEAVING_AT_END: readonly ConversationIntent[] = ['my-suggestions', 'privacy-info', 'privacy-erase'];

/** Buttons of earlier cards that leave a dialog for their own goal. */
const LEAVING_BUTTONS: ReadonlyArray<ButtonValue['action']> = ['handoff', 'feedback', 'my-suggestions', 'topic', 'scenario'];

/**
 * Base for multi-turn dialogs. Before any prompt sees a message, the user's own goals win, in
 * natural wording (src/domain/guide/intents.ts): stop ("nej, jag ångrar mig", "släpp det"), start
 * over, help, "mina förslag", a person, privacy. A question typed at a prompt is never silently
 * re-prompted: the bot asks whether to leave the dialog to answer it (`leave-question`).
 */
export abstract class InterruptibleDialog extends ComponentDialog {
  protected constructor(
    id: string,
    protected readonly texts: Texts,
    private readonly interruptOptions: InterruptibleOptions = { name: 'dialog' },
  ) {
    super(id);
  }

  protected override async onContinueDialog(inner: DialogContext): Promise<DialogTurnResult> {
    const stopped = await this.beforeInterrupt(inner);
    if (stopped) return stopped;
    const interrupted = await this.interrupt(inner);
    return interrupted ?? super.onContinueDialog(inner);
  }

  /** Runs before anything reads the message: a dialog whose ground is gone (a closed focus group) ends here. */
  protected beforeInterrupt(_inner: DialogContext): Promise<DialogTurnResult | undefined> {
    return Promise.resolve(undefined);
  }

  /** Starting over: the dialog begins again from its first question (subclasses may keep their options). */
  protected restartOptions(_inner: DialogContext): object {
    return {};
  }

  private leave(extra: Omit<Reroute, 'reroute' | 'from'>): DialogTurnResult {
    const result: Reroute = { reroute: true, from: this.interruptOptions.name, ...extra };
    return { status: DialogTurnStatus.complete, result };
  }

  private async interrupt(inner: DialogContext): Promise<DialogTurnResult | undefined> {
    const activity = inner.context.activity;
    const lang = turnSession(inner.context).language;
    const t = (key: string, vars?: Record<string, string>) => this.texts.t(lang, key, vars);
    const active = inner.activeDialog;
    if (!active) return undefined;

    // A button of an earlier card (messageBack with a value) pressed in the middle of a dialog.
    const button = activity.value !== undefined ? parseButtonValue(activity.value) : undefined;
    const own = this.interruptOptions.own;
    if (button && LEAVING_BUTTONS.includes(button.action)) {
      if (own?.buttons?.includes(button.action)) return undefined;
      return this.leave({ button });
    }
    const text = activity.text;
    if (!text || activity.type !== 'message') return undefined;
    const state = active.state as Record<string, unknown>;

    // The answer to "do you want to leave this to get an answer?"
    const pending = typeof state[PENDING] === 'string' ? state[PENDING] : undefined;
    if (pending !== undefined) {
      state[PENDING] = undefined;
      const said = normalize(text);
      if (YES.test(said)) return this.leave({ text: pending });
      if (NO.test(said)) {
        await inner.repromptDialog();
        return { status: DialogTurnStatus.waiting };
      }
    }

    // A long answer at a free-text prompt is content ("…ring mig på 070…" in a suggestion), not a command.
    const asksQuestion = this.interruptOptions.questionPrompts?.has(active.id) ?? false;
    const freeText = asksQuestion || (this.interruptOptions.freeTextPrompts?.has(active.id) ?? false);
    const wordCount = text.trim().split(/\s+/).length;
    const long = wordCount > 12;
    // The text is one of the prompt's own choices, as written ("ok", "Förslag"): an answer, not a command.
    const choices = (active.state as { options?: { choices?: Array<string | Choice> } }).options?.choices;
    const said = normalize(text);
    const exactChoice = (choices ?? []).some((choice) =>
      typeof choice === 'string' ? normalize(choice) === said : [choice.value, ...(choice.synonyms ?? [])].some((synonym) => normalize(synonym) === said),
    );
    // At a text prompt only the table decides (a short answer such as a name or "inget" is not a command).
    const read = this.interruptOptions.intentOf ?? ((value: string) => conversationIntent(value));
    // A phrase the prompt knows as one of its answers ("ja, ring mig gärna" at "Vill du få svar?") is an answer, not a command.
    // The prompt's choices found in the text, once for both checks below.
    const recognized = choices && choices.length > 0 ? findChoicesIn(text, choices) : [];
    const phraseChoice = recognized.some((found) => (found.resolution.synonym ?? '').trim().split(/\s+/).length >= 2);
    // A long answer that ends with a question of the conversation's own ("…Kan jag se mina förslag istället?").
    const endsAsking = !asksQuestion && freeText && long ? trailingQuestion(text) : undefined;
    const endIntent = endsAsking ? read(endsAsking, { tableOnly: true }) : undefined;
    const intentRead =
      exactChoice || phraseChoice ? undefined : freeText && long ? (endIntent && LEAVING_AT_END.includes(endIntent) ? endIntent : undefined) : read(text, { tableOnly: !choices });
    // The dialog's own goal is an answer to its prompt, not a reason to leave.
    if (intentRead && own?.intents?.includes(intentRead)) return undefined;
    switch (intentRead) {
      case 'cancel':
        await reply(inner.context, 'cancelled', t(this.texts.has(lang, `guide.cancelled.${this.interruptOptions.name}`) ? `guide.cancelled.${this.interruptOptions.name}` : 'guide.cancelled'));
        await inner.cancelAllDialogs();
        return { status: DialogTurnStatus.cancelled };
      case 'restart': {
        const options = this.restartOptions(inner);
        await reply(inner.context, 'cancelled', t('guide.restarted'));
        await inner.cancelAllDialogs();
        const restarted = await inner.beginDialog(this.initialDialogId, options);
        const result: unknown = restarted.result;
        return restarted.status === DialogTurnStatus.waiting ? restarted : { status: restarted.status, result };
      }
      case 'help':
        await reply(inner.context, 'capabilities', `${t(`guide.help.in.${this.interruptOptions.name}`)} ${t('guide.help.inDialog')}`);
        await inner.repromptDialog();
        return { status: DialogTurnStatus.waiting };
      case 'handoff':
      case 'privacy-info':
      case 'privacy-erase':
      case 'my-suggestions':
        return this.leave({ text: endIntent === intentRead && endsAsking ? endsAsking : text });
      default:
        break;
    }
    // "Nej, jag lämnar hellre ett förslag": another goal than this dialog's, at a question that is not free text.
    if (this.interruptOptions.leavesForSuggestion && !freeText && feedbackOpening(text)) return this.leave({ text });

    // A question (or a clear question on a topic) where the bot waits for something else.
    if (asksQuestion) return undefined;
    // A number in a longer message ("a one-day beer tent?") picks a choice by its position, but names none.
    const byNumberOnly = wordCount >= 4 && recognized.every((found) => !found.resolution.synonym);
    if (recognized.length > 0 && !byNumberOnly) return undefined;
    const decision = this.interruptOptions.interpret?.(turnSession(inner.context).municipality, text);
    const clearTopic = decision?.kind === 'answer' || decision?.kind === 'scenario';
    const question = looksLikeQuestion(text);
    const detail = this.interruptOptions.detailPrompts?.has(active.id) ?? false;
    const unrelated = freeText ? question && clearTopic : question || (!detail && clearTopic && wordCount >= 4);
    if (!unrelated) return undefined;
    state[PENDING] = text;
    const yes = t('guide.leave.yes');
    const no = t('guide.leave.no');
    await reply(
      inner.context,
      'leave-question',
      MessageFactory.attachment(
        CardFactory.heroCard('', t(`guide.leave.question.${this.interruptOptions.name}`), undefined, [
          { type: 'imBack', title: yes, value: yes },
          { type: 'imBack', title: no, value: no },
        ]),
      ),
    );
    return { status: DialogTurnStatus.waiting };
  }
}
