import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ask, messageActivity, startTestApp, type TestApp } from '../helpers/app';
import { createSqliteBackend } from '../../src/store/sqlite';
import { storeOver } from '../../src/store/repositories';
import type { FocusGroupRepository } from '../../src/domain/focusGroups/service';

/** The real SQLite store, counting what the focus group repository is asked. */
function countingStore(file: string) {
  const real = storeOver(createSqliteBackend(file));
  const calls: string[] = [];
  const repo = real.focusGroups;
  const focusGroups: FocusGroupRepository = {
    createSession: (s) => repo.createSession(s),
    getSession: (id) => (calls.push('getSession'), repo.getSession(id)),
    findByCode: (code) => (calls.push('findByCode'), repo.findByCode(code)),
    listSessions: (m) => repo.listSessions(m),
    updateSession: (s) => repo.updateSession(s),
    getParticipation: (id, p) => (calls.push('getParticipation'), repo.getParticipation(id, p)),
    putParticipation: (p) => (calls.push('putParticipation'), repo.putParticipation(p)),
    joinParticipation: (p) => (calls.push('joinParticipation'), repo.joinParticipation(p)),
    listParticipations: (id) => (calls.push('listParticipations'), repo.listParticipations(id)),
    addAnswer: (id, a) => (calls.push('addAnswer'), repo.addAnswer(id, a)),
    listAnswers: (id) => (calls.push('listAnswers'), repo.listAnswers(id)),
    listAddedStatements: (id, step, limit) => (calls.push('listAddedStatements'), repo.listAddedStatements(id, step, limit)),
    countProgress: (id, steps) => (calls.push('countProgress'), repo.countProgress(id, steps)),
  };
  return { store: { ...real, focusGroups }, calls };
}

describe('focus group turns read what they need, not every answer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fl-fg-reads-'));
  const { store, calls } = countingStore(join(dir, 'fg.sqlite'));
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({}, { store });
  });
  afterAll(async () => {
    await t.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a vote on a statement reads the added statements once, and never the whole session', async () => {
    const session = await t.app.focusGroups.start({ municipality: 'mora', templateId: 'focus-group-bygglov', facilitator: { userKey: 'test:f', name: 'F' } });
    let n = 0;
    const say = async (text: string) => {
      n += 1;
      const replies = await ask(t.url, messageActivity(text, { id: `fg-${n}`, from: { id: 'voter' }, conversation: { id: 'conv-voter' } }));
      return replies.activities.map((a) => `${a.text ?? ''} ${JSON.stringify(a.attachments ?? [])}`).join('\n');
    };
    expect(await say(`delta ${session.code}`)).toContain('Vill du delta');
    expect(await say('Ja, jag vill delta')).toContain('Fråga 1 av 4');
    await say('3');
    await say('1, 2');
    expect(await say('Snabbare handläggning av bygglov')).toContain('Påstående 1 av 4');
    calls.length = 0;
    expect(await say('Håller med')).toContain('Påstående 2 av 4');
    expect(calls.filter((c) => c === 'listAnswers')).toEqual([]);
    expect(calls.filter((c) => c === 'listAddedStatements')).toHaveLength(1);
    // A later vote moves no step and answers no new step: the participation is not written again, only the answer.
    calls.length = 0;
    expect(await say('Håller inte med')).toContain('Påstående 3 av 4');
    expect(calls.filter((c) => c === 'putParticipation')).toEqual([]);
    expect(calls.filter((c) => c === 'addAnswer')).toHaveLength(1);
    // The session and the participation are read once in the turn: the dialog's checks, the
    // service's answer (which refuses a closed session) and the next question share them.
    expect(calls.filter((c) => c === 'getSession')).toHaveLength(1);
    expect(calls.filter((c) => c === 'getParticipation')).toHaveLength(1);
    // So does an answer that moves on: one read of each, one answer and one participation written.
    calls.length = 0;
    expect(await say('Pass')).toContain('Påstående 4 av 4');
    expect(await say('Håller med')).toContain('eget påstående');
    calls.length = 0;
    expect(await say('Hoppa över')).toContain('Tack för dina svar');
    expect(calls.filter((c) => c === 'getSession' || c === 'getParticipation').sort()).toEqual(['getParticipation', 'getSession']);
    expect(calls.filter((c) => c === 'putParticipation')).toHaveLength(1);
  });

  it('a join finds the session by its code once and creates the participation in one write, without reading it first', async () => {
    const session = await t.app.focusGroups.start({ municipality: 'mora', templateId: 'focus-group-bygglov', facilitator: { userKey: 'test:f', name: 'F' } });
    const say = (id: string, text: string, conversation = 'conv-joiner') =>
      ask(t.url, messageActivity(text, { id, from: { id: 'joiner' }, conversation: { id: conversation } })).then((replies) =>
        replies.activities.map((a) => `${a.text ?? ''} ${JSON.stringify(a.attachments ?? [])}`).join('\n'),
      );
    calls.length = 0;
    expect(await say('j-1', `delta ${session.code}`)).toContain('Vill du delta');
    // The first question's check that the session is open uses the session the join read.
    expect(calls).toEqual(['findByCode', 'joinParticipation']);
    expect(await say('j-2', 'Ja, jag vill delta')).toContain('Fråga 1 av 4');
    expect(await say('j-3', '3')).toContain('Fråga 2 av 4');
    // Joining again (the window closed, a new conversation) resumes where the participant was: the
    // stored participation, consent and position kept, and not read a second time.
    calls.length = 0;
    const again = await say('j-4', `delta ${session.code}`, 'conv-joiner-again');
    expect(again).toContain('Fråga 2 av 4');
    expect(again).not.toContain('Vill du delta');
    expect(calls).toEqual(['findByCode', 'joinParticipation']);
    expect(await store.focusGroups.listParticipations(session.id)).toHaveLength(1);
  });

  it("the facilitator's live view is counted by the store: no answer and no participation read, and the counts are right", async () => {
    const session = await t.app.focusGroups.start({ municipality: 'mora', templateId: 'focus-group-bygglov', facilitator: { userKey: 'test:f', name: 'F' } });
    let n = 0;
    const say = async (who: string, text: string) => {
      n += 1;
      await ask(t.url, messageActivity(text, { id: `fgp-${n}`, from: { id: who }, conversation: { id: `conv-${who}` } }));
    };
    for (const who of ['a', 'b', 'c']) {
      await say(who, `delta ${session.code}`);
      if (who !== 'c') await say(who, 'Ja, jag vill delta');
    }
    await say('a', '4');
    await say('a', '1, 2');
    await say('b', 'hoppa över');
    await say('b', '3');
    // The same message delivered twice (a retry with the same activity id) is one answer.
    await ask(t.url, messageActivity('Snabbare besked', { id: 'fgp-dup', from: { id: 'b' }, conversation: { id: 'conv-b' } }));
    await ask(t.url, messageActivity('Snabbare besked', { id: 'fgp-dup', from: { id: 'b' }, conversation: { id: 'conv-b' } }));
    calls.length = 0;
    const progress = await t.app.focusGroups.progress(session.id);
    expect(progress).toEqual({ joined: 3, consented: 2, finished: 0, answersPerStep: { 'overall-experience': 1, 'pain-points': 2, improvement: 1, 'permit-statements': 0 } });
    expect(calls).toEqual(['getSession', 'countProgress']);
  });
});
