import { CardFactory, MessageFactory } from 'botbuilder';
import { ListStyle, WaterfallDialog, type DialogTurnResult, type FoundChoice, type WaterfallStepContext } from 'botbuilder-dialogs';
import { z } from 'zod';
import type { PrivacyExtract, PrivacyRights, Subject } from '../src/domain/privacy/rights';
import type { Pack } from '../src/domain/packs/loader';
import { StoreUnavailableError } from '../src/domain/ports';
import type { Texts } from '../src/domain/texts';
import { turnSession } from '../src/bot/bot';
import { turnOrigin } from '../src/bot/identity';
import { InterruptibleDialog } from './interruptibleDialog';
import { kinded } from './reply';
import { choicePrompt } from './choicePrompt';

export const PRIVACY_DIALOG = 'privacyDialog';
const CONFIRM = 'privacyConfirm';

/** What the user asked: an extract ("info") or erasure; the interruption layer passes `what`. */
const optionsSchema = z
  .union([z.object({ request: z.enum(['extract', 'erase']) }), z.object({ what: z.enum(['info', 'erase']) })])
  .transform((o) => ({ request: 'request' in o ? o.request : o.what === 'info' ? ('extract' as const) : ('erase' as const) }));


/**
 * "Vilka uppgifter har ni om mig?" (an extract, GDPR art. 15) and "radera mina uppgifter" (erasure,
 * art. 17, after a confirmation). What is stored and what may be erased is decided in the domain
 * (src/domain/privacy/rights.ts); the subject is this chat's user and conversation.
 */
export class PrivacyDialog extends InterruptibleDialog {
  constructor(
    private readonly rights: PrivacyRights,
    private readonly packOf: (municipality: string) => Pack,
    texts: Texts,
  ) {
    super(PRIVACY_DIALOG, texts, { name: 'privacy', own: { intents: ['privacy-info', 'privacy-erase'] }, leavesForSuggestion: true });
    this.addDialog(choicePrompt(CONFIRM)).addDialog(
      new WaterfallDialog(`${PRIVACY_DIALOG}.steps`, [this.start.bind(this), this.finish.bind(this)]),
    );
    this.initialDialogId = `${PRIVACY_DIALOG}.steps`;
  }

  private t(step: WaterfallStepContext, key: string, vars?: Record<string, string | number>): string {
    return this.texts.t(turnSession(step.context).language, key, vars);
  }

  private subject(step: WaterfallStepContext): Subject {
    const origin = turnOrigin(step.context.activity);
    return {
      municipality: turnSession(step.context).municipality,
      userKey: origin.userKey,
      conversations: [origin.conversation],
    };
  }

  private async start(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { request } = optionsSchema.parse(step.options);
    if (request === 'extract') {
      try {
        const extract = await this.rights.extract(this.subject(step));
        await step.context.sendActivity(kinded(MessageFactory.text(this.describe(step, extract)), 'privacy-info'));
      } catch (error) {
        await this.storeDown(step, error);
      }
      return step.endDialog();
    }
    const yes = this.t(step, 'privacy.confirmYes');
    const no = this.t(step, 'privacy.confirmNo');
    const prompt = MessageFactory.attachment(
      CardFactory.heroCard('', this.t(step, 'privacy.confirm'), undefined, [
        { type: 'imBack', title: yes, value: yes },
        { type: 'imBack', title: no, value: no },
      ]),
    );
    return step.prompt(CONFIRM, {
      prompt: kinded(prompt, 'privacy-confirm'),
      retryPrompt: kinded(MessageFactory.attachment(prompt.attachments?.[0] ?? CardFactory.heroCard('', this.t(step, 'privacy.confirm'))), 'privacy-confirm'),
      choices: [
        { value: 'yes', synonyms: [yes, 'ja', 'yes', 'radera', 'delete', 'ja radera', 'japp', 'jajamän', 'absolut', 'visst', 'ok', 'okej', 'sure', 'yep', 'yeah', "i'm sure", 'im sure', 'ja tack', 'kör', 'go ahead'] },
        { value: 'no', synonyms: [no, 'nej', 'no', 'avbryt', 'cancel', 'nä', 'nej tack', 'no thanks', 'nope', 'vänta', 'wait', 'behåll', 'keep'] },
      ],
      style: ListStyle.none,
    });
  }

  private async finish(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if ((step.result as FoundChoice | undefined)?.value !== 'yes') {
      await step.context.sendActivity(kinded(MessageFactory.text(this.t(step, 'privacy.notErased')), 'cancelled'));
      return step.endDialog();
    }
    try {
      const erased = await this.rights.erase(this.subject(step), 'submitter');
      await step.context.sendActivity(
        kinded(
          MessageFactory.text(
            this.t(step, 'privacy.erased', {
              contactDetails: erased.contactDetails,
              contactRequests: erased.contactRequests,
              supports: erased.supports,
              suggestions: erased.suggestions,
            }),
          ),
          'privacy-erased',
        ),
      );
    } catch (error) {
      await this.storeDown(step, error);
    }
    return step.endDialog();
  }

  private describe(step: WaterfallStepContext, extract: PrivacyExtract): string {
    const pack = this.packOf(extract.municipality);
    const municipality = pack.municipality.name;
    const lines: string[] = [];
    for (const s of extract.suggestions) {
      lines.push(this.t(step, 'privacy.extract.suggestion', { reference: s.reference, status: this.t(step, `feedback.status.${s.status}`), text: s.text }));
      // The chat names what is stored, not the values: the bot's replies are kept in the web chat's transcript.
      const fields = this.fields(step, { name: s.contact?.name, email: s.contact?.email, phone: s.contact?.phone });
      if (fields) lines.push(this.t(step, 'privacy.extract.contact', { reference: s.reference, fields }));
    }
    for (const s of extract.supports) lines.push(this.t(step, 'privacy.extract.support', { reference: s.reference }));
    for (const r of extract.contactRequests) {
      const reach = r.reach.includes('@') ? { email: r.reach } : { phone: r.reach };
      const fields = this.fields(step, { name: r.name, company: r.company, ...reach });
      lines.push(this.t(step, 'privacy.extract.request', { reference: r.reference, status: this.t(step, `feedback.status.${r.status}`), fields, question: r.question }));
    }
    const messages = extract.transcripts.reduce((sum, tr) => sum + tr.activities, 0);
    const personal = lines.length > 0;
    if (messages > 0) lines.push(this.t(step, 'privacy.extract.transcripts', { count: messages }));
    if (extract.conversationState.length > 0) lines.push(this.t(step, 'privacy.extract.state'));
    const head = personal ? this.t(step, 'privacy.extract.title', { municipality }) : this.t(step, 'privacy.extract.none', { municipality });
    const body = lines.length > 0 ? `\n\n${lines.map((l) => `- ${l}`).join('\n')}` : '';
    return `${head}${body}\n\n${this.t(step, 'privacy.info', { days: pack.staff.retentionDays })}`;
  }

  private fields(step: WaterfallStepContext, values: Partial<Record<'name' | 'company' | 'email' | 'phone', string>>): string {
    return (['name', 'company', 'email', 'phone'] as const)
      .filter((field) => values[field])
      .map((field) => this.t(step, `privacy.field.${field}`))
      .join(', ');
  }

  private async storeDown(step: WaterfallStepContext, error: unknown): Promise<void> {
    if (!(error instanceof StoreUnavailableError)) throw error;
    const pack = this.packOf(turnSession(step.context).municipality);
    await step.context.sendActivity(this.t(step, 'privacy.storeDown', { switchboard: pack.municipality.switchboard }));
  }
}
