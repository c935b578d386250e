/**
 * A focus group of N participants over HTTP, each in a conversation of its own, through the whole
 * dialogue of the bygglov template: join ("delta CODE"), consent, a scale, a multiple choice, an
 * open answer, a vote on every statement (the seeded ones and those others added), an own statement
 * from every tenth participant, until the thanks. Two shapes (parameters):
 *   - back to back: everyone joins at once and answers without pause;
 *   - at a pace: joins spread evenly over one pace interval, and each participant sends its next
 *     answer one pace interval after the last reply (a person reading and answering).
 * The participants run in a process of their own (focusGroupParticipants.ts), as browsers do: the
 * bot's event loop serves only the bot, and this process's CPU time is the bot's.
 * Reported: p99 of the joins and of all turns, how many participants failed (a non-200, a reply
 * that is not the expected next question, or not finished in time), and whether the store holds
 * exactly one answer per participant and step; the bot's CPU time per turn, which a busy shared
 * machine disturbs far less than the latencies; at a pace also its CPU time per join and how busy
 * its event loop was while the joins came in (the first pace interval holds only joins).
 */
import { fork } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { extname, join } from 'node:path';
import { z } from 'zod';
import { repoRoot } from '../config';
import type { BenchApp } from './app';
import type { FocusGroupLoad, FocusGroupOutcome } from './focusGroupParticipants';
import { percentile, round1 } from './load';
import type { Row } from './table';

export interface FocusGroupOptions {
  participants: number;
  /** Think time between one participant's turns, and the window the joins are spread over (0 = back to back). */
  paceMs: number;
  maxMs: number;
}

const fromParticipants = z.discriminatedUnion('type', [
  z.object({ type: z.literal('joined'), turns: z.number() }),
  z.object({
    type: z.literal('outcome'),
    joins: z.array(z.number()),
    turns: z.array(z.number()),
    failed: z.number(),
    failures: z.record(z.string(), z.number()),
    finished: z.number(),
    joinedMs: z.number(),
    wallMs: z.number(),
  }),
]);

/** What the bot's process spent from the start of the load to a moment of it. */
interface Spent {
  /** Turns answered by then. */
  turns: number;
  cpuMs: number;
  /** The share of the time its event loop was busy. */
  elu: number;
}

/** Runs the participants in their own process (with tsx when the benchmark runs from source). */
function participants(load: FocusGroupLoad): Promise<{ outcome: FocusGroupOutcome; atJoined?: Spent }> {
  const ext = extname(__filename);
  const child = fork(join(__dirname, `focusGroupParticipants${ext}`), [], {
    cwd: repoRoot(),
    execArgv: ext === '.ts' ? ['--import', 'tsx'] : [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const cpu0 = process.cpuUsage();
  const elu0 = performance.eventLoopUtilization();
  const spent = (turns: number): Spent => {
    const cpu = process.cpuUsage(cpu0);
    return { turns, cpuMs: (cpu.user + cpu.system) / 1000, elu: performance.eventLoopUtilization(elu0).utilization };
  };
  let atJoined: Spent | undefined;
  return new Promise((resolve, reject) => {
    child.on('message', (raw) => {
      const message = fromParticipants.parse(raw);
      if (message.type === 'joined') atJoined = spent(message.turns);
      else resolve({ outcome: message, atJoined });
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the participants' process ended (${String(code)}) without an outcome`)));
    child.send(load);
  });
}

export async function benchFocusGroup(bench: BenchApp, options: FocusGroupOptions): Promise<{ rows: Row[]; json: Record<string, unknown> }> {
  const session = await bench.app.focusGroups.start({
    municipality: 'mora',
    templateId: 'focus-group-bygglov',
    facilitator: { userKey: 'bench:facilitator', name: 'Bench' },
  });
  const cpu0 = process.cpuUsage();
  const { outcome, atJoined } = await participants({ url: bench.url, code: session.code, ...options });
  const cpu = process.cpuUsage(cpu0);
  const { joins, turns, failed, failures, finished, wallMs } = outcome;
  const cpuPerTurnMs = turns.length > 0 ? (cpu.user + cpu.system) / 1000 / turns.length : 0;
  // At a pace the first interval holds the joins (the first answers come one interval later, unless
  // the joins were slower than that): the CPU time per turn answered by the time the last join was.
  const joinWindow = options.paceMs > 0 && atJoined && atJoined.turns > 0 ? { ...atJoined, cpuPerTurnMs: atJoined.cpuMs / atJoined.turns, others: atJoined.turns - options.participants } : undefined;
  const progress = await bench.app.focusGroups.progress(session.id);
  // Every participant who finished has an answer at every step (answersPerStep counts participants,
  // including those who did not finish), and nobody joined twice.
  const complete = Object.values(progress.answersPerStep).every((n) => n >= finished) && progress.joined <= options.participants;
  const pace = options.paceMs > 0 ? `at a ${options.paceMs / 1000} s pace` : 'back to back';
  const key = `fg_${options.participants}_${options.paceMs > 0 ? 'paced' : 'b2b'}`;
  const joinCpu = joinWindow
    ? `; while they joined ${joinWindow.cpuPerTurnMs.toFixed(1)} ms per turn (${options.participants} joins and ${joinWindow.others} other turns), event loop ${Math.round(joinWindow.elu * 100)} % busy`
    : '';
  return {
    rows: [
      {
        what: `focus group: ${options.participants} participants ${pace}, whole dialogue`,
        now:
          `p99 join ${Math.round(percentile(joins, 99))} ms, p99 turn ${Math.round(percentile(turns, 99))} ms, ` +
          `${((failed / options.participants) * 100).toFixed(1)} % failed${failed > 0 ? ` [${Object.entries(failures).map(([why, n]) => `${n}× ${why}`).join(', ')}]` : ''} (${finished} finished, ${turns.length} turns in ${(wallMs / 1000).toFixed(0)} s` +
          `${complete ? '' : ', answers or participations wrong'}; the bot's CPU ${cpuPerTurnMs.toFixed(1)} ms per turn${joinCpu})`,
        goal: options.paceMs > 0 ? 'none fail, p99 < 200 ms' : 'none fail',
      },
    ],
    json: {
      [`${key}_p99_join_ms`]: round1(percentile(joins, 99)),
      [`${key}_p99_turn_ms`]: round1(percentile(turns, 99)),
      [`${key}_p50_turn_ms`]: round1(percentile(turns, 50)),
      [`${key}_failed`]: failed,
      [`${key}_failures`]: failures,
      [`${key}_finished`]: finished,
      [`${key}_turns`]: turns.length,
      [`${key}_cpu_ms_per_turn`]: round1(cpuPerTurnMs),
      ...(joinWindow ? { [`${key}_joining_cpu_ms_per_turn`]: round1(joinWindow.cpuPerTurnMs), [`${key}_joining_other_turns`]: joinWindow.others, [`${key}_joining_elu`]: Math.round(joinWindow.elu * 100) / 100 } : {}),
      [`${key}_complete`]: complete,
    },
  };
}
