import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActivityTypes, type Activity } from 'botbuilder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveActor, type ActorDirectory, type ActorIdentity, type ActorScope } from '../../src/domain/staff/actor';
import { createSqliteBackend } from '../../src/store/sqlite';
import { storeOver } from '../../src/store/repositories';
import type { Store } from '../../src/store/types';
import { startTestApp, type TestApp } from '../helpers/app';
import { Conversation } from '../helpers/conversation';
import { addStaff } from '../helpers/staff';

const TEAM = '19:team-naringsliv@thread.tacv2';
const act: ActorScope = { municipality: 'mora', need: 'act' };
const see: ActorScope = { municipality: 'mora', need: 'see' };

describe('resolveActor: one rule for who may act as staff', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fl-actor-'));
  let store: Store;
  let directory: ActorDirectory;
  const tokens: Record<string, string> = {};
  beforeAll(async () => {
    store = storeOver(createSqliteBackend(join(dir, 'actor.sqlite')));
    tokens.handler = (await addStaff(store, { name: 'Sara', aadObjectId: 'aad-sara' })).token;
    tokens.viewer = (await addStaff(store, { name: 'Vera', role: 'viewer', aadObjectId: 'aad-vera' })).token;
    tokens.borlange = (await addStaff(store, { name: 'Bo', municipalities: ['borlange'], aadObjectId: 'aad-bo' })).token;
    const { member, token } = await addStaff(store, { name: 'Dan', aadObjectId: 'aad-dan' });
    tokens.disabled = token;
    await store.staff.put({ ...member, disabled: true });
    await store.channels.put({ municipality: 'mora', team: 'naringslivskontoret', address: { channelId: 'msteams', teamId: TEAM }, registeredBy: 'x', registeredAt: new Date().toISOString() });
    directory = { staff: store.staff, channels: store.channels, trustTeamMembers: true, now: () => new Date('2026-03-01T08:00:00Z') };
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const entra = (aadObjectId: string | undefined, teamId?: string): ActorIdentity => ({ kind: 'entra', aadObjectId, name: 'Kollega', teamId });
  /** A token by the member it was made for (looked up when the case runs), or as written. */
  const token = (name: string | undefined): ActorIdentity => ({ kind: 'token', token: name });
  const withToken = (identity: ActorIdentity): ActorIdentity =>
    identity.kind === 'token' && identity.token !== undefined ? { kind: 'token', token: tokens[identity.token] ?? identity.token } : identity;
  const cases: Array<[string, ActorIdentity, ActorScope | undefined, string]> = [
    ['a handler by Entra id acts', entra('aad-sara'), act, 'ok:Sara'],
    ['the same handler by token acts', token('handler'), act, 'ok:Sara'],
    ['a token without a municipality only identifies', token('handler'), undefined, 'ok:Sara'],
    ['an unproven Entra id is nobody', entra(undefined, TEAM), act, 'unidentified'],
    ['no token is nobody', token(undefined), act, 'unidentified'],
    ['an unknown token', token('fls_nonsense'), act, 'unknown'],
    ['an unknown Entra id outside a team', entra('aad-stranger'), act, 'unknown'],
    ['a viewer sees', entra('aad-vera'), see, 'ok:Vera'],
    ['a viewer does not act', token('viewer'), act, 'read-only'],
    ['another municipality’s handler', entra('aad-bo'), act, 'no-access'],
    ['a disabled member, by id', entra('aad-dan'), act, 'disabled'],
    ['a disabled member, by token, even without a municipality', token('disabled'), undefined, 'disabled'],
    ['a member of the registered team acts as a handler there', entra('aad-colleague', TEAM), act, 'ok:Kollega'],
    ['a member of another team', entra('aad-colleague', '19:other@thread.tacv2'), act, 'unknown'],
    ['a team member in another municipality', entra('aad-colleague', TEAM), { municipality: 'borlange', need: 'act' }, 'unknown'],
  ];
  it.each(cases)('%s', async (_name, identity, scope, expected) => {
    const result = await resolveActor(directory, withToken(identity), scope);
    expect(result.ok ? `ok:${result.member.name}` : result.reason).toBe(expected);
  });

  it('trusts team members only with STAFF_TEAM_MEMBERS on; a trusted one is a handler of that municipality only', async () => {
    expect(await resolveActor({ ...directory, trustTeamMembers: false }, entra('aad-colleague', TEAM), act)).toEqual({ ok: false, reason: 'unknown' });
    const trusted = await resolveActor(directory, entra('aad-colleague', TEAM), act);
    expect(trusted.ok && trusted.member).toMatchObject({ id: 'teams:aad-colleague', role: 'handler', municipalities: ['mora'], createdAt: '2026-03-01T08:00:00.000Z' });
  });
});

/**
 * Both bot surfaces ask the same rule: for each caller, a Teams card action (403, or 404 for an item
 * that does not exist, which is only looked up for an allowed caller) and a focus-group command
 * (refused, or the list of templates) agree.
 */
describe('the Teams cards and the focus-group commands let the same people act', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    await addStaff(t.app.store, { name: 'Sara', aadObjectId: 'aad-sara' });
    await addStaff(t.app.store, { name: 'Vera', role: 'viewer', aadObjectId: 'aad-vera' });
    await addStaff(t.app.store, { name: 'Bo', municipalities: ['borlange'], aadObjectId: 'aad-bo' });
    // Sara registers the team's channel: its members are trusted (STAFF_TEAM_MEMBERS is on by default).
    const registrar = new Conversation(t.app, { channelId: 'msteams', conversationId: '19:naringsliv@thread.tacv2' });
    await registrar.send({ type: 'message', text: 'registrera kanal naringslivskontoret', from: sender('aad-sara'), channelData: { team: { id: TEAM } } });
    expect(await t.app.store.channels.get('mora', 'naringslivskontoret')).toBeDefined();
  });
  afterAll(async () => {
    await t.stop();
  });

  function sender(aadObjectId: string): Activity['from'] {
    return { id: `29:${aadObjectId}`, name: 'Kollega', aadObjectId };
  }

  const surfaces = async (aadObjectId: string, teamId: string | undefined) => {
    const channelData = teamId ? { team: { id: teamId } } : {};
    const chat = new Conversation(t.app, { channelId: 'msteams', conversationId: `19:${aadObjectId}-${Math.random().toString(36).slice(2)}@thread.tacv2` });
    const invoke = await chat.send({
      type: ActivityTypes.Invoke,
      name: 'adaptiveCard/action',
      from: sender(aadObjectId),
      channelData,
      value: { action: { type: 'Action.Execute', verb: 'triage', data: { municipality: 'mora', itemId: 'no-such-item', action: 'take' } } },
    });
    const body = (invoke.find((a) => a.type === 'invokeResponse')?.value as { body: { statusCode: number } }).body;
    const command = await chat.send({ type: 'message', text: 'starta fokusgrupp', from: sender(aadObjectId), channelData });
    const refused = command.some((a) => a.text === t.app.texts.t('sv', 'focus.facilitator.notAllowed'));
    const listed = command.some((a) => (a.text ?? '').startsWith('Skriv "starta fokusgrupp <mall>"'));
    return { card: body.statusCode, focusGroup: refused ? 'refused' : listed ? 'allowed' : 'neither' };
  };

  const cases: Array<[string, string, string | undefined, boolean]> = [
    ['a handler', 'aad-sara', undefined, true],
    ['a member of the registered team', 'aad-colleague', TEAM, true],
    ['a member of another team', 'aad-colleague', '19:other@thread.tacv2', false],
    ['a viewer', 'aad-vera', undefined, false],
    ['another municipality’s handler', 'aad-bo', undefined, false],
    ['a stranger', 'aad-stranger', undefined, false],
  ];
  it.each(cases)('%s', async (_name, aadObjectId, teamId, allowed) => {
    const seen = await surfaces(aadObjectId, teamId);
    expect(seen).toEqual(allowed ? { card: 404, focusGroup: 'allowed' } : { card: 403, focusGroup: 'refused' });
  });
});
