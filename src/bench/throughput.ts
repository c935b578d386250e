/**
 * Turns per second through POST /api/messages (expectReplies) against a bare restify 11 JSON route
 * started in the same process and run: the ratio is the number, since both see the same machine.
 */
import { percentile, postJson, round1, runLoad, startBareRestify, turnBody, type LoadResult } from './load';
import type { BenchApp } from './app';
import type { Row } from './table';

export interface ThroughputOptions {
  concurrency: number[];
  turnsPerConversation: number;
  maxMs: number;
  /** The think-time latency run: conversations, think time, duration. */
  think: { conversations: number; thinkMs: number; maxMs: number };
  texts: string[];
}

const perSecond = (r: LoadResult) => (r.turns / r.wallMs) * 1000;

export async function benchThroughput(bench: BenchApp, options: ThroughputOptions): Promise<{ rows: Row[]; json: Record<string, unknown> }> {
  const bare = await startBareRestify();
  const rows: Row[] = [];
  const json: Record<string, unknown> = {};
  let run = 0;
  try {
    const botSend = (prefix: string) => (c: number, t: number) =>
      postJson(`${bench.url}/api/messages`, turnBody(`${prefix}-c${c}`, t, options.texts[(c * 7 + t) % options.texts.length] ?? 'hej'));
    const bareSend = (prefix: string) => (c: number, t: number) =>
      postJson(bare.url, turnBody(`${prefix}-c${c}`, t, options.texts[(c * 7 + t) % options.texts.length] ?? 'hej'));
    // Warm both up (JIT, first-turn welcome paths).
    await runLoad({ conversations: 4, turns: 5, maxMs: 10_000 }, botSend('warm'));
    await runLoad({ conversations: 4, turns: 5, maxMs: 10_000 }, bareSend('warm'));
    for (const concurrency of options.concurrency) {
      run += 1;
      const load = { conversations: concurrency, turns: options.turnsPerConversation, maxMs: options.maxMs };
      const bareResult = await runLoad(load, bareSend(`bare${run}`));
      const botResult = await runLoad(load, botSend(`bot${run}`));
      const ratio = perSecond(botResult) / perSecond(bareResult);
      rows.push({
        what: `turns/s vs bare restify, ${concurrency} conversations`,
        now: `${ratio.toFixed(2)}× (${Math.round(perSecond(botResult))} vs ${Math.round(perSecond(bareResult))}/s, p99 ${round1(percentile(botResult.latencies, 99))} ms${botResult.failures ? `, ${botResult.failures} failed` : ''})`,
        goal: '≥ 0.3×',
      });
      json[`ratio_c${concurrency}`] = Math.round(ratio * 1000) / 1000;
      json[`bot_turns_per_s_c${concurrency}`] = round1(perSecond(botResult));
      json[`bare_turns_per_s_c${concurrency}`] = round1(perSecond(bareResult));
      json[`failures_c${concurrency}`] = botResult.failures;
    }
    const { conversations, thinkMs, maxMs } = options.think;
    const thinkLoad = { conversations, turns: Math.ceil(maxMs / thinkMs) + 1, maxMs, thinkMs };
    const bareThink = await runLoad(thinkLoad, bareSend('bare-think'));
    const botThink = await runLoad(thinkLoad, botSend('bot-think'));
    rows.push({
      what: `p99 per turn, ${conversations} conversations at ${thinkMs / 1000} s think time`,
      now: `${round1(percentile(botThink.latencies, 99))} ms (bare ${round1(percentile(bareThink.latencies, 99))} ms, ${botThink.turns} turns${botThink.failures ? `, ${botThink.failures} failed` : ''})`,
      goal: '< 15 ms',
    });
    json.think_p99_ms = round1(percentile(botThink.latencies, 99));
    json.think_bare_p99_ms = round1(percentile(bareThink.latencies, 99));
  } finally {
    await bare.close();
  }
  return { rows, json };
}
