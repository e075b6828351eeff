import type { Attestation, EvidenceConsideration, EvidenceKind, Finding, MeasuredValue, SystemDescription } from '../model/index.js';
import type { EvidenceBundle } from '../evidence/types.js';
import type { AnyCheck, EvaluatorResult, MeasuredEvidenceByKind, MeasuredKind } from './define-check.js';
import { formatMessage } from './format-message.js';

export interface EvaluationContext {
  readonly system: SystemDescription;
  readonly evidence: EvidenceBundle;
  /** The check's options from the policy, not yet defaulted. */
  readonly options?: Readonly<Record<string, unknown>>;
  /** The audit's clock: answers expire relative to it. Injected so evaluation stays pure. */
  readonly now: Date;
  readonly attestationValidityDays: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Messages of the generic attestation evaluator, shared by every check. */
export const ATTESTATION_MESSAGES = {
  'attested-yes': 'Attested by {{by}} on {{at}}: yes.{{note}}',
  'attested-no': 'Attested by {{by}} on {{at}}: no.{{note}}',
  'attested-partial': 'Attested by {{by}} on {{at}}: partially.{{note}}',
  'attested-not-applicable': 'Attested by {{by}} on {{at}} as not applicable: {{reason}}',
  'no-evidence': 'No evidence could answer this check. {{reasons}}',
  'evaluator-error': 'The {{kind}} evaluator failed: {{detail}}',
} as const;

/** The credit a "partial" attestation earns: a person cannot measure a fraction, so it is fixed. */
export const PARTIAL_ATTESTATION_CREDIT = 0.5;

/**
 * Answers one check from the strongest evidence that can decide it: probe, then trace, then
 * attestation. Never throws: an evaluator that throws yields an `error` finding and the audit goes on.
 */
export function evaluateCheck(check: AnyCheck, context: EvaluationContext): Finding {
  const base = {
    checkId: check.id,
    title: check.title,
    question: check.question,
    rationale: check.rationale,
    remediation: check.remediation,
    area: check.area,
    severity: check.severity,
    answerableBy: check.answerableBy,
  };
  const considered: EvidenceConsideration[] = [];
  const toCapture: string[] = [];
  const options: unknown = check.options.parse(context.options ?? {});
  // Which options the policy left to mimir's defaults: a finding that a default decided says so.
  const given = context.options ?? {};
  const defaulted: ReadonlySet<string> = new Set(Object.keys(check.options.shape).filter((key) => !(key in given)));

  for (const kind of check.answerableBy) {
    if (kind === 'attestation') {
      const attestation = context.evidence.attestations?.get(check.id);
      const decision = decideFromAttestation(check, attestation, context);
      if (!decision.answered) {
        considered.push({ kind, answered: false, reason: decision.reason });
        toCapture.push(`answer it with \`mimir walk\` or in the answers file (${decision.reason})`);
        continue;
      }
      considered.push({ kind, answered: true });
      return { ...base, ...decision.finding, considered };
    }

    const evaluator = check.evaluators[kind];
    const evidence = measuredEvidence(context.evidence, kind);
    if (!evaluator) {
      considered.push({ kind, answered: false, reason: `mimir cannot yet answer this check from ${kind} evidence` });
      continue;
    }
    if (!evidence) {
      considered.push({ kind, answered: false, reason: `no ${kind} evidence in this audit` });
      toCapture.push(kind === 'probe' ? 'run `mimir probe` against the agent' : 'name trace sources in mimir.yaml');
      continue;
    }
    let result: EvaluatorResult<string>;
    try {
      result = (evaluator as (ctx: unknown) => EvaluatorResult<string>)({ evidence, options, defaulted, system: context.system });
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      considered.push({ kind, answered: false, reason: `evaluator error: ${detail}` });
      return {
        ...base,
        outcome: 'error',
        credit: 0,
        evidenceKind: kind,
        messageId: 'evaluator-error',
        message: formatMessage(ATTESTATION_MESSAGES['evaluator-error'], { kind, detail }),
        measured: [],
        references: [],
        considered,
        errorDetail: error instanceof Error && error.stack ? error.stack : detail,
      };
    }
    if (result.outcome === 'insufficient-evidence') {
      considered.push({ kind, answered: false, reason: result.reason });
      toCapture.push(result.toCapture);
      continue;
    }
    considered.push({ kind, answered: true });
    const template = (check.messages as Record<string, string>)[result.messageId] ?? result.messageId;
    return {
      ...base,
      outcome: result.outcome,
      credit: result.outcome === 'pass' ? 1 : result.outcome === 'partial' ? clamp01(result.credit) : 0,
      evidenceKind: kind,
      messageId: result.messageId,
      message: formatMessage(template, result.data),
      measured: [...(result.measured ?? []), ...traceOrigin(kind, context.evidence)],
      references: result.references ?? [],
      considered,
      ...(result.outcome === 'not-applicable' && { notApplicableReason: result.reason }),
    };
  }

  const reasons = considered.map((c) => `${c.kind}: ${c.reason ?? 'unanswered'}.`).join(' ');
  return {
    ...base,
    outcome: 'insufficient-evidence',
    credit: 0,
    evidenceKind: null,
    messageId: 'no-evidence',
    message: formatMessage(ATTESTATION_MESSAGES['no-evidence'], { reasons }),
    measured: [],
    references: [],
    considered,
    toCapture: capitalize(toCapture.join('; or ')) || 'No evidence kind can answer this check yet.',
  };
}

/**
 * Where a trace finding's runs came from, when the agent's own traces of a probe run are among
 * them: a reader can tell a figure measured on probed runs from one on recorded production runs.
 */
function traceOrigin(kind: MeasuredKind, bundle: EvidenceBundle): MeasuredValue[] {
  const from = kind === 'trace' ? bundle.traces?.fromProbes : undefined;
  if (from === undefined || bundle.traces === undefined) return [];
  const recorded = bundle.traces.runCount - from.runs;
  return [{ name: 'trace runs: recorded by the agent during the probe run / from the trace sources', value: `${from.runs} / ${recorded}` }];
}

function measuredEvidence<K extends MeasuredKind>(bundle: EvidenceBundle, kind: K): MeasuredEvidenceByKind[K] | undefined {
  return (kind === 'probe' ? bundle.probes : bundle.traces) as MeasuredEvidenceByKind[K] | undefined;
}

type AttestationDecision =
  | { readonly answered: false; readonly reason: string }
  | {
      readonly answered: true;
      readonly finding: Omit<Finding, 'checkId' | 'title' | 'question' | 'rationale' | 'remediation' | 'area' | 'severity' | 'answerableBy' | 'considered'>;
    };

function decideFromAttestation(check: AnyCheck, attestation: Attestation | undefined, context: EvaluationContext): AttestationDecision {
  if (!context.evidence.attestations) return { answered: false, reason: 'no answers file in this audit' };
  if (!attestation) return { answered: false, reason: 'not answered in the answers file' };

  const expiresAt = attestationExpiry(attestation, context.attestationValidityDays);
  if (expiresAt.getTime() <= context.now.getTime()) {
    return {
      answered: false,
      reason: `the answer by ${attestation.by} from ${attestation.at} expired on ${expiresAt.toISOString().slice(0, 10)}`,
    };
  }
  const note = attestation.note?.trim();
  const data = { by: attestation.by, at: attestation.at, note: note ? ` ${note}` : '' };
  const common = {
    evidenceKind: 'attestation' as EvidenceKind,
    measured: [],
    references: [{ kind: 'answer' as const, id: check.id, label: `answer by ${attestation.by}`, file: attestation.file, ...(attestation.line !== undefined && { line: attestation.line }) }],
  };
  switch (attestation.answer) {
    case 'yes':
      return { answered: true, finding: { ...common, outcome: 'pass', credit: 1, messageId: 'attested-yes', message: formatMessage(ATTESTATION_MESSAGES['attested-yes'], data) } };
    case 'no':
      return { answered: true, finding: { ...common, outcome: 'fail', credit: 0, messageId: 'attested-no', message: formatMessage(ATTESTATION_MESSAGES['attested-no'], data) } };
    case 'partial':
      return {
        answered: true,
        finding: { ...common, outcome: 'partial', credit: PARTIAL_ATTESTATION_CREDIT, messageId: 'attested-partial', message: formatMessage(ATTESTATION_MESSAGES['attested-partial'], data) },
      };
    case 'not-applicable': {
      if (check.notApplicableWhen === undefined) {
        return { answered: false, reason: `answered not-applicable by ${attestation.by}, but this check always applies` };
      }
      if (!note) {
        return { answered: false, reason: `answered not-applicable by ${attestation.by} without the written reason it needs in the note` };
      }
      const contradiction = check.notApplicableWhen.contradictedBy?.(context.system);
      if (contradiction !== undefined) {
        return { answered: false, reason: `answered not-applicable by ${attestation.by}, but ${contradiction}` };
      }
      return {
        answered: true,
        finding: {
          ...common,
          outcome: 'not-applicable',
          credit: 0,
          messageId: 'attested-not-applicable',
          message: formatMessage(ATTESTATION_MESSAGES['attested-not-applicable'], { ...data, reason: note }),
          notApplicableReason: note,
        },
      };
    }
  }
}

export function attestationExpiry(attestation: Pick<Attestation, 'at' | 'expires'>, validityDays: number): Date {
  if (attestation.expires) return endOfDay(attestation.expires);
  return new Date(endOfDay(attestation.at).getTime() + validityDays * DAY_MS);
}

/** A date-only expiry ("2027-01-31") lasts through that whole day (UTC). */
function endOfDay(isoDate: string): Date {
  return /^\d{4}-\d{2}-\d{2}$/.test(isoDate) ? new Date(`${isoDate}T23:59:59.999Z`) : new Date(isoDate);
}

function clamp01(value: number): number {
  return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
