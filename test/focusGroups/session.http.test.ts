import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ask, messageActivity, startTestApp, type TestApp } from '../helpers/app';
import { addStaff } from '../helpers/staff';
import { Conversation } from '../helpers/conversation';
import type { StepResult } from '../../src/domain/focusGroups/results';

const text = (replies: Awaited<ReturnType<typeof ask>>) =>
  replies.activities.map((a) => `${a.text ?? ''} ${JSON.stringify(a.attachments ?? [])}`).join('\n');

/** One chat user talking to the running server over HTTP (expectReplies). */
function user(t: TestApp, id: string, conversation = `conv-${id}`, extra: Record<string, unknown> = {}) {
  let n = 0;
  return async (message: string) => {
    n += 1;
    const replies = await ask(t.url, messageActivity(message, { id: `${conversation}-${n}-${Math.random().toString(36).slice(2, 8)}`, from: { id, name: id, ...extra }, conversation: { id: conversation } }));
    expect(replies.status).toBe(200);
    return text(replies);
  };
}

describe('a focus group session over HTTP', () => {
  let t: TestApp;
  let code = '';
  // With authentication off, from.aadObjectId over HTTP is not trusted (anyone could send it): the
  // facilitator, as Teams would have authenticated them, talks to the same bot in-process.
  const facilitator = () => {
    const chat = new Conversation(t.app, { conversationId: 'conv-facilitator', userId: 'facilitator-1' });
    return async (message: string) => {
      const replies = await chat.send({ type: 'message', text: message, id: `f-${Math.random().toString(36).slice(2, 8)}`, from: { id: 'facilitator-1', name: 'Sara', aadObjectId: 'aad-facilitator' } });
      return replies.map((a) => `${a.text ?? ''} ${JSON.stringify(a.attachments ?? [])}`).join('\n');
    };
  };

  beforeAll(async () => {
    t = await startTestApp();
    await addStaff(t.app.store, { name: 'Sara Samtalsledare', aadObjectId: 'aad-facilitator' });
  });
  afterAll(async () => {
    await t.stop();
  });

  it('lets only staff start a session, and lists the templates', async () => {
    expect(await user(t, 'someone')('starta fokusgrupp focus-group-bygglov')).toContain('Bara samtalsledare');
    const say = facilitator();
    expect(await say('starta fokusgrupp')).toContain('focus-group-bygglov');
    const started = await say('starta fokusgrupp focus-group-bygglov');
    code = /Koden är ([A-Z0-9]{6})/.exec(started)?.[1] ?? '';
    expect(code).toMatch(/^[A-Z0-9]{6}$/);
    expect(started).toContain(`join=${code}`);
  });

  it('collects 20 participants answering concurrently, and the results match the answers', async () => {
    const N = 20;
    const scale = (i: number) => (i % 5) + 1;
    const multiple = (i: number) => (i >= 18 ? 'hoppa över' : i % 2 === 0 ? '1, 3' : '2');
    const votes = ['Håller med', 'Håller inte med', 'Pass'];
    const vote = (i: number, k: number) => votes[(i + k) % 3] ?? 'Pass';

    await Promise.all(
      Array.from({ length: N }, async (_, i) => {
        const say = user(t, `participant-${i}`);
        expect(await say(`delta ${code.toLowerCase()}`)).toContain('Vill du delta');
        expect(await say('Ja, jag vill delta')).toContain('Fråga 1 av 4');
        expect(await say(String(scale(i)))).toContain('Fråga 2 av 4');
        expect(await say(multiple(i))).toContain('Fråga 3 av 4');
        expect(await say(`Snabbare handläggning av bygglov, förslag ${i}`)).toContain('Påstående 1 av 4');
        for (let k = 0; k < 4; k += 1) await say(vote(i, k));
        expect(await say('Hoppa över')).toContain('Tack för dina svar');
      }),
    );

    // Computed here, independently of the product's aggregation.
    const scales = Array.from({ length: N }, (_, i) => scale(i));
    const mean = scales.reduce((a, b) => a + b, 0) / N;
    const sd = Math.sqrt(scales.reduce((a, b) => a + (b - mean) ** 2, 0) / N);
    const { steps } = await t.app.focusGroups.results((await t.app.focusGroups.byCode(code))!.id);
    const byId = new Map<string, StepResult>(steps.map((s) => [s.stepId, s]));
    const scaleResult = byId.get('overall-experience');
    expect(scaleResult).toMatchObject({ type: 'scale', n: N, mean, median: 3 });
    expect(scaleResult?.type === 'scale' ? scaleResult.sd : -1).toBeCloseTo(sd, 6);

    const multipleResult = byId.get('pain-points');
    if (multipleResult?.type !== 'multiple') throw new Error('no multiple result');
    const counts = Object.fromEntries(multipleResult.options.map((o, index) => [index + 1, o.count]));
    expect(counts[1]).toBe(9); // even i below 18: 0,2,…,16
    expect(counts[3]).toBe(9);
    expect(counts[2]).toBe(9); // odd i below 18
    expect(multipleResult.respondents).toBe(18);
    expect(multipleResult.skips).toBe(2);

    const statements = byId.get('permit-statements');
    if (statements?.type !== 'statements') throw new Error('no statements result');
    for (let k = 0; k < 4; k += 1) {
      const expected = { agree: 0, disagree: 0, pass: 0 };
      for (let i = 0; i < N; i += 1) {
        const v = vote(i, k);
        if (v === 'Håller med') expected.agree += 1;
        else if (v === 'Håller inte med') expected.disagree += 1;
        else expected.pass += 1;
      }
      expect(statements.statements[k]).toMatchObject(expected);
    }
    const open = byId.get('improvement');
    expect(open).toMatchObject({ type: 'open', n: N });

    const progress = await t.app.focusGroups.progress((await t.app.focusGroups.byCode(code))!.id);
    expect(progress).toMatchObject({ joined: N, consented: N, finished: N });

    const summary = await facilitator()(`fokusgrupp ${code} resultat`);
    expect(summary).toContain(`${N} av ${N} har svarat klart`);
    expect(summary).toContain(`medel ${mean.toFixed(2)}`);
    expect(summary).toContain('application/vnd.microsoft.card.adaptive');
  });

  it('keeps answers anonymous: no user ids in the results or the CSV export', async () => {
    const id = (await t.app.focusGroups.byCode(code))!.id;
    const csv = await t.app.focusGroups.csv(id);
    expect(csv.split('\r\n')[0]).toBe('step_id,step_type,participant_number,answer,at');
    expect(csv).not.toContain('participant-');
    expect(JSON.stringify(await t.app.focusGroups.results(id))).not.toContain('participant-');
  });

  it('resumes where a participant left off, in a new conversation', async () => {
    const first = user(t, 'returning', 'conv-return-1');
    await first(`delta ${code}`);
    await first('Ja, jag vill delta');
    expect(await first('4')).toContain('Fråga 2 av 4');
    const again = user(t, 'returning', 'conv-return-2');
    const resumed = await again(`delta ${code}`);
    expect(resumed).toContain('Välkommen tillbaka');
    expect(resumed).toContain('Fråga 2 av 4');
    expect(await again('tillbaka')).toContain('Fråga 1 av 4');
  });

  it('refuses a wrong code and a closed session with clear messages', async () => {
    expect(await user(t, 'late')('delta ZZZZZZ')).toContain('hittar ingen fokusgrupp med koden ZZZZZZ');
    expect(await facilitator()(`fokusgrupp ${code} stäng`)).toContain('är nu avslutad');
    expect(await user(t, 'late')(`delta ${code}`)).toContain('är avslutad och tar inte emot fler svar');
  });

  it('tags open suggestions ("inspel") to the strategy focus areas in the results', async () => {
    const groups = t.app.focusGroups;
    const session = await groups.start({ municipality: 'mora', templateId: 'company-dialogue', facilitator: { userKey: 'test:f', name: 'Sara' } });
    const texts = ['Fler lärlingsplatser och praktik för gymnasieelever i industrin', 'Vuxenutbildningen borde utbilda svetsare', 'Snöröjningen vid industriområdet måste bli bättre'];
    for (const [i, text] of texts.entries()) {
      const joined = await groups.join(session.code, `test:inspel-${i}`, 'sv');
      if (!joined.ok) throw new Error('not joined');
      await groups.consent(session.id, joined.participation.participant);
      await groups.answer(session.id, joined.participation.participant, 'suggestion', { kind: 'inspel', text });
    }
    const { focusAreas } = await groups.results(session.id);
    expect(focusAreas.suggestion).toEqual([
      { focusArea: 'mora.competence', count: 2 },
      { focusArea: 'mora.infrastructure-planning', count: 1 },
    ]);
  });

  it('shows sessions and results to staff of the municipality on the dashboard API (and only to them)', async () => {
    const { token } = await addStaff(t.app.store, { name: 'Dash', municipalities: ['mora'] });
    const { token: other } = await addStaff(t.app.store, { name: 'Other', municipalities: ['borlange'] });
    const get = (path: string, tk: string) => fetch(`${t.url}${path}`, { headers: { authorization: `Bearer ${tk}` } });
    const list = (await (await get('/api/staff/focus-groups?municipality=mora', token)).json()) as { sessions: Array<{ id: string; code: string; progress: { finished: number } }> };
    const mine = list.sessions.find((s) => s.code === code);
    expect(mine?.progress.finished).toBe(20);
    const results = (await (await get(`/api/staff/focus-groups/${mine?.id}`, token)).json()) as { steps: Array<{ stepId: string }> };
    expect(results.steps.map((s) => s.stepId)).toEqual(['overall-experience', 'pain-points', 'improvement', 'permit-statements']);
    const csv = await (await get(`/api/staff/focus-groups/${mine?.id}?format=csv`, token)).text();
    expect(csv.startsWith('step_id,step_type,participant_number,answer,at')).toBe(true);
    expect((await get(`/api/staff/focus-groups/${mine?.id}`, other)).status).toBe(403);
    expect((await get('/api/staff/focus-groups?municipality=mora', other)).status).toBe(403);
  });
});
