import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ask, messageActivity, startTestApp, visibleText, type TestApp } from '../helpers/app';
import { addStaff } from '../helpers/staff';
import { runStaffCommand } from '../../src/cli/staff';
import type { ContactRequest } from '../../src/domain/feedback/types';

const DAY = 86_400_000;

describe('contact requests (lotsmöte): who sees the contact details, and their erasure', () => {
  let t: TestApp;
  let viewer: string;
  let handler: string;
  const get = (path: string, token: string) => fetch(`${t.url}${path}`, { headers: { authorization: `Bearer ${token}` } });

  async function request(user: string, name: string, reach: string): Promise<{ reference: string; consent: string }> {
    let n = 0;
    const say = async (text: string) => {
      n += 1;
      const replies = await ask(t.url, messageActivity(text, { id: `${user}-${n}`, from: { id: user, name: user }, conversation: { id: `conv-${user}` } }));
      return visibleText(replies.activities);
    };
    const consent = await say('Jag vill boka ett lotsmöte');
    await say('Ja, det går bra');
    await say(name);
    await say('Bageriet AB');
    await say(reach);
    const done = await say('Vi vill öppna ett bageri med servering');
    return { reference: /MORA-K-\d{4}-\d+/.exec(done)?.[0] ?? '', consent };
  }

  const byReference = async (reference: string): Promise<ContactRequest> => {
    const found = (await t.app.store.contactRequests.list('mora')).find((r) => r.reference === reference);
    if (!found) throw new Error(`no request ${reference}`);
    return found;
  };

  beforeAll(async () => {
    t = await startTestApp();
    viewer = (await addStaff(t.app.store, { name: 'Vera Viewer', role: 'viewer' })).token;
    handler = (await addStaff(t.app.store, { name: 'Hans Handler', role: 'handler' })).token;
  });
  afterAll(async () => {
    await t.stop();
  });

  it('shows name, company and phone/e-mail to handlers but not to viewers', async () => {
    const { reference } = await request('cr-viewer', 'Karin Bagare', 'karin@bageriet.se');
    expect(reference).not.toBe('');
    const asViewer = (await (await get('/api/staff/requests?municipality=mora', viewer)).json()) as { requests: Array<Record<string, unknown>> };
    const seen = asViewer.requests.find((r) => r.reference === reference);
    expect(seen).toMatchObject({ reference, question: 'Vi vill öppna ett bageri med servering' });
    expect(JSON.stringify(asViewer)).not.toContain('Karin Bagare');
    expect(JSON.stringify(asViewer)).not.toContain('karin@bageriet.se');
    expect(seen).not.toHaveProperty('name');
    expect(seen).not.toHaveProperty('reach');
    const asHandler = (await (await get('/api/staff/requests?municipality=mora', handler)).json()) as { requests: Array<Record<string, unknown>> };
    expect(asHandler.requests.find((r) => r.reference === reference)).toMatchObject({ name: 'Karin Bagare', reach: 'karin@bageriet.se', company: 'Bageriet AB' });
  });

  it('erases the contact details of a request closed 800 days ago with `npm run staff -- retention`, with an audit entry', async () => {
    const old = await request('cr-old', 'Olle Gammal', '070-765 43 21');
    const recent = await request('cr-recent', 'Nina Ny', '070-111 22 99');
    for (const [reference, daysAgo] of [
      [old.reference, 800],
      [recent.reference, 10],
    ] as const) {
      const current = await byReference(reference);
      await t.app.store.contactRequests.update({ ...current, status: 'done', closedAt: new Date(Date.now() - daysAgo * DAY).toISOString() });
    }
    const lines: string[] = [];
    const code = await runStaffCommand(['retention', '--municipality', 'mora'], { SQLITE_PATH: join(t.dir, 'test.sqlite') }, (line) => lines.push(line));
    expect(code).toBe(0);
    expect(lines.join('\n')).toMatch(/1 contact request/);

    const erased = await byReference(old.reference);
    expect(JSON.stringify(erased)).not.toContain('Olle Gammal');
    expect(JSON.stringify(erased)).not.toContain('765 43 21');
    expect(erased.submitter).toEqual({ userKey: 'erased', language: 'sv' });
    expect(erased).toMatchObject({ name: '', reach: '', question: 'Vi vill öppna ett bageri med servering' });
    expect(erased.company).toBeUndefined();
    expect(erased.contactErasedAt).toBeDefined();
    expect(erased.history.at(-1)).toMatchObject({ by: 'retention', action: 'note', note: expect.stringMatching(/erased after 365 days/) });

    const kept = await byReference(recent.reference);
    expect(kept).toMatchObject({ name: 'Nina Ny', reach: '070-111 22 99' });
  });

  it('promises in the consent question what retention does', async () => {
    const { consent } = await request('cr-promise', 'Pia Löfte', 'pia@bageriet.se');
    expect(consent).toContain(`raderas ${t.app.data.packs.get('mora')?.staff.retentionDays ?? 'x'} dagar efter att ärendet avslutats`);
  });
});
