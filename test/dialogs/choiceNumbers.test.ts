import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Recognizers from '@microsoft/recognizers-text-number';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DialogStateManager } from 'botbuilder-dialogs';
import { createApp, type AppContext } from '../../src/app';
import { loadConfig } from '../../src/config';
import { choiceNumber } from '../../src/domain/text/choiceNumber';
import { MAX_PATHS, keptPathCount, rememberDialogPaths } from '../../src/bot/dialogPaths';
import { testData } from '../helpers/app';
import { Conversation, choices, readable } from '../helpers/conversation';

describe('choiceNumber: the button a message names by its position', () => {
  it.each([
    ['2', 2],
    ['nr 2', 2],
    ['alternativ 3', 3],
    ['2:a', 2],
    ['den andra', 2],
    ['Den tredje!', 3],
    ['jag tar tvåan', 2],
    ['jag väljer den fjärde', 4],
    ['forsta', 1],
    ['the second one', 2],
    ['option 2', 2],
    ['2nd', 2],
    ['one', 1],
    ["I'll take the third", 3],
  ])('%s → %i', (text, position) => {
    expect(choiceNumber(text)).toBe(position);
  });

  it.each(['vi är 3 anställda', 'ring 070-123 45 67', 'ja', 'nej tack', '', 'det andra förslaget om parkering var bättre', '2 och 3', 'year 2020 was better for us'])(
    '%s names no button',
    (text) => {
      expect(choiceNumber(text)).toBeUndefined();
    },
  );
});

describe('prompts read a position without botbuilder’s number recognizers', () => {
  let app: AppContext;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fl-choice-'));
    app = await createApp(loadConfig({ LOG_LEVEL: 'silent', SQLITE_PATH: join(dir, 'bot.sqlite'), OUTBOX_DIR: join(dir, 'outbox') }), { data: testData() });
  });
  afterAll(async () => {
    await app.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('"den tredje" at the kind question is the third kind; "vi är 3 anställda" is no kind; the recognizers never run', async () => {
    const number = vi.spyOn(Recognizers, 'recognizeNumber');
    const ordinal = vi.spyOn(Recognizers, 'recognizeOrdinal');
    try {
      const chat = new Conversation(app, { userId: 'u-choice-number' });
      let replies = await chat.say('Jag har ett förslag: fler laddstolpar för elbilar vid resecentrum i Mora');
      if (!choices(replies).includes('Klagomål')) replies = await chat.say('Nej, skicka mitt eget');
      expect(choices(replies)).toEqual(['Förslag', 'Synpunkt', 'Klagomål', 'Beröm']);
      replies = await chat.say('vi är 3 anställda');
      expect(readable(replies)).not.toMatch(/Jag tolkar det som/);
      replies = await chat.say('den tredje');
      expect(readable(replies)).toMatch(/Jag tolkar det som|fokusområde/i);
      replies = await chat.say('Ja, det stämmer');
      replies = await chat.say('Hoppa över');
      replies = await chat.say('Nej, jag vill vara anonym');
      expect(readable(replies)).toMatch(/MORA-20\d\d-\d{6}/);
      const items = (await app.store.feedback.list('mora')).filter((item) => item.text.includes('laddstolpar'));
      expect(items.map((item) => item.kind)).toEqual(['complaint']);
      expect(number).not.toHaveBeenCalled();
      expect(ordinal).not.toHaveBeenCalled();
    } finally {
      number.mockRestore();
      ordinal.mockRestore();
    }
  });
});

describe('dialog memory paths', () => {
  it('parse to the same segments as botbuilder parses them, each caller getting its own copy, at most MAX_PATHS kept', () => {
    const manager = Object.create(DialogStateManager.prototype) as DialogStateManager;
    const expected = [['turn', 'activity'], ['dialog', '_tracker', 'paths'], ['user', 'profile', 'address', '0'], ['a', 'b']];
    rememberDialogPaths();
    const again = ['turn.activity', 'dialog._tracker.paths', 'user.profile.address.0', 'a.b'].map((path) => manager.parsePath(path));
    expect(again).toEqual(expected);
    again[0]?.push('changed');
    expect(manager.parsePath('turn.activity')).toEqual(['turn', 'activity']);
    // A path with brackets can read memory: parsed every time, never kept.
    const before = keptPathCount();
    expect(manager.parsePath("user['first name']")).toEqual(['user', 'first name']);
    expect(keptPathCount()).toBe(before);
    for (let i = 0; i < MAX_PATHS + 50; i += 1) expect(manager.parsePath(`scope.p${i}`)).toEqual(['scope', `p${i}`]);
    expect(keptPathCount()).toBe(MAX_PATHS);
  });
});
