import type { Failure, Warning } from './result';
import type { Verdict } from './verdict';

/** Problems of the harness itself, and what it noticed on the event channels. */
export const harnessVerdict: Verdict = ({ record }) => {
  const failures: Failure[] = record.harnessErrors.map((message) => ({ code: 'HARNESS_ERROR', message }));
  const warnings: Warning[] = record.warnings.map((w) => ({ code: w.code, message: w.message }));
  return { failures, warnings };
};
