import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectCrisis } from '../../src/domain/guide/crisis';
import { startTestApp, testData, type TestApp } from '../helpers/app';
import { HttpChat, captureLogger, replyKinds, storedText } from '../helpers/httpChat';

/** [text, is it a crisis?] — Swedish with and without å/ä/ö, English; figurative wordings must not trigger. */
const ROWS: Array<[string, boolean]> = [
  // self-harm, sv
  ['jag vill inte leva längre', true],
  ['jag vill inte leva langre', true],
  ['Jag orkar inte leva mer', true],
  ['jag har tänkt på att ta livet av mig', true],
  ['har tankt pa att ta livet av mig', true],
  ['funderar på att avsluta mitt liv', true],
  ['jag ser ingen mening med livet', true],
  ['jag skär mig själv när det blir för mycket', true],
  ['vill bara dö', true],
  ['konkursen gör att jag vill ta mitt liv', true],
  ['jag kommer att hänga mig', true],
  ['ja tänker skada mej själv ikväll', true],
  ['självmordstankar varje dag', true],
  // self-harm, en
  ['I want to kill myself', true],
  ["I'm thinking about ending my life", true],
  ['i dont want to be alive anymore', true],
  ['sometimes I think I would be better off dead', true],
  ['I am going to hurt myself', true],
  ['planning to take my own life', true],
  // threats against staff or others, sv
  ['jag ska döda handläggaren om bygglovet inte går igenom', true],
  ['jag ska doda handlaggaren', true],
  ['Vi kommer att spränga kommunhuset', true],
  ['jag tänker skjuta personalen på miljökontoret', true],
  ['nästa gång tar jag med mig en kniv till kontoret', true],
  ['jag har med mig ett vapen till mötet', true],
  ['ni ska dö allihop på kommunen', true],
  ['jag ska sätta eld på stadshuset', true],
  ['jag ska slå ihjäl inspektören', true],
  ['han hotar att döda min personal', true],
  ['en kund hotade oss med kniv i butiken', true],
  ['det har varit ett bombhot mot restaurangen', true],
  ['vi blev rånade nyss', true],
  ['det brinner i köket nu!', true],
  ['min anställd har kollapsat och andas inte', true],
  // threats, weapons, emergencies, en
  ["I'll kill the clerk who rejected my permit", true],
  ['we will burn down the town hall', true],
  ["I'm bringing a gun to the meeting", true],
  ['a customer pulled a knife on my staff', true],
  ['there is a bomb in the shop', true],
  ['someone is breaking in right now', true],
  ['my colleague is unconscious', true],
  ['this is an emergency', true],
  // in the middle of a suggestion or contact text
  ['Förslag: fler parkeringar. Annars spränger jag kommunhuset, jag ska spränga kommunhuset', true],
  ['mitt företag går dåligt och jag vill inte leva längre, kan någon ringa mig', true],
  // must not trigger: figurative, ordinary business
  ['bygget tar livet av oss ekonomiskt', false],
  ['de höga hyrorna tar livet av handeln i centrum', false],
  ['det brinner i knutarna med bygglovet', false],
  ['kan vi skjuta upp mötet till nästa vecka?', false],
  ['jag vill skjuta på tillsynen en månad', false],
  ['vi säljer knivar och verktyg i butiken, behöver vi tillstånd?', false],
  ['hur gör jag en brandskyddsbeskrivning för restaurangen', false],
  ['vi behöver tillstånd för fyrverkeri på nyår', false],
  ['kommunens avgifter dödar småföretagen', false],
  ['jag vill starta en skjutbana för sportskytte', false],
  ['brandsyn för vårt hotell', false],
  ['vi vill ha fler vakter på torget på kvällarna', false],
  ['bättre belysning skulle göra att folk känner sig tryggare', false],
  ['that would be a killer feature for the app', false],
  ['this is a burning issue for local shops', false],
  ['can we shoot a film in the town square?', false],
  ['we sell hunting knives, do we need a permit?', false],
  ['the fees are killing small businesses', false],
  ['hej, jag har ett förslag', false],
  ['ska öppna café, vad behöver jag?', false],
  ['jag vill lämna ett klagomål på handläggaren', false],
  ['vi vill ha en skyddsrumsinventering', false],
  ['Någon har sprayat tags på vår lastbil', false],
  ['Någon har klottrat på vår fasad igen, vem ska sanera?', false],
  ['kan vi få ett möte med handläggaren och chefen?', false],
];

