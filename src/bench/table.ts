/** The table: what | now | goal. */
export interface Row {
  what: string;
  now: string;
  goal: string;
}

export function formatTable(rows: Row[]): string {
  const header: Row = { what: 'what', now: 'now', goal: 'goal' };
  const width = (key: keyof Row) => Math.max(...[header, ...rows].map((r) => r[key].length));
  const line = (r: Row) => `| ${r.what.padEnd(width('what'))} | ${r.now.padEnd(width('now'))} | ${r.goal.padEnd(width('goal'))} |`;
  const rule = `| ${'-'.repeat(width('what'))} | ${'-'.repeat(width('now'))} | ${'-'.repeat(width('goal'))} |`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/** The rows each section measures, for a run that leaves the section out. */
export const ROWS_OF_SECTION: Record<'throughput' | 'scale' | 'startup' | 'focus', Row[]> = {
  throughput: [
    { what: 'turns/s vs bare restify, 10 and 100 conversations', now: '', goal: '≥ 0.3×' },
    { what: 'p99 per turn, 100 conversations at 1 s think time', now: '', goal: '< 15 ms' },
  ],
  scale: [
    { what: 'first turn of a new suggestion (similar search), ms', now: '', goal: '< 50 ms at 100k' },
    { what: 'other users during it, max turn ms', now: '', goal: 'no stall' },
    { what: 'staff follow-up API, ms', now: '', goal: '< 300 ms at 100k' },
    { what: 'inbox status=new (page of 50)', now: '', goal: '< 100 ms, paged' },
    { what: 'CSV export', now: '', goal: 'streamed' },
    { what: 'DB size', now: '', goal: 'close to the data' },
  ],
  startup: [
    { what: 'start to /healthz 200', now: '', goal: '< 3 s' },
    { what: 'RSS after start / after 20k turns', now: '', goal: '< 250 MB' },
  ],
  focus: [
    { what: 'focus group: 300 participants back to back', now: '', goal: 'none fail' },
    { what: 'focus group: 1000 participants at a 10 s pace', now: '', goal: 'none fail, p99 < 200 ms' },
  ],
};

/** Placeholders for the rows of sections this run left out. */
export function unmeasured(section: keyof typeof ROWS_OF_SECTION): Row[] {
  return ROWS_OF_SECTION[section].map((row) => ({ ...row, now: `not measured (section ${section} not run)` }));
}
