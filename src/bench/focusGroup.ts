/**
 * A focus group of N participants over HTTP, each in a conversation of its own, through the whole
 * dialogue of the bygglov template: join ("delta CODE"), consent, a scale, a multiple choice, an
 * open answer, a vote on every statement (the seeded ones and those others added), an own statement
 * from every tenth participant, until the thanks. Two shapes (parameters):
 *   - back to back: everyone joins at once and answers without pause;
 *   - at a pace: joins spread evenly over one pace interval, and each participant sends its next
 *     answer one pace interval after the last reply (a person reading and answering).
 * Reported: p99 of the joins and of all turns, how many participants failed (a non-200, a reply
 * that is not the expected next question, or not finished in time), and whether the store holds
 * exactly one answer per participant and step; and the process's CPU time per turn (the server and
 * this client together), which a busy shared machine disturbs far less than the latencies.
 */
import type { BenchApp } from './app';
import { percentile, postJson, round1, sleep, turnBody, type TurnOutcome } from './load';
import type { Row } from './table';

export interface FocusGroupOptions {
  participants: number;
  /** Think time between one participant's turns, and the window the joins are spread over (0 = back to back). */
  paceMs: number;
  maxMs: number;
}

/** Most turns one participant takes (join, consent, three answers, up to 9 votes, own statement). */
const MAX_TURNS = 20;

type Next = { text: string } | 'done' | 'failed';

/** The answer to the bot's last reply, from what it asked. */
function answerTo(replies: string[], participant: number, sent: number): Next {
  const all = replies.join('\n');
  if (/Tack för dina svar/.test(all)) return 'done';
  if (/Vill du delta|Ja, jag vill delta/.test(all) && sent === 1) return { text: 'Ja, jag vill delta' };
  if (/eget påstående/.test(all)) return { text: participant % 10 === 0 ? `Handläggarna borde ringa upp inom en vecka (${participant})` : 'Hoppa över' };
  if (/Påstående \d+ av \d+/.test(all)) return { text: participant % 3 === 0 ? 'Håller inte med' : participant % 3 === 1 ? 'Håller med' : 'Pass' };
  if (/Fråga 1 av/.test(all)) return { text: String(1 + (participant % 5)) };
  if (/Fråga 2 av/.test(all)) return { text: `${1 + (participant % 3)}, ${4 + (participant % 2)}` };
  if (/Fråga 3 av/.test(all)) return { text: `Snabbare besked och en kontaktperson genom hela ärendet (${participant})` };
  return 'failed';
}

export async function benchFocusGroup(bench: BenchApp, options: FocusGroupOptions): Promise<{ rows: Row[]; json: Record<string, unknown> }> {
  const session = await bench.app.focusGroups.start({
    municipality: 'mora',
    templateId: 'focus-group-bygglov',
    facilitator: { userKey: 'bench:facilitator', name: 'Bench' },
  });
  const joins: number[] = [];
  const turns: number[] = [];
  let failed = 0;
  let finished = 0;
  const t0 = performance.now();
  // CPU time of this process (server and the load's client alike) per turn: on a shared machine
  // the latencies follow the others' load, this much less.
  const cpu0 = process.cpuUsage();
  const deadline = t0 + options.maxMs;
  const send = async (conversation: string, n: number, text: string): Promise<TurnOutcome> => {
    const outcome = await postJson(`${bench.url}/api/messages`, turnBody(conversation, n, text));
    turns.push(outcome.ms);
    return outcome;
  };
  await Promise.all(
    Array.from({ length: options.participants }, async (_, i) => {
      if (options.paceMs > 0) await sleep((options.paceMs * i) / options.participants);
      const conversation = `fg-${session.code}-${i}`;
      const joined = await send(conversation, 0, `delta ${session.code}`);
      joins.push(joined.ms);
      let last = joined;
      for (let n = 1; n < MAX_TURNS; n += 1) {
        const next = last.ok ? answerTo(last.texts, i, n) : 'failed';
        if (next === 'done') {
          finished += 1;
          return;
        }
        if (next === 'failed' || performance.now() > deadline) break;
        if (options.paceMs > 0) await sleep(options.paceMs);
        last = await send(conversation, n, next.text);
      }
      failed += 1;
    }),
  );
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const cpuPerTurnMs = turns.length > 0 ? (cpu.user + cpu.system) / 1000 / turns.length : 0;
  const progress = await bench.app.focusGroups.progress(session.id);
  // Every participant who finished has an answer at every step (answersPerStep counts participants,
  // including those who did not finish).
  const complete = Object.values(progress.answersPerStep).every((n) => n >= finished);
  const pace = options.paceMs > 0 ? `at a ${options.paceMs / 1000} s pace` : 'back to back';
  const key = `fg_${options.participants}_${options.paceMs > 0 ? 'paced' : 'b2b'}`;
  return {
    rows: [
      {
        what: `focus group: ${options.participants} participants ${pace}, whole dialogue`,
        now:
          `p99 join ${Math.round(percentile(joins, 99))} ms, p99 turn ${Math.round(percentile(turns, 99))} ms, ` +
          `${((failed / options.participants) * 100).toFixed(1)} % failed (${finished} finished, ${turns.length} turns in ${(wallMs / 1000).toFixed(0)} s` +
          `${complete ? '' : ', answers missing'}; ${cpuPerTurnMs.toFixed(1)} ms CPU per turn, client included)`,
        goal: options.paceMs > 0 ? 'none fail, p99 < 200 ms' : 'none fail',
      },
    ],
    json: {
      [`${key}_p99_join_ms`]: round1(percentile(joins, 99)),
      [`${key}_p99_turn_ms`]: round1(percentile(turns, 99)),
      [`${key}_p50_turn_ms`]: round1(percentile(turns, 50)),
      [`${key}_failed`]: failed,
      [`${key}_finished`]: finished,
      [`${key}_turns`]: turns.length,
      [`${key}_cpu_ms_per_turn`]: round1(cpuPerTurnMs),
    },
  };
}
