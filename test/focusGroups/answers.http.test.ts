import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ask, messageActivity, startTestApp, type TestApp } from '../helpers/app';

/** The dialog only calls FocusGroups.interpret and renders: what it stores follows the domain's reading. */
describe('focus group answers through the dialog (the domain interprets, the dialog renders)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.stop();
  });

  it('asks again with the range for a number outside the scale, takes "fyra", "2 och 3", "nej" as a vote, and stores exactly that', async () => {
    const session = await t.app.focusGroups.start({ municipality: 'mora', templateId: 'focus-group-bygglov', facilitator: { userKey: 'test:f', name: 'F' } });
    let n = 0;
    const say = async (text: string) => {
      n += 1;
      const replies = await ask(t.url, messageActivity(text, { id: `fga-${n}`, from: { id: 'answerer' }, conversation: { id: 'conv-answerer' } }));
      expect(replies.status).toBe(200);
      return replies.activities.map((a) => `${a.text ?? ''} ${JSON.stringify(a.attachments ?? [])}`).join('\n');
    };
    expect(await say(`delta ${session.code}`)).toContain('Vill du delta');
    expect(await say('ja jag vill delta')).toContain('Fråga 1 av 4');
    const again = await say('7');
    expect(again).toContain('Svara med ett tal från 1 till 5.');
    expect(again).toContain('Fråga 1 av 4');
    expect(await say('fyra')).toContain('Fråga 2 av 4');
    expect(await say('9')).toContain('Svara med ett tal från 1 till 8.');
    expect(await say('2 och 3')).toContain('Fråga 3 av 4');
    expect(await say('Snabbare besked')).toContain('Påstående 1 av 4');
    expect(await say('nej')).toContain('Påstående 2 av 4');
    const answers = (await t.app.store.focusGroups.listAnswers(session.id)).map((a) => a.value);
    expect(answers).toHaveLength(4);
    expect(answers).toEqual(expect.arrayContaining([
      { kind: 'scale', value: 4 },
      { kind: 'multiple', options: ['completion-requests', 'unclear-requirements'] },
      { kind: 'open', text: 'Snabbare besked' },
      { kind: 'vote', statementId: 'seed-1', vote: 'disagree' },
    ]));
  });
});
