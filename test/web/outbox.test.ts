import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/domain/ports';
import { createSqliteBackend } from '../../src/store/sqlite';
import { storeOver } from '../../src/store/repositories';
import type { Store } from '../../src/store/types';
import { startTestApp, type TestApp } from '../helpers/app';
import { Client, fromBot } from '../helpers/directLine';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The real SQLite store, whose feedback writes fail while `down` is set (a store that goes away). */
function flakyStore(file: string): { store: Store; state: { down: boolean } } {
  const real = storeOver(createSqliteBackend(file));
  const state = { down: false };
  const guard = <T>(work: () => Promise<T>): Promise<T> =>
    state.down ? Promise.reject(new StoreUnavailableError('Cosmos DB is unavailable (test: connection refused)')) : work();
  const feedback: Store['feedback'] = {
    create: (item, contact) => guard(() => real.feedback.create(item, contact)),
    get: (m, id) => guard(() => real.feedback.get(m, id)),
    getByReference: (m, r) => guard(() => real.feedback.getByReference(m, r)),
    list: (m, f) => guard(() => real.feedback.list(m, f)),
    update: (i) => guard(() => real.feedback.update(i)),
    addSupport: (m, id, k) => guard(() => real.feedback.addSupport(m, id, k)),
    forgetSupporter: (m, id, k) => guard(() => real.feedback.forgetSupporter(m, id, k)),
    supportedBy: (m, k) => guard(() => real.feedback.supportedBy(m, k)),
    getContact: (m, id) => guard(() => real.feedback.getContact(m, id)),
    deleteContact: (m, id) => guard(() => real.feedback.deleteContact(m, id)),
    openSimilarCandidates: (m, terms, n) => guard(() => real.feedback.openSimilarCandidates(m, terms, n)),
    inbox: (m, f, p) => guard(() => real.feedback.inbox(m, f, p)),
    publicRequests: (m, f, p) => guard(() => real.feedback.publicRequests(m, f, p)),
    retagged: (m) => guard(() => real.feedback.retagged(m)),
    forTeamDigest: (m, team, since) => guard(() => real.feedback.forTeamDigest(m, team, since)),
    withOutcomeSince: (m, since) => guard(() => real.feedback.withOutcomeSince(m, since)),
    reachableSubmitters: (m) => guard(() => real.feedback.reachableSubmitters(m)),
    contactsClosedBefore: (m, before) => guard(() => real.feedback.contactsClosedBefore(m, before)),
    reindex: (m, p) => guard(() => real.feedback.reindex(m, p)),
    followUpCounts: (m, p) => guard(() => real.feedback.followUpCounts(m, p)),
    awaitingBetween: (m, k, f, b) => guard(() => real.feedback.awaitingBetween(m, k, f, b)),
    themeExamples: (m, a, th, n) => guard(() => real.feedback.themeExamples(m, a, th, n)),
    teamCard: (m, id) => guard(() => real.feedback.teamCard(m, id)),
    saveTeamCard: (m, id, card) => guard(() => real.feedback.saveTeamCard(m, id, card)),
  };
  return { store: { ...real, feedback }, state };
}

describe('a store that goes down mid-conversation', () => {
  let t: TestApp;
  let store: Store;
  let state: { down: boolean };
  const dir = mkdtempSync(join(tmpdir(), 'fl-flaky-'));
  beforeAll(async () => {
    ({ store, state } = flakyStore(join(dir, 'flaky.sqlite')));
    t = await startTestApp({}, { store });
  });
  afterAll(async () => {
    await t.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('tells the user, keeps the suggestion in the outbox, writes it when the store is back and sends the receipt then', async () => {
    const client = await Client.open(t.url);
    await client.start();
    await client.waitFor((a) => fromBot(a));
    const say = async (text: string, expectReply: RegExp) => {
      expect((await client.post({ type: 'message', text })).status).toBe(200);
      return client.waitFor((a) => fromBot(a) && expectReply.test(JSON.stringify(a)));
    };
    await say('Jag vill lämna ett förslag: bättre skyltning till industriområdet Östnor från riksväg 45', /Förslag/);
    await say('Förslag', /Jag tolkar det som/);
    await say('Ja, det stämmer', /plats/);
    await say('Hoppa över', /allmän handling/);
    state.down = true;
    await say('Nej, jag vill vara anonym', /registreras så snart lagringen är tillbaka/);
    const outboxDir = join(t.dir, 'outbox');
    expect(readdirSync(outboxDir).filter((f) => f.endsWith('.json'))).toHaveLength(1);

    // Still down: nothing is lost, nothing is written.
    await t.app.flushOutbox();
    expect(readdirSync(outboxDir).filter((f) => f.endsWith('.json'))).toHaveLength(1);

    state.down = false;
    await t.app.flushOutbox();
    const receipt = await client.waitFor((a) => fromBot(a) && /nu registrerat med referensnummer MORA-20\d\d-\d{6}/.test(a.text ?? ''));
    const reference = /MORA-20\d\d-\d{6}/.exec(receipt.text ?? '')?.[0] ?? '';
    const item = await store.feedback.getByReference('mora', reference);
    expect(item?.text).toContain('skyltning');
    expect(readdirSync(outboxDir).filter((f) => f.endsWith('.json'))).toHaveLength(0);
    // A second flush changes nothing (no double item).
    await t.app.flushOutbox();
    expect((await store.feedback.list('mora')).filter((i) => i.text.includes('skyltning'))).toHaveLength(1);
    client.close();
  });
});
