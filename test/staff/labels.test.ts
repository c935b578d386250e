import { describe, expect, it } from 'vitest';
import { actorName, historyLine, routingReason, statementClassLabel, triageLabel } from '../../src/domain/staff/labels';
import { routeToTeam } from '../../src/domain/staff/routing';
import { createTexts } from '../../src/domain/texts';
import { testData } from '../helpers/app';

const data = testData();
const texts = createTexts(data.texts);
const pack = data.packs.get('mora');
if (!pack) throw new Error('no mora pack');
const ctx = (language: 'sv' | 'en', names: Record<string, string> = {}) => ({ pack, texts, language, names, topics: data.taxonomy.topics });
const staffId = '3f2b8c1e-9a7d-4c55-b1e2-0d9f6a7c8b21';

describe('staff-facing labels', () => {
  it('routing reasons read as sentences in Swedish and English, with focus-area names', () => {
    const area = pack.focusAreas[0];
    if (!area) throw new Error('no focus area');
    const reason = routeToTeam({ ...pack.staff, rules: [{ team: pack.staff.defaultTeam, focusArea: area.id }] }, { kind: 'complaint', focusArea: area.id }).reason;
    expect(routingReason(reason, ctx('sv'))).toBe(`regel 1: fokusområde ${area.name.sv}`);
    expect(routingReason(reason, ctx('en'))).toBe(`rule 1: focus area ${area.name.en}`);
    expect(routingReason('default team (no rule matched)', ctx('sv'))).toBe('standardteamet (ingen regel passade)');
  });

  it('history lines name people and say what happened, never ids or raw action words', () => {
    const entry = { at: '2026-03-02T10:15:00.000Z', by: staffId, action: 'status' as const, from: 'new', to: 'received' };
    expect(historyLine(entry, ctx('sv', { [staffId]: 'Sara Lind' }))).toBe('2026-03-02 10:15 · Sara Lind · Ändrade status Nytt → Mottaget');
    expect(historyLine(entry, ctx('sv'))).not.toContain(staffId);
    expect(actorName(staffId, ctx('sv'))).toBe('en tidigare handläggare');
    expect(historyLine({ at: entry.at, by: 'system', action: 'assigned', to: pack.staff.defaultTeam, note: 'default team (no rule matched)' }, ctx('sv'))).toMatch(
      /Systemet · Tilldelat .+ · standardteamet \(ingen regel passade\)/,
    );
  });

  it('triage banners and focus-group classes are words in the staff member\'s language', () => {
    expect(triageLabel('take', ctx('sv'))).toBe('du tog ärendet');
    expect(statementClassLabel('mixed', texts, 'sv')).toBe('blandat');
    expect(statementClassLabel('consensus-agree', texts, 'en')).toBe('consensus: agree');
  });
});
