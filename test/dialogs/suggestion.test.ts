import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type AppContext } from '../../src/app';
import { loadConfig } from '../../src/config';
import { testData } from '../helpers/app';
import { Conversation, choices, readable } from '../helpers/conversation';

let app: AppContext;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fl-suggest-'));
  app = await createApp(
    loadConfig({ LOG_LEVEL: 'silent', SQLITE_PATH: join(dir, 'bot.sqlite'), OUTBOX_DIR: join(dir, 'outbox') }),
    { data: testData() },
  );
});
afterAll(async () => {
  await app.stop();
  rmSync(dir, { recursive: true, force: true });
});

const REFERENCE = /MORA-20\d\d-\d{6}/;

/** Walks the dialog from the kind question to the receipt with the given answers. */
async function finish(chat: Conversation, answers: { area?: string; place?: string; contact?: string }) {
  let replies = await chat.say('Förslag');
  expect(readable(replies)).toMatch(/Jag tolkar det som: /);
  if (!answers.area || answers.area === 'yes') {
    replies = await chat.say('Ja, det stämmer');
  } else {
    replies = await chat.say('Nej, välj ett annat');
    expect(choices(replies)).toContain(answers.area);
    replies = await chat.say(answers.area);
  }
  expect(readable(replies)).toMatch(/plats/);
  replies = await chat.say(answers.place ?? 'Hoppa över');
  expect(readable(replies)).toMatch(/allmän handling/);
  if (answers.contact) {
    replies = await chat.say('Ja, lämna kontaktuppgift');
    replies = await chat.say(answers.contact);
  } else {
    replies = await chat.say('Nej, jag vill vara anonym');
  }
  return replies;
}

