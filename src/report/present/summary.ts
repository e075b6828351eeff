import type { Audit, TraceSummary } from '../../model/index.js';
import { attentionFindings } from './order.js';

/** "14 checks", "8 need attention", "1 disabled by policy": the audit at a glance, under the verdict. */
export function summaryParts(audit: Audit): readonly string[] {
  const attention = attentionFindings(audit).length;
  const disabled = audit.policy.disabled.length;
  return [
    `${audit.findings.length} check${audit.findings.length === 1 ? '' : 's'}`,
    `${attention} need${attention === 1 ? 's' : ''} attention`,
    ...(disabled > 0 ? [`${disabled} disabled by policy`] : []),
  ];
}

export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * Where the verdict comes from: how many checks each kind of evidence decided, and how much trace
 * evidence there was — "the report shows which checks were measured, from how many runs".
 */
export function evidenceLine(audit: Audit): string {
  const decided = { probe: 0, trace: 0, attestation: 0, none: 0 };
  for (const finding of audit.findings) decided[finding.evidenceKind ?? 'none']++;
  const parts = [
    `${decided.probe} measured by probes`,
    `${decided.trace} measured from traces`,
    `${decided.attestation} attested`,
    `${decided.none} unanswered`,
  ];
  const traces = audit.traces;
  const from =
    traces === undefined
      ? 'no trace evidence'
      : `traces: ${traces.runs} run${traces.runs === 1 ? '' : 's'} (${traces.spans} spans) from ${traces.files.length} file${traces.files.length === 1 ? '' : 's'}${probeTracesText(traces.fromProbes)}`;
  const probes = audit.probes;
  const probed =
    probes === undefined
      ? ''
      : ` · probes: ${probes.scenarios} scenario${probes.scenarios === 1 ? '' : 's'}, ${probes.trials} trial${probes.trials === 1 ? '' : 's'} (${probes.passed} passed, ${probes.failed} failed, ${probes.inconclusive} inconclusive, ${probes.errored} errored)${probes.source === 'file' ? ` from ${probes.generatedAt.slice(0, 10)}` : ''}`;
  return `Evidence: ${parts.join(', ')} · ${from}${probed}`;
}

/**
 * Where the probe session's own runs went: how many of the trace runs are the agent's traces of
 * probe trials, how many mimir interfered with (left out of the reliability figures), how many the
 * probe graded from the world, and how many mimir stopped (left out entirely).
 */
function probeTracesText(from: TraceSummary['fromProbes']): string {
  if (from === undefined) return '';
  const parts = [
    `${from.interfered} under a planned fault or refusal (not in the reliability figures)`,
    `${from.withOutcome} graded by what the probe saw in the world`,
    ...(from.leftOut > 0 ? [`${plural(from.leftOut, 'run')} mimir stopped left out`] : []),
  ];
  return `, of which ${from.runs} the agent traced during the probes (${parts.join('; ')})`;
}

/** Said loudly when trace input was damaged: the audit rests on partial evidence. */
export function partialEvidenceNotice(audit: Audit): string | undefined {
  return audit.traces === undefined
    ? undefined
    : partialEvidenceText(audit.traces, 'Damaged runs never count as successes; `mimir traces` lists where each problem is.');
}

/** The partial-evidence sentence for any trace summary, with what it means where it is shown. */
export function partialEvidenceText(traces: Pick<TraceSummary, 'partial' | 'problems'>, consequence: string): string | undefined {
  if (!traces.partial) return undefined;
  const { problems } = traces;
  const codes = Object.entries(problems.byCode)
    .sort(([, a], [, b]) => b - a)
    .map(([code, n]) => `${String(n)} ${code}`)
    .join(', ');
  return (
    `Partial evidence: ${plural(problems.total, 'problem')} in the trace input${codes === '' ? '' : ` (${codes})`}; ` +
    `${plural(problems.damagedRuns, 'run')} damaged and ${plural(problems.skippedRecords, 'record')} skipped. ${consequence}`
  );
}

/** "1 run", "3 runs"; the plural form can be given for irregular nouns. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${String(count)} ${count === 1 ? singular : pluralForm}`;
}
