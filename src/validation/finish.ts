// After the main pass: follow-up queries, samples of failing checks (one query for all of them),
// the parse check, statuses, and paths made relative for people.

import type { ValidationSuite } from '../spec/schema/validation.ts';
import { outputValue } from './columns.ts';
import { show } from './context.ts';
import { isEngineError, shortEngineMessage, type Engine, type Row } from './engine.ts';
import {
  distinctValues,
  errorResult,
  toResult,
  type CheckSpec,
  type Outcome,
  type PlannedCheck,
} from './plan.ts';
import { csvRejects, jsonRejects, type ParseReport } from './rejects.ts';
import type { CheckResult, CheckStatus, DatasetResult, DatasetStatus } from './results.ts';
import type { Source } from './source.ts';
import { relativize } from './sql.ts';

/** A check evaluated, waiting for its samples before it becomes a result. */
export type Finished = CheckResult | { spec: CheckSpec; outcome: Outcome };

export function statusOf(checks: readonly CheckResult[], failed: boolean): DatasetStatus {
  if (failed || checks.some((c) => c.status === 'error')) return 'error';
  if (checks.some((c) => c.status === 'fail')) return 'fail';
  return checks.some((c) => c.status === 'warn') ? 'warn' : 'pass';
}

export function countStatuses(checks: readonly CheckResult[]): Record<CheckStatus, number> {
  const counts: Record<CheckStatus, number> = { pass: 0, fail: 0, warn: 0, error: 0 };
  for (const c of checks) counts[c.status]++;
  return counts;
}

/** Paths in SQL and messages relative to the repository, as users run them. */
export function relativeResult(root: string, r: DatasetResult): DatasetResult {
  const rel = (text: string) => relativize(root, text);
  return {
    ...r,
    checks: r.checks.map((c) => ({
      ...c,
      message: rel(c.message),
      ...(c.failingRowsSql !== undefined && { failingRowsSql: rel(c.failingRowsSql) }),
    })),
    ...(r.source && { source: { ...r.source, relation: rel(r.source.relation) } }),
    ...(r.error && { error: { ...r.error, message: rel(r.error.message) } }),
  };
}

export async function parseReport(
  engine: Engine,
  root: string,
  source: Source,
): Promise<ParseReport | undefined> {
  if (source.format === 'csv') return csvRejects(engine, root, source);
  if (source.format === 'json' || source.format === 'jsonl') return jsonRejects(root, source);
  return undefined;
}

export function parseCheck(
  suite: ValidationSuite,
  index: number,
  severity: CheckSpec['severity'],
  report: ParseReport,
  rows: number,
): CheckResult {
  const spec: CheckSpec = {
    id: 'parse',
    check: 'parse',
    severity,
    specPath: ['validation', index, 'dataset'],
    expected: 'every row parses',
  };
  const total = rows + report.rejected;
  const first = report.first[0];
  return toResult(spec, {
    ok: report.rejected === 0,
    observed: report.byError,
    elementCount: total,
    unexpectedCount: report.rejected,
    sample: report.first.map((r) => ({ ...r })),
    message:
      report.rejected === 0
        ? `all ${rows} rows of ${suite.dataset} parse`
        : `${report.rejected} of ${total} rows could not be parsed and were skipped (${Object.entries(
            report.byError,
          )
            .map(([k, v]) => `${k} ${v}`)
            .join(
              ', ',
            )})${first ? `; first at ${first.file}:${first.line}: ${first.message}` : ''}`,
  });
}

/** Evaluate a planned check, running its query or follow-up when it has one. */

/** Read the failing values of every check that failed, in one query over the data. */
export async function readSamples(
  engine: Engine,
  relation: string,
  finished: readonly Finished[],
): Promise<void> {
  const pending = finished.flatMap((f) => ('outcome' in f && f.outcome.pendingSample ? [f] : []));
  if (pending.length === 0) return;
  const items = pending.map((f, i) => `${f.outcome.pendingSample!.expression} AS s${i}`);
  const [row = {}] = await engine.all(`SELECT ${items.join(',\n  ')}\nFROM ${relation}`);
  pending.forEach((f, i) => {
    const { family, mention } = f.outcome.pendingSample!;
    const raw = row[`s${i}`];
    const sample = distinctValues(
      (Array.isArray(raw) ? raw : []).map((v) => outputValue(v, family)),
    );
    const examples = sample.slice(0, 3).map(show).join(', ');
    f.outcome = {
      ...f.outcome,
      sample,
      ...(mention && examples && { message: `${f.outcome.message}, e.g. ${examples}` }),
    };
    delete f.outcome.pendingSample;
  });
}

export async function finish(
  engine: Engine,
  planned: PlannedCheck,
  row: Row,
  rows: number,
): Promise<Finished> {
  if (planned.type === 'done') return planned.result;
  const { spec } = planned;
  try {
    let outcome: Outcome;
    if (planned.type === 'aggregate') {
      const first = planned.evaluate(row);
      outcome = 'sql' in first ? first.evaluate(await engine.all(first.sql)) : first;
    } else {
      if (spec.check === 'sql') await engine.checkSelect(spec.failingRowsSql!);
      outcome = planned.query.evaluate(await engine.all(planned.query.sql));
      if (spec.check === 'sql') outcome = { ...outcome, elementCount: rows };
    }
    return { spec, outcome };
  } catch (error) {
    if (
      isEngineError(error) &&
      (error.kind === 'sql' || planned.type === 'query') &&
      error.kind !== 'memory'
    ) {
      return errorResult(spec, shortEngineMessage(error.message));
    }
    throw error;
  }
}
