import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { chromiumAvailable, launchChromium } from '../helpers/browser';
import { startTestApp, type TestApp } from '../helpers/app';
import { addStaff } from '../helpers/staff';

describe.skipIf(!chromiumAvailable)("a submitter's data on the staff dashboard in Chromium", () => {
  let t: TestApp;
  let browser: Browser;
  let admin: string;
  let handler: string;
  let reference = '';
  let id = '';

  beforeAll(async () => {
    t = await startTestApp();
    admin = (await addStaff(t.app.store, { name: 'Ada Admin', role: 'admin' })).token;
    handler = (await addStaff(t.app.store, { name: 'Hans Handler', role: 'handler' })).token;
    const text = 'Bättre belysning på gång- och cykelvägen till Noret';
    const understanding = await t.app.feedback.understand('mora', text, 'sv');
    const result = await t.app.feedback.submit({
      municipality: 'mora', text, kind: 'suggestion', language: 'sv', focusArea: understanding.tag.focusArea, tag: understanding.tag,
      user: { channelId: 'test', userId: 'u-dash' }, sourceKey: 'privacy-dash-1', contact: { email: 'lena@belysning.se' },
    });
    if (result.status !== 'stored') throw new Error('not stored');
    reference = result.item.reference;
    id = result.item.id;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  const signIn = async (token: string) => {
    const page = await browser.newPage();
    await page.goto(`${t.url}/staff`);
    await page.fill('#token', token);
    await page.click('#signin-form button[type=submit]');
    await page.locator('#items').waitFor();
    return page;
  };

  it('lets an admin fetch the extract by reference and erase it; a handler does not get the view', async () => {
    const asHandler = await signIn(handler);
    expect(await asHandler.locator('nav [data-view=privacy]').isHidden()).toBe(true);
    await asHandler.close();

    const page = await signIn(admin);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.click('nav [data-view=privacy]');
    await page.fill('#privacy-form input[name=reference]', reference);
    await page.click('#privacy-form button[type=submit]');
    await page.locator('#privacy-extract', { hasText: 'lena@belysning.se' }).waitFor();
    page.once('dialog', (dialog) => void dialog.accept());
    await page.click('#privacy-erase');
    await page.getByText('Raderat.').waitFor();
    expect(await page.locator('#privacy-extract').textContent()).toContain('"contactDetails": 1');
    expect(await t.app.store.feedback.getContact('mora', id)).toBeUndefined();
    expect(errors).toEqual([]);
  });
});
