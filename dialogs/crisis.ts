import type { TurnContext } from 'botbuilder';
import type { DataSet } from '../src/domain/packs/loader';
import type { ConversationSession } from '../src/domain/session';
import { detectCrisis } from '../src/domain/guide/crisis';
import { detectLanguage } from '../src/domain/text';
import type { CrisisConfig, Language } from '../src/domain/packs/schema';
import type { Texts } from '../src/domain/texts';
import { reply } from './reply';
import { phoneLink } from './cards';

/** Help lines (112 first), in the user's language. */
export async function sendCrisis(context: TurnContext, texts: Texts, helpLines: CrisisConfig['helpLines'], lang: Language): Promise<void> {
  const t = (key: string, vars?: Record<string, string>) => texts.t(lang, key, vars);
  const lines = helpLines.map((line) => t('guide.crisis.line', { name: line.name[lang], phone: phoneLink(line.phone), when: line.when[lang] }));
  await reply(context, 'crisis', `${t('guide.crisis.text')}\n\n${lines.map((l) => `- ${l}`).join('\n')}`);
}

/** The bot's crisis check: detection from data/shared/crisis.json, help lines, and only a count kept. */
export function crisisResponder(deps: { data: DataSet; texts: Texts; store: { backend: { nextSequence(pk: string, name: string): Promise<number> } } }) {
  const config = deps.data.shared.crisis;
  return {
    detect: (text: string) => detectCrisis(text, config) !== undefined,
    async respond(context: TurnContext, session: ConversationSession): Promise<void> {
      const text = typeof context.activity.text === 'string' ? context.activity.text : '';
      const lang: Language = text ? detectLanguage(text) : session.language;
      await sendCrisis(context, deps.texts, config.helpLines, lang);
      // Only how many times it happened, per municipality; never the text.
      await deps.store.backend.nextSequence(session.municipality, 'crisis').catch(() => undefined);
    },
  };
}
