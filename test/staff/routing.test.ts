import { describe, expect, it } from 'vitest';
import { addWorkingDays, isOverdue, routeToTeam, swedishDaysOff } from '../../src/domain/staff/routing';
import { testData } from '../helpers/app';

describe('staff routing rules', () => {
  const mora = () => testData().packs.get('mora')!.staff;

  it('sends an item to the first matching rule\'s team and says why', () => {
    expect(routeToTeam(mora(), { kind: 'suggestion', focusArea: 'mora.competence' })).toEqual({
      team: 'kompetens',
      reason: expect.stringContaining('focus area mora.competence'),
    });
    expect(routeToTeam(mora(), { kind: 'complaint', focusArea: 'mora.business-contacts', topic: 'building-permit' }).team).toBe('miljo-bygg');
    expect(routeToTeam(mora(), { kind: 'contact-request', topic: 'building-permit' }).team).toBe('naringslivskontoret');
  });

  it('falls back to the default team', () => {
    expect(routeToTeam(mora(), { kind: 'praise', focusArea: 'mora.business-contacts' })).toEqual({
      team: 'naringslivskontoret',
      reason: 'default team (no rule matched)',
    });
  });

  it('counts working days (Monday to Friday) for the service promise', () => {
    // Friday 2026-11-20 + 1 working day = Monday 2026-11-23
    expect(addWorkingDays(new Date('2026-11-20T10:00:00Z'), 1).toISOString().slice(0, 10)).toBe('2026-11-23');
    expect(addWorkingDays(new Date('2026-11-23T10:00:00Z'), 5).toISOString().slice(0, 10)).toBe('2026-11-30');
    const setup = mora();
    const item = { kind: 'complaint' as const, createdAt: '2026-11-02T08:00:00Z', status: 'new' };
    expect(isOverdue(setup, item, new Date('2026-11-09T07:00:00Z'))).toBe(false);
    expect(isOverdue(setup, item, new Date('2026-11-10T09:00:00Z'))).toBe(true);
    expect(isOverdue(setup, { ...item, firstResponseAt: '2026-11-03T00:00:00Z' }, new Date('2026-12-01T00:00:00Z'))).toBe(false);
  });

  it('skips Swedish public holidays and the eves that are days off', () => {
    const days = swedishDaysOff(2026);
    // Easter 2026 is 5 April: långfredag 3 April, annandag påsk 6 April, Kristi himmelsfärd 14 May; midsommarafton 19 June.
    expect([...days].sort()).toEqual([
      '2026-01-01', '2026-01-06', '2026-04-03', '2026-04-06', '2026-05-01', '2026-05-14', '2026-06-06', '2026-06-19',
      '2026-12-24', '2026-12-25', '2026-12-26', '2026-12-31',
    ]);
    expect(swedishDaysOff(2027).has('2027-03-26')).toBe(true); // långfredag 2027 (Easter 28 March)
    // Wednesday 23 Dec 2026 + 2 working days: 24, 25 (holidays), 26–27 (weekend/holiday), Mon 28, Tue 29.
    expect(addWorkingDays(new Date('2026-12-23T10:00:00Z'), 2).toISOString().slice(0, 10)).toBe('2026-12-29');
  });
});
