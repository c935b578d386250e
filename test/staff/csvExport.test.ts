import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvCell, toCsvText } from '../../src/domain/csv';
import { formatItems } from '../../src/cli/export';
import { startTestApp, type TestApp } from '../helpers/app';
import { addStaff } from '../helpers/staff';

const dangerous = [
  `=cmd|' /C calc'!A0`,
  '=1+1',
  '+1+1',
  '-2+3',
  '@SUM(A1:A2)',
  '\t=1+1',
  '\r=1+1',
  '  =1+1',
  '"=1+1',
  `'=1+1`,
  ' "+HYPERLINK("http://x")',
];

/** Splits one CSV line by a delimiter, honouring quotes (enough for these tests). */
function cells(line: string, delimiter: string): string[] {
  const out: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const c = line.charAt(i);
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i += 1;
      }
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === delimiter) {
      out.push(cell);
      cell = '';
    }
    else cell += c;
  }
  out.push(cell);
  return out;
}

describe('CSV cells never run as formulas, whatever the delimiter', () => {
  it.each([',', ';'] as const)('with delimiter %s every dangerous text starts with a quote mark in its cell', (delimiter) => {
    for (const text of dangerous) {
      const cell = csvCell(text, delimiter);
      const [parsed] = cells(cell, delimiter);
      expect(parsed?.startsWith(`'`), `${JSON.stringify(text)} → ${JSON.stringify(cell)}`).toBe(true);
      expect(parsed?.slice(1)).toBe(text);
    }
    expect(csvCell('Fler cykelställ; gärna vid torget', delimiter)).toBe('"Fler cykelställ; gärna vid torget"');
    expect(csvCell(-3, delimiter)).toBe('-3');
    expect(csvCell('vanlig text', delimiter)).toBe('vanlig text');
  });

  it('toCsvText joins with the delimiter and ends lines with CRLF', () => {
    expect(toCsvText(['a', 'b'], [['=1+1', 'x;y']], ';')).toBe(`a;b\r\n'=1+1;"x;y"\r\n`);
  });
});

describe('dashboard and CLI export use the same neutralised CSV', () => {
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    t = await startTestApp();
    token = (await addStaff(t.app.store, { name: 'Sara Lind' })).token;
    for (const [i, text] of [`=cmd|' /C calc'!A0 parkeringen vid torget behöver fler platser`, '=1+1 fler frukostmöten för företagare'].entries()) {
      const understanding = await t.app.feedback.understand('mora', text, 'sv');
      await t.app.feedback.submit({
        municipality: 'mora', text, kind: 'suggestion', language: 'sv', focusArea: understanding.tag.focusArea,
        tag: understanding.tag, topic: understanding.topic, user: { channelId: 'test', userId: `u-${i}` }, sourceKey: `csv-${i}`,
      });
    }
  });
  afterAll(async () => {
    await t.stop();
  });

  it.each([',', ';'] as const)('GET /api/staff/items?format=csv&delimiter=%s', async (delimiter) => {
    const response = await fetch(`${t.url}/api/staff/items?municipality=mora&format=csv&delimiter=${encodeURIComponent(delimiter)}`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    const body = await response.text();
    const [header, ...rows] = body.trimEnd().split('\r\n');
    const columns = cells(header ?? '', delimiter);
    expect(columns).toContain('text');
    const texts = rows.map((row) => cells(row, delimiter)[columns.indexOf('text')]);
    expect(texts).toHaveLength(2);
    for (const text of texts) expect(text).toMatch(/^'=/);
    // The CLI formats the same items the same way.
    const items = await t.app.store.feedback.list('mora');
    const cli = formatItems(items.sort((a, b) => b.createdAt.localeCompare(a.createdAt)), 'csv', delimiter);
    expect(cli.split('\r\n')[0]).toBe(header);
    for (const text of texts) expect(cli).toContain(csvCell(text?.slice(1) ?? '', delimiter));
  });

  it('an unknown delimiter is refused', async () => {
    const response = await fetch(`${t.url}/api/staff/items?format=csv&delimiter=|`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(400);
  });
});
