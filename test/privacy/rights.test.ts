import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app';
import { Client, cardText, fromBot, type Activity } from '../helpers/directLine';
import { addStaff } from '../helpers/staff';

type Reply = Activity & { channelData?: { replyKind?: string } };
const replyKind = (a: Activity) => (a as Reply).channelData?.replyKind;

/** A web chat user: each message waits for the bot's next reply that matches. */
function chat(client: Client) {
  return async (text: string, expected: RegExp | ((a: Activity) => boolean)): Promise<Activity> => {
    const seen = client.received.length;
    const posted = await client.post({ type: 'message', text });
    expect(posted.status).toBe(200);
    const test = typeof expected === 'function' ? expected : (a: Activity) => expected.test(cardText(a));
    return client.waitFor((a) => client.received.indexOf(a) >= seen && fromBot(a) && a.type === 'message' && test(a));
  };
}

const SUGGESTION = 'Vi behöver fler laddstolpar för elbilar vid resecentrum i Mora';

describe("a submitter's rights: extract and erasure (GDPR art. 15 and 17)", () => {
  let t: TestApp;
  let admin: string;
  let handler: string;
  const rows = () => {
    const db = new Database(join(t.dir, 'test.sqlite'), { readonly: true });
    const all = db.prepare('SELECT collection, pk, id, doc FROM documents UNION ALL SELECT collection, pk, id, doc FROM focus_documents').all() as Array<{ collection: string; pk: string; id: string; doc: string }>;
    db.close();
    return all;
  };

  beforeAll(async () => {
    t = await startTestApp();
    admin = (await addStaff(t.app.store, { name: 'Ada Admin', role: 'admin' })).token;
    handler = (await addStaff(t.app.store, { name: 'Hans Handler', role: 'handler' })).token;
  });
  afterAll(async () => {
    await t.stop();
  });

  /** A web chat user who leaves a suggestion with an e-mail address and books a lotsmöte. */
  async function submitter(email: string, text = SUGGESTION): Promise<{ client: Client; say: ReturnType<typeof chat>; suggestion: string; request: string }> {
    const client = await Client.open(t.url);
    await client.start();
    await client.waitFor((a) => fromBot(a) && a.type === 'message');
    const say = chat(client);
    await say(`Jag har ett förslag: ${text}`, /slags inspel/);
    await say('Förslag', /Jag tolkar det som/);
    await say('Ja, det stämmer', /plats/);
    await say('Hoppa över', /allmän handling/);
    await say('Ja, lämna kontaktuppgift', /e-postadress eller telefonnummer/i);
    const receipt = await say(email, /referensnummer/);
    const suggestion = /MORA-\d{4}-\d{6}/.exec(cardText(receipt))?.[0] ?? '';
    await say('Jag vill boka ett lotsmöte', /Går det bra/);
    await say('Ja, det går bra', /Vad heter du/);
    await say('Eva Elbil', /företag/);
    await say('Laddbolaget AB', /når vi dig/);
    await say('070-555 66 77', /hjälp med/);
    const done = await say('Vi vill sätta upp laddstolpar', /MORA-K-/);
    const request = /MORA-K-\d{4}-\d{6}/.exec(cardText(done))?.[0] ?? '';
    expect(suggestion).not.toBe('');
    expect(request).not.toBe('');
    return { client, say, suggestion, request };
  }

  it('in the chat: "vilka uppgifter har ni om mig?" gives an extract, "radera mina uppgifter" asks, then erases', async () => {
    const { client, say, suggestion, request } = await submitter('eva@laddbolaget.se');
    const supported = await t.app.store.feedback.getByReference('mora', suggestion);
    // another user's suggestion that this user supported
    const other = await t.app.feedback.submit({
      municipality: 'mora', text: 'Bättre skyltning till industriområdet i Östnor', kind: 'suggestion', language: 'sv',
      focusArea: supported!.focusArea, tag: { focusArea: supported!.focusArea, confidence: 1, ranked: [], decidingWords: [], close: false, themes: [] },
      user: { channelId: 'webchat-local', userId: 'someone-else' }, sourceKey: 'rights-other',
    });
    if (other.status !== 'stored') throw new Error('not stored');
    await t.app.feedback.support('mora', other.item.id, { channelId: 'webchat-local', userId: client.session.userId });

    const info = await say('Vilka uppgifter har ni om mig?', (a) => replyKind(a) === 'privacy-info');
    const extract = cardText(info);
    expect(extract).toContain(suggestion);
    expect(extract).toContain(request);
    expect(extract).toContain(other.item.reference);
    expect(extract).toMatch(/e-postadress/);
    expect(extract).toMatch(/allmän handling/);
    expect(extract).not.toContain('eva@laddbolaget.se'); // named, not shown: the reply itself is kept in the transcript

    const confirm = await say('radera mina uppgifter', (a) => replyKind(a) === 'privacy-confirm');
    expect(cardText(confirm)).toMatch(/Ja, radera/);
    const erased = await say('Ja, radera', (a) => replyKind(a) === 'privacy-erased');
    expect(cardText(erased)).toMatch(/1 förslag finns kvar som allmän handling/);
    client.close();

    const item = await t.app.store.feedback.getByReference('mora', suggestion);
    expect(item).toMatchObject({ text: SUGGESTION, hasContact: false, submitter: { userKey: 'erased' } });
    expect(item?.history.at(-1)).toMatchObject({ by: 'submitter', action: 'note', note: expect.stringMatching(/GDPR art\. 17/) });
    expect(await t.app.store.feedback.getContact('mora', item!.id)).toBeUndefined();
    const requestAfter = (await t.app.store.contactRequests.list('mora')).find((r) => r.reference === request);
    expect(requestAfter).toMatchObject({ name: '', reach: '', question: 'Vi vill sätta upp laddstolpar' });
    expect(requestAfter?.history.at(-1)?.note).toMatch(/GDPR art\. 17/);
    expect((await t.app.store.feedback.get('mora', other.item.id))?.supports).toBe(1);

    const stored = rows();
    const raw = ['eva@laddbolaget.se', 'Eva Elbil', '555 66 77', 'Laddbolaget'];
    expect(stored.filter((r) => raw.some((v) => r.doc.includes(v))).map((r) => `${r.collection}/${r.id}`)).toEqual([]);
    // the transcript and state of the conversation hold nothing from before the erasure
    const conversation = stored.filter((r) => (r.collection === 'transcripts' || r.collection === 'state') && (r.pk === client.session.conversationId || r.doc.includes(client.session.conversationId)));
    expect(conversation.length).toBeGreaterThan(0); // what the erasure turn itself wrote
    expect(conversation.filter((r) => r.doc.includes('laddstolpar') || r.doc.includes('lotsmöte'))).toEqual([]);
    // and the suggestion stays, as the public record
    expect(stored.some((r) => r.collection === 'feedback' && r.doc.includes(SUGGESTION))).toBe(true);
  });

  it('a "nej" erases nothing', async () => {
    const { say, suggestion } = await submitter('nils@laddbolaget.se', 'Kommunen borde ordna en mässa för nya företagare varje höst');
    await say('radera mina uppgifter', (a) => replyKind(a) === 'privacy-confirm');
    await say('Nej, avbryt', /Inget har raderats/);
    expect(await t.app.store.feedback.getByReference('mora', suggestion)).toMatchObject({ hasContact: true });
  });

  it('on the staff API: admins get an extract by reference and erase; others may not', async () => {
    const { client, suggestion, request } = await submitter('stina@laddbolaget.se', 'Det behövs en gemensam lokal för hantverkare och konstnärer i centrum');
    client.close();
    const call = (method: string, path: string, token: string) => fetch(`${t.url}${path}`, { method, headers: { authorization: `Bearer ${token}` } });

    expect((await call('GET', `/api/staff/privacy/mora/${suggestion}`, handler)).status).toBe(403);
    expect((await call('POST', `/api/staff/privacy/mora/${suggestion}/erase`, handler)).status).toBe(403);
    expect((await call('GET', '/api/staff/privacy/mora/MORA-2000-999999', admin)).status).toBe(404);

    const response = await call('GET', `/api/staff/privacy/mora/${request}`, admin);
    expect(response.status).toBe(200);
    const extract = (await response.json()) as { suggestions: Array<{ reference: string; contact?: { email?: string } }>; contactRequests: Array<{ reference: string; reach: string }>; transcripts: Array<{ activities: number }> };
    expect(extract.suggestions).toEqual([expect.objectContaining({ reference: suggestion, contact: { email: 'stina@laddbolaget.se' } })]);
    expect(extract.contactRequests).toEqual([expect.objectContaining({ reference: request, reach: '070-555 66 77' })]);
    expect(extract.transcripts[0]?.activities).toBeGreaterThan(10);

    const erase = await call('POST', `/api/staff/privacy/mora/${suggestion}/erase`, admin);
    expect(erase.status).toBe(200);
    expect(((await erase.json()) as { erased: Record<string, number> }).erased).toMatchObject({ suggestions: 1, contactDetails: 1, contactRequests: 1, transcripts: 1 });
    const item = await t.app.store.feedback.getByReference('mora', suggestion);
    expect(item?.history.at(-1)?.by).not.toBe('submitter');
    expect(JSON.stringify(rows())).not.toContain('stina@laddbolaget.se');
    expect((await call('GET', `/api/staff/privacy/mora/${suggestion}`, admin)).status).toBe(404);

    const spec = (await (await fetch(`${t.url}/api/staff/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/api/staff/privacy/{municipality}/{reference}', '/api/staff/privacy/{municipality}/{reference}/erase']));
  });
});
