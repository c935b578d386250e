import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActivityTypes } from 'botbuilder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type AppContext } from '../../src/app';
import { loadConfig } from '../../src/config';
import { testData } from '../helpers/app';
import { Conversation, buttons, readable } from '../helpers/conversation';

let app: AppContext;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fl-dialogs-'));
  app = await createApp(loadConfig({ LOG_LEVEL: 'silent', SQLITE_PATH: join(dir, 'bot.sqlite') }), { data: testData() });
});
afterAll(async () => {
  await app.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('guide dialogs (TestAdapter, real store)', () => {
  it('welcomes a new member with what the bot can do and buttons for the main jobs', async () => {
    const chat = new Conversation(app);
    const replies = await chat.send({
      type: ActivityTypes.ConversationUpdate,
      membersAdded: [{ id: 'user-1', name: 'Anna' }],
    });
    const text = readable(replies);
    expect(text).toContain('Mora');
    const actions = buttons(replies).map((b) => b.value.action);
    expect(actions).toEqual(expect.arrayContaining(['feedback', 'handoff', 'my-suggestions']));
  });

  it('answers a confident question with a process card, contact and "Hjälpte det här?"', async () => {
    const chat = new Conversation(app);
    const replies = await chat.say('Hur ansöker jag om serveringstillstånd för alkohol?');
    const text = readable(replies);
    expect(text).toMatch(/serveringstillstånd/i);
    expect(text).toContain('Hjälpte det här?');
    expect(text).toMatch(/Alkohollag/i);
    const helpful = buttons(replies).find((b) => b.value.action === 'helpful' && b.value.helpful === true);
    expect(helpful?.value.topic).toBe('alcohol');
    const events = await app.store.guideEvents.list('mora', { kind: 'answered' });
    expect(events.some((e) => e.topic === 'alcohol')).toBe(true);
  });

  it('understands text typed without å/ä/ö and answers a scenario as a checklist in order', async () => {
    const chat = new Conversation(app);
    const replies = await chat.say('vi ska oppna en pizzeria, vad behover vi gora?');
    const text = readable(replies);
    const scenario = testData().shared.scenarios.find((s) => s.id === 'open-restaurant');
    expect(scenario).toBeDefined();
    expect(text).toContain(scenario!.title.sv);
    const positions = scenario!.steps.map((step) => text.indexOf(step.what.sv));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it('asks back with the top three topics as buttons when unsure, and answers the one chosen', async () => {
    const candidates = ['tillstånd', 'ansökan', 'avgift', 'jag undrar över regler', 'kontroll', 'papper'];
    const ambiguous = candidates.find((text) => app.guide.interpret('mora', text).kind === 'clarify');
    expect(ambiguous, 'one of the vague questions should make the bot ask back').toBeDefined();
    const chat = new Conversation(app);
    const replies = await chat.say(ambiguous!);
    const options = buttons(replies).filter((b) => b.value.action === 'topic');
    expect(options.length).toBe(3);
    const chosen = options[0]!;
    const answer = await chat.say({ value: chosen.value, text: chosen.title });
    expect(readable(answer)).toContain('Hjälpte det här?');
  });

  it('says honestly when nothing fits, offers a person and stores the unanswered question', async () => {
    const chat = new Conversation(app);
    const replies = await chat.say('qwxz blorpf zzzk');
    expect(buttons(replies).some((b) => b.value.action === 'handoff')).toBe(true);
    const events = await app.store.guideEvents.list('mora', { kind: 'unrecognised' });
    expect(events.some((e) => e.text === 'qwxz blorpf zzzk')).toBe(true);
  });

  it('hands over to a person only with consent, and stores the contact request', async () => {
    const chat = new Conversation(app, { userId: 'handoff-user' });
    const consent = await chat.say('jag vill prata med en människa');
    expect(readable(consent)).toMatch(/sparas/);
    expect(readable(await chat.say('Ja, det går bra'))).toMatch(/Vad heter du/);
    expect(readable(await chat.say('Anna Andersson'))).toMatch(/företag/i);
    expect(readable(await chat.say('Annas Bageri AB'))).toMatch(/når vi dig/);
    expect(readable(await chat.say('imorgon kanske'))).toMatch(/telefonnummer eller en e-postadress/);
    expect(readable(await chat.say('070-123 45 67'))).toMatch(/hjälp med/);
    const done = readable(await chat.say('Vill boka lotsmöte om att öppna bageri, mitt personnummer är 19811228-9874'));
    expect(done).toMatch(/MORA-K-\d{4}-\d{6}/);
    const requests = await app.store.contactRequests.list('mora');
    const mine = requests.find((r) => r.submitter.userKey.endsWith(':handoff-user'));
    expect(mine).toMatchObject({ name: 'Anna Andersson', company: 'Annas Bageri AB', reach: '070-123 45 67' });
    expect(mine!.question).not.toContain('19811228-9874');
  });

  it('stores nothing when consent is declined', async () => {
    const before = (await app.store.contactRequests.list('mora')).length;
    const chat = new Conversation(app, { userId: 'declines' });
    await chat.say('kan jag få prata med en person');
    const reply = readable(await chat.say('Nej tack'));
    expect(reply).toContain('0250');
    expect((await app.store.contactRequests.list('mora')).length).toBe(before);
  });

  it('follows the language the user writes in', async () => {
    const chat = new Conversation(app);
    const english = readable(await chat.say('Where do I apply for a building permit?'));
    expect(english).toContain('Did this help?');
    const swedish = readable(await chat.say('Var söker jag bygglov?'));
    expect(swedish).toContain('Hjälpte det här?');
  });

  it('records "not helpful" and offers a person', async () => {
    const chat = new Conversation(app);
    const replies = await chat.say('hur registrerar jag min livsmedelsanläggning?');
    const no = buttons(replies).find((b) => b.value.action === 'helpful' && b.value.helpful === false);
    expect(no).toBeDefined();
    const after = await chat.say({ value: no!.value, text: no!.title });
    expect(buttons(after).some((b) => b.value.action === 'handoff')).toBe(true);
    const events = await app.store.guideEvents.list('mora', { kind: 'not-helpful' });
    expect(events.some((e) => e.topic === no!.value.topic)).toBe(true);
  });

  it('answers a crisis message with 112 and stores nothing of it', async () => {
    const chat = new Conversation(app);
    const replies = await chat.say('någon hotar att skjuta mig utanför butiken');
    expect(readable(replies)).toContain('112');
    const events = await app.store.guideEvents.list('mora');
    expect(events.some((e) => (e.text ?? '').includes('skjuta'))).toBe(false);
  });
});

describe('consent to a contact request (injected clock)', () => {
  let clocked: AppContext;
  let clockDir: string;
  let clock = new Date('2026-03-02T09:00:00.000Z');

  beforeAll(async () => {
    clockDir = mkdtempSync(join(tmpdir(), 'fl-consent-'));
    clocked = await createApp(loadConfig({ LOG_LEVEL: 'silent', SQLITE_PATH: join(clockDir, 'bot.sqlite') }), { data: testData(), now: () => clock });
  });
  afterAll(async () => {
    await clocked.stop();
    rmSync(clockDir, { recursive: true, force: true });
  });

  it('stores the time the user consented, not the time the request was saved', async () => {
    const chat = new Conversation(clocked, { userId: 'consent-time' });
    await chat.say('jag vill prata med en människa');
    expect(readable(await chat.say('Ja'))).toMatch(/Vad heter du/);
    clock = new Date('2026-03-02T09:04:00.000Z');
    await chat.say('Anna Andersson');
    await chat.say('Annas Bageri AB');
    await chat.say('070-123 45 67');
    expect(readable(await chat.say('Vill boka ett lotsmöte'))).toMatch(/MORA-K-/);
    const mine = (await clocked.store.contactRequests.list('mora')).find((r) => r.submitter.userKey.endsWith(':consent-time'));
    expect(mine).toMatchObject({ consentAt: '2026-03-02T09:00:00.000Z', createdAt: '2026-03-02T09:04:00.000Z' });
  });
});
