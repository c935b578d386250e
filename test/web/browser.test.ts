import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { chromiumAvailable, launchChromium, screenshotDir } from '../helpers/browser';
import { startTestApp, type TestApp } from '../helpers/app';

/**
 * Real Chromium (Debian's /usr/bin/chromium, driven by playwright-core) against the real server:
 * the page loads Web Chat, the user asks, the bot answers; a reload continues the conversation;
 * a message the bot sends later reaches the open page.
 */

describe.skipIf(!chromiumAvailable)('web chat in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  const shots = screenshotDir();
  beforeAll(async () => {
    t = await startTestApp();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('asks and gets an answer, continues after a reload, and shows a later message from staff', async () => {
    const context = await browser.newContext({ locale: 'sv-SE' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${t.url}/?municipality=mora`);
    await page.waitForSelector('[data-ready="true"]');
    const input = page.locator('input[data-id="webchat-sendbox-input"], textarea[data-id="webchat-sendbox-input"]');
    await input.waitFor();
    await page.getByText(/Företagslotsen/).first().waitFor();
    await input.fill('ska öppna pizzeria, vad behöver jag?');
    await input.press('Enter');
    await page.getByText(/din checklista/i).first().waitFor({ timeout: 15_000 });
    await page.screenshot({ path: join(shots, 'webchat-answer.png'), fullPage: true });

    const conversationId = await page.evaluate(() => (window as unknown as { foretagslotsen: { conversationId: string } }).foretagslotsen.conversationId);
    await page.reload();
    await page.waitForSelector('[data-ready="true"]');
    const resumed = await page.evaluate(() => (window as unknown as { foretagslotsen: { conversationId: string; resumed: boolean } }).foretagslotsen);
    expect(resumed).toEqual({ conversationId, resumed: true });
    await page.getByText('ska öppna pizzeria, vad behöver jag?').first().waitFor();

    await t.app.messenger.send(
      {
        channelId: 'webchat-local',
        serviceUrl: 'https://local.foretagslotsen.invalid/',
        conversation: { id: conversationId, isGroup: false, conversationType: 'personal', name: '' },
        bot: { id: 'foretagslotsen', name: 'Företagslotsen' },
      },
      { type: 'message', text: 'Svar från näringslivskontoret: vi ringer dig i morgon.' },
    );
    await page.getByText('Svar från näringslivskontoret: vi ringer dig i morgon.').first().waitFor({ timeout: 10_000 });
    await page.screenshot({ path: join(shots, 'webchat-proactive.png'), fullPage: true });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('joins a focus group from the link /?join=CODE and starts with the consent question', async () => {
    const session = await t.app.focusGroups.start({
      municipality: 'mora',
      templateId: 'focus-group-bygglov',
      facilitator: { userKey: 'test:facilitator', name: 'Sara' },
    });
    const context = await browser.newContext({ locale: 'sv-SE' });
    const page = await context.newPage();
    await page.goto(`${t.url}/?municipality=mora&join=${session.code}`);
    await page.getByText('Vill du delta?').first().waitFor({ timeout: 15_000 });
    await page.getByRole('button', { name: 'Ja, jag vill delta' }).first().click();
    await page.getByText('Fråga 1 av 4').first().waitFor({ timeout: 10_000 });
    await page.screenshot({ path: join(shots, 'focus-group-join.png'), fullPage: true });
    expect((await t.app.focusGroups.progress(session.id)).consented).toBe(1);
    await context.close();
  });
});
