import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app';
import { HttpChat, replyKinds, transcriptText } from '../helpers/httpChat';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.stop();
});

const TEMPLATES = ['focus-group-bygglov', 'company-dialogue', 'dialogue-cafe-attractiveness', 'action-plan-follow-up'];

async function joined(templateId: string): Promise<{ chat: HttpChat; sessionId: string }> {
  const session = await t.app.focusGroups.start({ municipality: 'mora', templateId, facilitator: { userKey: 'teams:fac', name: 'Facilitator' } });
  const chat = new HttpChat(t.url);
  expect(replyKinds(await chat.say(`delta ${session.code}`))).toEqual(['focus-consent']);
  expect(replyKinds(await chat.say('Ja, jag vill delta'))).toEqual(['focus-step']);
  return { chat, sessionId: session.id };
}

async function until(chat: HttpChat, text: string, kind: string, max = 40): Promise<number> {
  for (let n = 1; n <= max; n += 1) {
    if (replyKinds(await chat.say(text)).includes(kind)) return n;
  }
  throw new Error(`no ${kind} after ${max} × "${text}": ${transcriptText(chat.last)}`);
}

describe('focus-group dialogues finish', () => {
  it.each(TEMPLATES)('%s: skipping every step ends with thanks', async (templateId) => {
    const { chat } = await joined(templateId);
    await until(chat, 'hoppa över', 'focus-done');
    // Finished: the next message is an ordinary one again.
    expect(replyKinds(await chat.say('hej'))).toEqual(['capabilities']);
  });

  it.each(TEMPLATES)('%s: answering every step (with the inspel sent on) ends with thanks', async (templateId) => {
    const { chat } = await joined(templateId);
    for (let n = 0; n < 40; n += 1) {
      const last = transcriptText(chat.last);
      const answer = /Håller med/.test(last)
        ? 'Håller med'
        : /skicka ditt inspel/.test(last)
          ? 'Ja, skicka som förslag'
          : /eget påstående/.test(last)
            ? 'Hoppa över'
            : /numren/.test(last)
              ? '1, 2'
              : /\(1 = /.test(last)
                ? '4'
                : /\[Fortsätt\]/.test(last)
                  ? 'Fortsätt'
                  : /Skriv ditt svar/.test(last)
                    ? 'Fler gemensamma parkeringar för kunder i centrum'
                    : '1';
      const replies = await chat.say(answer);
      if (replyKinds(replies).includes('focus-done')) return;
    }
    throw new Error(`not finished: ${transcriptText(chat.last)}`);
  });

  it('the last inspel step finishes whichever answer is given to "send it on?"', async () => {
    for (const answer of ['Ja, skicka som förslag', 'Nej, bara i dialogen']) {
      const { chat } = await joined('dialogue-cafe-attractiveness');
      for (let n = 0; n < 4; n += 1) await chat.say('hoppa över');
      await chat.say('Ett gemensamt evenemang för alla kaféer på torget');
      const replies = await chat.say(answer);
      expect(replyKinds(replies), transcriptText(replies)).toContain('focus-done');
    }
  });

  it('"avbryt" stops the dialogue', async () => {
    const { chat } = await joined('company-dialogue');
    expect(replyKinds(await chat.say('avbryt'))).toEqual(['cancelled']);
    expect(replyKinds(await chat.say('hej'))).toEqual(['capabilities']);
  });

  it('"börja om" mid-way joins the same session again, where the participant was', async () => {
    const { chat, sessionId } = await joined('focus-group-bygglov');
    expect(transcriptText(await chat.say('3'))).toContain('Fråga 2 av 4');
    const replies = await chat.say('börja om');
    expect(replyKinds(replies)).toEqual(['cancelled', 'focus-step', 'focus-step']);
    expect(transcriptText(replies)).toContain('Fråga 2 av 4');
    expect((await t.app.focusGroups.progress(sessionId)).joined).toBe(1);
  });

  it.each(['closed', 'paused'] as const)('a session the facilitator %s stops the dialogue with a clear message', async (status) => {
    const { chat, sessionId } = await joined('action-plan-follow-up');
    await t.app.focusGroups.setStatus(sessionId, status);
    const replies = await chat.say('Fortsätt');
    expect(replyKinds(replies)).toEqual(['focus-closed']);
    expect(transcriptText(replies)).toMatch(status === 'closed' ? /avslutats/ : /pausat/);
    expect(replyKinds(await chat.say('hej'))).toEqual(['capabilities']);
  });
});
