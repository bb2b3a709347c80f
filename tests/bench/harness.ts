/** How a case is sampled: untimed warm-up runs first, then the timed runs whose median counts. */
export interface Sampling {
  runs: number;
  warmup: number;
}

/** One timed run with untimed steps around it (a fresh folder before, a server stopped after). */
export interface TimedWork<State> {
  prepare: () => Promise<State>;
  run: (state: State) => Promise<void>;
  cleanUp: (state: State) => Promise<void>;
}

export function median(samples: readonly number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle];
  if (upper === undefined) throw new Error('median of no samples');
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? upper) + upper) / 2;
}

/** Work with nothing to prepare or clean up. */
export function justRun(run: () => Promise<void>): TimedWork<undefined> {
  return { prepare: async () => undefined, run, cleanUp: async () => undefined };
}

async function timeOnce<State>(work: TimedWork<State>): Promise<number> {
  const state = await work.prepare();
  try {
    const startedAt = performance.now();
    await work.run(state);
    return performance.now() - startedAt;
  } finally {
    await work.cleanUp(state);
  }
}

/**
 * Times a case and its baseline in turns, `warmup` untimed rounds first, and returns both medians
 * in ms. Taking turns means a machine that slows down mid-run (a shared box) slows both alike.
 */
export async function compareMedians<Measured, Baseline>(
  sampling: Sampling,
  measured: TimedWork<Measured>,
  baseline: TimedWork<Baseline>,
): Promise<{ valueMs: number; baselineMs: number }> {
  const values: number[] = [];
  const baselines: number[] = [];
  for (let round = 0; round < sampling.warmup + sampling.runs; round++) {
    const valueMs = await timeOnce(measured);
    const baselineMs = await timeOnce(baseline);
    if (round >= sampling.warmup) {
      values.push(valueMs);
      baselines.push(baselineMs);
    }
  }
  return { valueMs: median(values), baselineMs: median(baselines) };
}

/** The unit a case reports in; times are kept in ms and shown in this unit. */
export type Unit = 's' | 'ms';

export function formatTime(ms: number, unit: Unit): string {
  if (unit === 's') return `${(ms / 1000).toFixed(ms < 10_000 ? 3 : 2)} s`;
  return `${ms < 10 ? ms.toFixed(3) : ms.toFixed(1)} ms`;
}

/** What a case aims for, in words, and whether a result reaches it (undefined: only reported). */
export interface Goal {
  describe: string;
  isMet(valueMs: number, baselineMs: number): boolean | undefined;
}

export const goals = {
  atMost: (limitMs: number, unit: Unit): Goal => ({
    describe: `≤ ${formatTime(limitMs, unit)}`,
    isMet: (valueMs) => valueMs <= limitMs,
  }),
  below: (limitMs: number, unit: Unit): Goal => ({
    describe: `< ${formatTime(limitMs, unit)}`,
    isMet: (valueMs) => valueMs < limitMs,
  }),
  /** At most `factor` times the baseline's time. */
  ratioAtMost: (factor: number): Goal => ({
    describe: `ratio ≤ ${factor.toFixed(2)}×`,
    isMet: (valueMs, baselineMs) => valueMs / baselineMs <= factor,
  }),
  /** At least `factor` times faster than the baseline. */
  timesFaster: (factor: number): Goal => ({
    describe: `≥ ${factor}× faster than the baseline (ratio ≤ ${(1 / factor).toFixed(3)}×)`,
    isMet: (valueMs, baselineMs) => baselineMs / valueMs >= factor,
  }),
  reportOnly: (why: string): Goal => ({ describe: `none (${why})`, isMet: () => undefined }),
} as const;

/** A case's outcome: its median, its baseline's median (same run), and its goal. */
export interface BenchResult {
  name: string;
  unit: Unit;
  valueMs: number;
  baselineMs: number;
  goal: Goal;
}

function formatRatio(result: BenchResult): string {
  const ratio = result.valueMs / result.baselineMs;
  // Small ratios (much faster than the baseline) need a third digit to say anything.
  return `${ratio.toFixed(ratio < 0.1 ? 3 : 2)}×`;
}

function verdict(result: BenchResult): string {
  const isMet = result.goal.isMet(result.valueMs, result.baselineMs);
  if (isMet === undefined) return 'reported';
  return isMet ? 'met' : 'MISSED';
}

/** `case: value unit (baseline: value unit, ratio: X.XX×, goal: …)` */
export function formatResult(result: BenchResult): string {
  return (
    `${result.name}: ${formatTime(result.valueMs, result.unit)} ` +
    `(baseline: ${formatTime(result.baselineMs, result.unit)}, ratio: ${formatRatio(result)}, ` +
    `goal: ${result.goal.describe}, ${verdict(result)})`
  );
}

/** A case that could not be measured, and why. */
export interface BenchFailure {
  name: string;
  error: string;
}

/** The end-of-run table: one row per case, failures included. */
export function formatSummary(results: readonly (BenchResult | BenchFailure)[]): string {
  const header = ['case', 'value', 'baseline', 'ratio', 'goal', 'result'];
  const rows = results.map((result) =>
    'error' in result
      ? [result.name, '—', '—', '—', '—', `FAILED: ${result.error}`]
      : [
          result.name,
          formatTime(result.valueMs, result.unit),
          formatTime(result.baselineMs, result.unit),
          formatRatio(result),
          result.goal.describe,
          verdict(result),
        ],
  );
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join(' | ')
      .trimEnd();
  return [
    line(header),
    widths.map((width) => '-'.repeat(width)).join('-|-'),
    ...rows.map(line),
  ].join('\n');
}
