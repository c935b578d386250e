import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ask, messageActivity, startTestApp, type TestApp } from '../helpers/app';
import { Client, fromBot } from '../helpers/directLine';
import { addStaff } from '../helpers/staff';

/** Personal data written into free text; none of these substrings may reach any stored document. */
const RAW = {
  personnummer: ['900101-0017', 'personnummer är 900101'],
  phone: ['987 65 43'],
  email: ['kalle.raw@', 'gretasgarn'],
  bank: ['123 456 789'],
};
const SECRETS = 'ring 070-987 65 43, mejla kalle.raw@foretag.se eller greta at gretasgarn dot se, mitt personnummer är 900101-0017, konto 8327-9, 123 456 789-0';

function user(t: TestApp, id: string, extra: Record<string, unknown> = {}) {
  let n = 0;
  return async (message: string) => {
    n += 1;
    const replies = await ask(t.url, messageActivity(message, { id: `${id}-${n}`, from: { id, name: id, ...extra }, conversation: { id: `conv-${id}` } }));
    expect(replies.status).toBe(200);
    return replies.activities.map((a) => `${a.text ?? ''} ${JSON.stringify(a.attachments ?? [])}`).join('\n');
  };
}

describe('personal data in free text is masked in every stored document', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    await addStaff(t.app.store, { name: 'Sara Samtalsledare', aadObjectId: 'aad-facilitator' });
  });
  afterAll(async () => {
    await t.stop();
  });

  it('web chat transcripts, guide events, an abandoned suggestion dialog, contact requests and focus group answers', async () => {
    // 1. Web chat: a question the guide cannot answer, then a suggestion that is left half-way.
    const client = await Client.open(t.url);
    await client.start();
    await client.waitFor((a) => fromBot(a) && a.type === 'message');
    await client.post({ type: 'message', text: `xyzzy plugh ${SECRETS}` });
    await client.waitFor((a) => fromBot(a) && client.received.filter(fromBot).length >= 2);
    const before = client.received.filter(fromBot).length;
    await client.post({ type: 'message', text: `Jag har ett förslag: bättre skyltning vid torget, ${SECRETS}` });
    await client.waitFor((a) => fromBot(a) && /slags inspel|liknande|dolt/i.test(JSON.stringify(a)) && client.received.filter(fromBot).length > before);
    client.close();

    // 2. A contact request (lotsmöte) whose question holds personal data besides the contact given for it.
    const say = user(t, 'handoff-user');
    expect(await say('Jag vill prata med en människa')).toMatch(/Går det bra/);
    await say('Ja, det går bra');
    await say('Anna Test');
    await say('Testbolaget AB');
    await say('070-111 22 33');
    expect(await say(`Hjälp med bygglov, ${SECRETS}`)).toMatch(/MORA-K-\d{4}-\d+/);

    // 3. A focus group participant's open answer.
    // The facilitator (authenticated by Teams in production) starts the session in the domain.
    const session = await t.app.focusGroups.start({ municipality: 'mora', templateId: 'focus-group-bygglov', facilitator: { userKey: 'test:facilitator', name: 'Sara' } });
    const code = session.code;
    const participant = user(t, 'participant');
    expect(await participant(`delta ${code.toLowerCase()}`)).toContain('Vill du delta');
    expect(await participant('Ja, jag vill delta')).toContain('Fråga 1 av 4');
    await participant('3');
    expect(await participant('1')).toContain('Fråga 3 av 4');
    expect(await participant(`Snabbare handläggning, ${SECRETS}`)).toContain('Påstående 1 av 4');

    // 4. An inspel waiting for "send it as a suggestion too?", left unanswered (it sits in the dialog state).
    const session2 = await t.app.focusGroups.start({ municipality: 'mora', templateId: 'company-dialogue', facilitator: { userKey: 'test:facilitator-2', name: 'Sara' } });
    const code2 = session2.code;
    const started2 = `session ${code2}`;
    const inspel = user(t, 'inspel-participant');
    const joinedReply = await inspel(`delta ${code2.toLowerCase()}`);
    expect(joinedReply, started2).toContain('Vill du delta');
    let reply = await inspel('Ja, jag vill delta');
    for (let i = 0; i < 20 && !reply.includes('konkret förslag'); i += 1) reply = await inspel(reply.includes('Fortsätt') ? 'Fortsätt' : 'Hoppa över');
    expect(reply).toContain('konkret förslag');
    expect(await inspel(`Fler lunchställen i centrum, ${SECRETS}`)).toMatch(/skicka ditt inspel/);

    // Every collection of the store, read straight from the SQLite file.
    const db = new Database(join(t.dir, 'test.sqlite'), { readonly: true });
    const rows = db.prepare('SELECT collection, id, doc FROM documents UNION ALL SELECT collection, id, doc FROM focus_documents').all() as Array<{ collection: string; id: string; doc: string }>;
    db.close();
    const collections = new Set(rows.map((r) => r.collection));
    for (const name of ['transcripts', 'state', 'guideEvents', 'contactRequests', 'answers']) expect(collections, name).toContain(name);
    const found: string[] = [];
    for (const [kind, values] of Object.entries(RAW)) {
      for (const value of values) {
        for (const row of rows) if (row.doc.includes(value)) found.push(`${kind} "${value}" in ${row.collection}/${row.id}`);
      }
    }
    expect(found).toEqual([]);
    // the contact the user gave for the request is kept (apart from the question)
    expect(rows.some((r) => r.collection === 'contactRequests' && r.doc.includes('070-111 22 33'))).toBe(true);
  });
});
