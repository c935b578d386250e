import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { chromiumAvailable, launchChromium, screenshotDir } from '../helpers/browser';
import { startTestApp, type TestApp } from '../helpers/app';
import { addStaff } from '../helpers/staff';


describe.skipIf(!chromiumAvailable)('staff dashboard in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let token: string;
  const shots = screenshotDir();
  const payload = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script> Parkeringen vid torget räcker inte';

  beforeAll(async () => {
    t = await startTestApp();
    token = (await addStaff(t.app.store, { name: 'Sara Lind' })).token;
    const understanding = await t.app.feedback.understand('mora', payload, 'sv');
    await t.app.feedback.submit({
      municipality: 'mora', text: payload, kind: 'complaint', language: 'sv', focusArea: understanding.tag.focusArea,
      tag: understanding.tag, user: { channelId: 'test', userId: 'u1' }, sourceKey: 'xss-1',
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('signs in, shows a script payload as text without running it, triages and follows up', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${t.url}/staff`);
    await page.fill('#token', 'fls_wrong');
    await page.click('#signin-form button[type=submit]');
    await page.getByText('Nyckeln gäller inte.').waitFor();

    await page.fill('#token', token);
    await page.click('#signin-form button[type=submit]');
    await page.locator('#items tbody tr').first().waitFor();
    const cellText = await page.locator('#items tbody tr').first().locator('td').nth(3).textContent();
    expect(cellText).toContain('<img src=x onerror=');
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('#items img').count()).toBe(0);
    await page.screenshot({ path: join(shots, 'staff-inbox.png'), fullPage: true });

    await page.locator('#items tbody tr').first().click();
    await page.locator('#item-title').waitFor();
    await page.click('#take');
    await page.getByText('Sparat.').waitFor();
    expect(await page.locator('#item-facts').textContent()).toContain('Mottaget');
    expect(await page.locator('#item-facts').textContent()).not.toMatch(/default team|no rule matched|rule \d+:|[0-9a-f]{8}-[0-9a-f]{4}-/);
    await page.selectOption('#answer-form select[name=template]', 'thanks-received');
    expect(await page.inputValue('#answer-form textarea')).toContain('Tack för ditt inspel');
    await page.click('#answer-form button[type=submit]');
    await page.locator('#item-history li', { hasText: 'Svarade' }).waitFor();
    // History in Swedish with names and readable routing, never ids or English labels.
    const history = (await page.locator('#item-history').textContent()) ?? '';
    expect(history).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-|default team|no rule matched|answered|assigned/);
    expect(history).toMatch(/Tilldelat/);
    await page.screenshot({ path: join(shots, 'staff-item.png'), fullPage: true });

    await page.click('nav [data-view=followup]');
    await page.locator('#followup-table tbody tr').first().waitFor();
    expect(await page.locator('#totals').textContent()).toContain('1 inspel');
    await page.screenshot({ path: join(shots, 'staff-followup.png'), fullPage: true });
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(errors).toEqual([]);
  });
});
