import { MessageFactory } from 'botbuilder';
import { ComponentDialog, WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { FeedbackService } from '../src/domain/feedback/service';
import { StoreUnavailableError } from '../src/domain/ports';
import type { Texts } from '../src/domain/texts';
import { turnSession } from '../src/bot/bot';
import { turnOrigin } from '../src/bot/identity';
import { button, choiceCard } from './cards';
import { reply } from './reply';
import { plainText } from '../src/domain/text/plain';

export const MY_SUGGESTIONS_DIALOG = 'mySuggestionsDialog';

/** "Mina förslag": the user's own suggestions in this municipality, newest first, with status. */
export class MySuggestionsDialog extends ComponentDialog {
  constructor(
    private readonly feedback: FeedbackService,
    private readonly texts: Texts,
  ) {
    super(MY_SUGGESTIONS_DIALOG);
    this.addDialog(new WaterfallDialog(`${MY_SUGGESTIONS_DIALOG}.steps`, [this.list.bind(this)]));
    this.initialDialogId = `${MY_SUGGESTIONS_DIALOG}.steps`;
  }

  private async list(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const session = turnSession(step.context);
    const lang = session.language;
    const t = (key: string, vars?: Record<string, string | number>) => this.texts.t(lang, key, vars);
    const origin = turnOrigin(step.context.activity);
    try {
      const items = await this.feedback.mine(session.municipality, origin.user);
      if (items.length === 0) {
        await reply(
          step.context,
          'my-suggestions',
          MessageFactory.attachment(choiceCard(t('feedback.mine.none'), [button(t('guide.welcome.suggest'), { action: 'feedback' })])),
        );
        return await step.endDialog();
      }
      const me = origin.userKey;
      const lines = items.slice(0, 10).flatMap((item) => {
        const line = t(item.submitter.userKey === me ? 'feedback.mine.line' : 'feedback.mine.supportedLine', {
          reference: item.reference,
          kind: t(`feedback.kind.${item.kind}`),
          status: t(`feedback.status.${item.status}`),
          text: plainText(item.text.length > 80 ? `${item.text.slice(0, 77)}…` : item.text),
        });
        const answer = [...item.history].reverse().find((h) => h.action === 'answered')?.note;
        return answer ? [line, `  ${t('feedback.mine.answer', { answer })}`] : [line];
      });
      await reply(step.context, 'my-suggestions', `${t('feedback.mine.title')}\n\n${lines.map((l) => (l.startsWith('  ') ? l : `- ${l}`)).join('\n')}`);
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error;
      await reply(step.context, 'my-suggestions', t('feedback.storeDown'));
    }
    return step.endDialog();
  }
}
