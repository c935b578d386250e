import { ComponentDialog, DialogTurnStatus, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import { fold } from '../src/domain/text';
import type { Texts } from '../src/domain/texts';
import { turnSession } from '../src/bot/bot';

const CANCEL = new Set(['avbryt', 'cancel', 'borja om', 'start over', 'stopp', 'stop', 'quit', 'avsluta']);
const HELP = new Set(['hjalp', 'help', '?']);

/**
 * Base for multi-turn dialogs: "avbryt"/"cancel" ends the dialog and "hjälp"/"help" explains,
 * before any waterfall step sees the message.
 */
export abstract class InterruptibleDialog extends ComponentDialog {
  protected constructor(
    id: string,
    protected readonly texts: Texts,
  ) {
    super(id);
  }

  protected override async onContinueDialog(inner: DialogContext): Promise<DialogTurnResult> {
    const interrupted = await this.interrupt(inner);
    return interrupted ?? super.onContinueDialog(inner);
  }

  private async interrupt(inner: DialogContext): Promise<DialogTurnResult | undefined> {
    const text = inner.context.activity.text;
    if (!text || inner.context.activity.value !== undefined) return undefined;
    const said = fold(text).replace(/[.!]+$/, '').trim();
    const lang = turnSession(inner.context).language;
    if (CANCEL.has(said)) {
      await inner.context.sendActivity(this.texts.t(lang, 'guide.cancelled'));
      return inner.cancelAllDialogs();
    }
    if (HELP.has(said)) {
      await inner.context.sendActivity(this.texts.t(lang, 'guide.help.text'));
      return { status: DialogTurnStatus.waiting };
    }
    return undefined;
  }
}
