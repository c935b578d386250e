/**
 * A focus group of N participants over HTTP: each joins ("delta CODE") and consents, all at once
 * (back to back) or arriving evenly over a pace window. Join latency per participant and how
 * many fail (a non-200, or a reply that is not the consent question).
 */
import type { BenchApp } from './app';
import { percentile, postJson, round1, sleep, turnBody } from './load';
import type { Row } from './table';

export interface FocusGroupOptions {
  participants: number;
  /** Arrivals spread over this many ms (0 = all at once). */
  paceMs: number;
  maxMs: number;
}

export async function benchFocusGroup(bench: BenchApp, options: FocusGroupOptions): Promise<{ rows: Row[]; json: Record<string, unknown> }> {
  const session = await bench.app.focusGroups.start({
    municipality: 'mora',
    templateId: 'focus-group-bygglov',
    facilitator: { userKey: 'bench:facilitator', name: 'Bench' },
  });
  const joins: number[] = [];
  let failed = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: options.participants }, async (_, i) => {
      if (options.paceMs > 0) await sleep((options.paceMs * i) / options.participants);
      if (performance.now() - t0 > options.maxMs) {
        failed += 1;
        return;
      }
      const conversation = `fg-${session.code}-${i}`;
      const joined = await postJson(`${bench.url}/api/messages`, turnBody(conversation, 0, `delta ${session.code}`));
      joins.push(joined.ms);
      if (!joined.ok || !joined.texts.some((t) => /Vill du delta/.test(t))) {
        failed += 1;
        return;
      }
      const consent = await postJson(`${bench.url}/api/messages`, turnBody(conversation, 1, 'Ja, jag vill delta'));
      if (!consent.ok || !consent.texts.some((t) => /Fråga 1 av/.test(t))) failed += 1;
    }),
  );
  const progress = await bench.app.focusGroups.progress(session.id);
  const pace = options.paceMs > 0 ? `at a ${options.paceMs / 1000} s pace` : 'back to back';
  return {
    rows: [
      {
        what: `focus group: ${options.participants} participants ${pace}`,
        now: `p99 join ${Math.round(percentile(joins, 99))} ms, ${((failed / options.participants) * 100).toFixed(1)} % failed (${progress.consented} consented)`,
        goal: 'none fail, p99 < 200 ms',
      },
    ],
    json: { [`fg_${options.participants}_p99_join_ms`]: round1(percentile(joins, 99)), [`fg_${options.participants}_failed`]: failed },
  };
}