describe('suggestion dialog ("Gör Mora bättre")', () => {
  it('starts from the button, asks for the suggestion, tags it, and gives a receipt for an anonymous suggestion', async () => {
    const chat = new Conversation(app, { userId: 'u-button' });
    let replies = await chat.say({ value: { action: 'feedback' } });
    expect(readable(replies)).toMatch(/Vad vill du föreslå/);
    replies = await chat.say('Vi behöver fler lärlingsplatser och en yrkesutbildning för svetsare och CNC-operatörer på gymnasiet');
    expect(choices(replies)).toEqual(['Förslag', 'Synpunkt', 'Klagomål', 'Beröm']);
    replies = await chat.say('Förslag');
    expect(readable(replies)).toContain('Jag tolkar det som: Kompetensförsörjning');
    replies = await chat.say('Ja, det stämmer');
    replies = await chat.say('Hoppa över');
    replies = await chat.say('Nej, jag vill vara anonym');
    const receipt = readable(replies);
    expect(receipt).toMatch(REFERENCE);
    expect(receipt).toContain('Kompetensförsörjning');
    const reference = REFERENCE.exec(receipt)?.[0] ?? '';
    const item = await app.store.feedback.getByReference('mora', reference);
    expect(item).toMatchObject({ kind: 'suggestion', focusArea: 'mora.competence', hasContact: false, status: 'new', language: 'sv' });
    expect(item?.submitter.userKey).toBe('test:u-button');
  });

  it('takes a bare suggestion as the suggestion itself, without asking for it again', async () => {
    const chat = new Conversation(app, { userId: 'u-bare' });
    const replies = await chat.say('Jag har ett förslag: kommunen borde ordna fler företagarluncher och nätverksträffar för oss småföretagare');
    expect(readable(replies)).not.toMatch(/Vad vill du föreslå/);
    expect(choices(replies)).toContain('Förslag');
    const receipt = readable(await finish(chat, {}));
    const item = await app.store.feedback.getByReference('mora', REFERENCE.exec(receipt)?.[0] ?? '');
    expect(item?.text).toContain('företagarluncher');
    expect(item?.focusArea).toBe('mora.networks-development');
  });

  it('hands a suggestion written straight away (no "förslag" prefix) to the suggestion dialog', async () => {
    const chat = new Conversation(app, { userId: 'u-direct' });
    const replies = await chat.say('Det tar alldeles för lång tid att få svar från kommunen på bygglovsansökningar, ni borde bli snabbare');
    expect(choices(replies)).toContain('Klagomål');
  });

  it('lets the user choose another focus area; the tagger\'s guess becomes the secondary area', async () => {
    const chat = new Conversation(app, { userId: 'u-retag' });
    await chat.say({ value: { action: 'feedback' } });
    await chat.say('Vuxenutbildningen borde starta en kurs för truckförare och lagerarbetare');
    const receipt = readable(await finish(chat, { area: 'Infrastruktur & fysisk planering' }));
    const item = await app.store.feedback.getByReference('mora', REFERENCE.exec(receipt)?.[0] ?? '');
    expect(item).toMatchObject({ focusArea: 'mora.infrastructure-planning', secondaryArea: 'mora.competence', focusConfidence: 1 });
    expect(receipt).toContain('Infrastruktur & fysisk planering');
  });

  it('stores contact details apart from the suggestion, and masks personal data in the text (and says so)', async () => {
    const chat = new Conversation(app, { userId: 'u-contact' });
    await chat.say({ value: { action: 'feedback' } });
    const replies = await chat.say('Min handläggare sa fel om bygglovet, ring mig på 070-123 45 67, mitt personnummer är 811218-9876');
    const said = readable(replies);
    expect(said).toMatch(/dolt/);
    expect(said).toMatch(/personnummer/);
    expect(said).toMatch(/telefonnummer/);
    const receipt = readable(await finish(chat, { contact: 'anna@foretaget.se' }));
    const item = await app.store.feedback.getByReference('mora', REFERENCE.exec(receipt)?.[0] ?? '');
    expect(item?.text).not.toContain('811218');
    expect(item?.text).not.toContain('070-123');
    expect(item?.text).toContain('[personnummer]');
    // the dialog keeps only the masked text in its state; the item still records what was masked
    expect(item?.masked).toEqual(expect.arrayContaining([{ kind: 'phone', count: 1 }, { kind: 'personal-identity-number', count: 1 }]));
    expect(item?.hasContact).toBe(true);
    expect(JSON.stringify(item)).not.toContain('anna@foretaget.se');
    expect(await app.store.feedback.getContact('mora', item?.id ?? '')).toEqual({ email: 'anna@foretaget.se' });
    expect(item?.serviceFactor).toBe('competence');
  });

  it('finds a similar suggestion and lets another user support it instead', async () => {
    const first = new Conversation(app, { userId: 'u-first' });
    await first.say({ value: { action: 'feedback' } });
    await first.say('Snöröjningen på industriområdet i Östnor är alldeles för dålig på vintern');
    const receipt = readable(await finish(first, {}));
    const reference = REFERENCE.exec(receipt)?.[0] ?? '';

    const second = new Conversation(app, { userId: 'u-second' });
    await second.say({ value: { action: 'feedback' } });
    let replies = await second.say('Dålig snöröjning på industriområdet i Östnor hela vintern');
    expect(readable(replies)).toMatch(/liknande förslag/);
    expect(choices(replies)).toContain(`Stöd ${reference}`);
    expect(choices(replies)).toContain('Skicka mitt eget');
    replies = await second.say(`Stöd ${reference}`);
    expect(readable(replies)).toContain(`Ditt stöd är registrerat för ${reference}, som nu har 1 stöd`);
    expect((await app.store.feedback.getByReference('mora', reference))?.supports).toBe(1);
  });

  it('lists "mina förslag" with status, only the user\'s own', async () => {
    const chat = new Conversation(app, { userId: 'u-mine' });
    expect(readable(await chat.say('mina förslag'))).toMatch(/inte lämnat några förslag/);
    await chat.say({ value: { action: 'feedback' } });
    await chat.say('Bredbandet i byarna runt Mora behöver byggas ut för att företag ska kunna verka där');
    const receipt = readable(await finish(chat, {}));
    const reference = REFERENCE.exec(receipt)?.[0] ?? '';
    const listed = readable(await chat.say('mina förslag'));
    expect(listed).toContain(reference);
    expect(listed).toContain('Nytt');
    expect(listed).not.toMatch(/lärlingsplatser/);
  });

  it('handles a channel delivering the final activity twice: one item, one receipt', async () => {
    const chat = new Conversation(app, { userId: 'u-dup' });
    await chat.say({ value: { action: 'feedback' } });
    // One clear focus area (planning), so the dialog asks to confirm it rather than to choose between two.
    await chat.say('Vägen in till handelsområdet Noret behöver breddas, lastbilarna kommer inte fram');
    await chat.say('Förslag');
    await chat.say('Ja, det stämmer');
    await chat.say('Hoppa över');
    const before = (await app.store.feedback.list('mora', { submitterKey: 'test:u-dup' })).length;
    const final = { type: 'message', id: 'final-activity', text: 'Nej, jag vill vara anonym' } as const;
    const firstTime = await chat.send(final);
    const secondTime = await chat.send(final);
    expect(readable(firstTime)).toMatch(REFERENCE);
    expect(secondTime).toEqual([]);
    expect((await app.store.feedback.list('mora', { submitterKey: 'test:u-dup' })).length).toBe(before + 1);
  });

  it('answers in English when the user writes English', async () => {
    const chat = new Conversation(app, { userId: 'u-en' });
    const replies = await chat.say('I have a suggestion: the municipality should organise more networking breakfasts for small businesses');
    expect(choices(replies)).toEqual(['Suggestion', 'Opinion', 'Complaint', 'Praise']);
  });
});
