import { CardFactory, MessageFactory } from 'botbuilder';
import { ChoicePrompt, ListStyle, WaterfallDialog, type DialogTurnResult, type FoundChoice, type WaterfallStepContext } from 'botbuilder-dialogs';
import { z } from 'zod';
import { eraseSubject, subjectExtract, type SubjectDeps } from '../src/domain/privacy/subject';
import { StoreUnavailableError } from '../src/domain/ports';
import type { Texts } from '../src/domain/texts';
import { turnSession } from '../src/bot/bot';
import { InterruptibleDialog } from './interruptibleDialog';
import { kinded, reply } from './reply';

export const PRIVACY_DIALOG = 'privacyDialog';
const CONFIRM = `${PRIVACY_DIALOG}.confirm`;
const optionsSchema = z.object({ what: z.enum(['info', 'erase']) });

/** "Vilka uppgifter har ni om mig?" gives an extract; "radera mina uppgifter" erases after a confirmation. */
export class PrivacyDialog extends InterruptibleDialog {
  constructor(
    private readonly subjects: SubjectDeps,
    texts: Texts,
  ) {
    super(PRIVACY_DIALOG, texts, { name: 'privacy' });
    this.addDialog(new ChoicePrompt(CONFIRM));
    this.addDialog(new WaterfallDialog(`${PRIVACY_DIALOG}.steps`, [this.start.bind(this), this.erase.bind(this)]));
    this.initialDialogId = `${PRIVACY_DIALOG}.steps`;
  }

  private t(step: WaterfallStepContext, key: string, vars?: Record<string, string | number>): string {
    return this.texts.t(turnSession(step.context).language, key, vars);
  }

  private userKey(step: WaterfallStepContext): string {
    return `${step.context.activity.channelId}:${step.context.activity.from.id}`;
  }

  private async start(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { what } = optionsSchema.parse(step.options ?? { what: 'info' });
    const session = turnSession(step.context);
    if (what === 'info') {
      try {
        const extract = await subjectExtract(this.subjects, session.municipality, this.userKey(step));
        const lines = [
          ...extract.suggestions.map((s) =>
            this.t(step, s.hasContact ? 'privacy.line.suggestionContact' : 'privacy.line.suggestion', { reference: s.reference, status: this.t(step, `feedback.status.${s.status}`) }),
          ),
          ...extract.contactRequests.map((r) => this.t(step, 'privacy.line.request', { reference: r.reference, name: r.name, reach: r.reach })),
        ];
        const body = lines.length > 0 ? `${this.t(step, 'privacy.extract')}\n\n${lines.map((l) => `- ${l}`).join('\n')}` : this.t(step, 'privacy.nothing');
        await reply(step.context, 'privacy-info', `${this.t(step, 'privacy.what')}\n\n${body}\n\n${this.t(step, 'privacy.howToErase')}`);
      } catch (error) {
        if (!(error instanceof StoreUnavailableError)) throw error;
        await reply(step.context, 'privacy-info', this.t(step, 'privacy.storeDown'));
      }
      return step.endDialog();
    }
    const yes = this.t(step, 'privacy.confirmYes');
    const no = this.t(step, 'privacy.confirmNo');
    return step.prompt(CONFIRM, {
      prompt: kinded(MessageFactory.attachment(CardFactory.heroCard('', this.t(step, 'privacy.confirm'), undefined, [
        { type: 'imBack', title: yes, value: yes },
        { type: 'imBack', title: no, value: no },
      ])), 'privacy-confirm'),
      choices: [
        { value: 'yes', synonyms: [yes, 'ja', 'yes', 'radera', 'delete', 'ja radera', 'ok', 'okej'] },
        { value: 'no', synonyms: [no, 'nej', 'no', 'behåll', 'keep', 'nej tack'] },
      ],
      style: ListStyle.none,
    });
  }

  private async erase(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if ((step.result as FoundChoice | undefined)?.value !== 'yes') {
      await reply(step.context, 'cancelled', this.t(step, 'privacy.kept'));
      return step.endDialog();
    }
    const session = turnSession(step.context);
    try {
      const erased = await eraseSubject(this.subjects, session.municipality, this.userKey(step));
      await reply(step.context, 'privacy-erased', this.t(step, 'privacy.erased', { contacts: erased.contacts, requests: erased.requests }));
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error;
      await reply(step.context, 'notice', this.t(step, 'privacy.storeDown'));
    }
    return step.endDialog();
  }
}