describe('crisis signals (data/shared/crisis.json)', () => {
  it('has a table of at least 60 rows', () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(60);
  });
  it.each(ROWS)('%s → crisis %s', (text, crisis) => {
    expect(detectCrisis(text, testData().shared.crisis) !== undefined).toBe(crisis);
  });
  it('answers the same text again from the last check only for the same signal list', () => {
    const shared = testData().shared.crisis;
    const text = 'vi ska bränna ner zxq9-ladan';
    expect(detectCrisis(text, { ...shared, signals: { sv: [], en: [] }, patterns: { sv: [], en: [] } })).toBeUndefined();
    expect(detectCrisis(text, { ...shared, signals: { sv: ['bränna ner zxq9'], en: [] } })).toBe('branna ner zxq9');
    expect(detectCrisis('ett annat meddelande', shared)).toBeUndefined();
  });
});

describe('a crisis text anywhere is answered with help lines and stored nowhere', () => {
  let t: TestApp;
  const captured = captureLogger();
  beforeAll(async () => {
    t = await startTestApp({}, { logger: captured.logger });
  });
  afterAll(async () => {
    await t.stop();
  });

  const nothingKept = async (secret: string, inLogs = true) => {
    expect(storedText(t.dir)).not.toContain(secret);
    // The logs run at debug level here, where ordinary user text is logged; a crisis text never is.
    if (inLogs) expect(captured.lines.join('\n')).not.toContain(secret);
    // Every collection of the store through the app, too: feedback, contact requests, guide events.
    for (const id of ['mora']) {
      expect(JSON.stringify(await t.app.store.feedback.list(id))).not.toContain(secret);
      expect(JSON.stringify(await t.app.store.contactRequests.list(id))).not.toContain(secret);
      expect(JSON.stringify(await t.app.store.guideEvents.list(id))).not.toContain(secret);
    }
  };

  it('as the suggestion text: help lines, the dialog is cleared, nothing stored, only a count', async () => {
    const chat = new HttpChat(t.url);
    expect(replyKinds(await chat.say('jag har ett förslag'))).toContain('suggestion-ask');
    const replies = await chat.say('fler parkeringar annars ska jag spränga kommunhuset zxq1');
    expect(replyKinds(replies)).toEqual(['crisis']);
    expect(replies[0]?.text).toContain('112');
    await nothingKept('zxq1');
    // The suggestion dialog is gone: the next message is a fresh start.
    expect(replyKinds(await chat.say('hej'))).toContain('capabilities');
    expect(storedText(t.dir)).toMatch(/counters: \{"pk":"mora","name":"crisis","value":\d+\}/);
  });

  it('at the kind prompt, at the handoff question and as a focus-group answer', async () => {
    const chat = new HttpChat(t.url);
    await chat.say('jag vill lämna ett förslag');
    await chat.say('det borde finnas fler laddstolpar vid resecentrum');
    expect(replyKinds(await chat.say('jag vill inte leva längre zxq2'))).toEqual(['crisis']);
    await nothingKept('zxq2');
    // The suggestion held in the dialog's state is dropped with it.
    await nothingKept('laddstolpar', false);

    const person = new HttpChat(t.url);
    expect(replyKinds(await person.say('kan jag få prata med någon på kommunen?'))).toContain('handoff');
    await person.say('ja');
    await person.say('Anna Berg');
    await person.say('Bergs Bageri');
    await person.say('070-111 22 33');
    expect(replyKinds(await person.say("I'm bringing a gun to the meeting zxq3"))).toEqual(['crisis']);
    await nothingKept('zxq3');
    expect(await t.app.store.contactRequests.list('mora')).toHaveLength(0);

    const session = await t.app.focusGroups.start({ municipality: 'mora', templateId: 'focus-group-bygglov', facilitator: { userKey: 'teams:f-1', name: 'Facilitator' } });
    const participant = new HttpChat(t.url);
    await participant.say(`delta ${session.code}`);
    await participant.say('ja');
    expect(replyKinds(await participant.say('jag ska döda handläggaren zxq4'))).toEqual(['crisis']);
    await nothingKept('zxq4');
  });

  it('Open311 POST answers 422 with help lines and stores nothing', async () => {
    const response = await fetch(`${t.url}/open311/v2/requests.json?jurisdiction_id=mora`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jurisdiction_id: 'mora', service_code: testData().packs.get('mora')?.focusAreas[0]?.id, description: 'jag ska skjuta personalen på kontoret zxq5' }),
    });
    expect(response.status).toBe(422);
    expect(await response.text()).toContain('112');
    await nothingKept('zxq5');
  });
});
