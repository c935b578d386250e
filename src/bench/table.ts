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
