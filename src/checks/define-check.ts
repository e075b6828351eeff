import { z } from 'zod';
import type { Area, EvidenceKind, MeasuredValue, Reference, Remediation, Severity, SystemDescription } from '../model/index.js';
import type { ProbeEvidence, TraceEvidence } from '../evidence/types.js';
import type { Applicability } from './applicability.js';

/** The measured evidence each evaluator receives. Attestation is evaluated generically, not per check. */
export interface MeasuredEvidenceByKind {
  readonly probe: ProbeEvidence;
  readonly trace: TraceEvidence;
}
export type MeasuredKind = keyof MeasuredEvidenceByKind;

export interface EvaluatorContext<K extends MeasuredKind, Options> {
  readonly evidence: MeasuredEvidenceByKind[K];
  readonly options: Options;
  /** The options the policy did not set, so that mimir's default decided them. */
  readonly defaulted: ReadonlySet<string>;
  readonly system: SystemDescription;
}

type MessageData = Readonly<Record<string, string | number>>;

interface AnsweredBase<MessageId extends string> {
  readonly messageId: MessageId;
  readonly data?: MessageData;
  readonly measured?: readonly MeasuredValue[];
  readonly references?: readonly Reference[];
}

/**
 * What an evaluator returns. `insufficient-evidence` means "this kind of evidence cannot decide the
 * check here" (no outcomes, no message content …): the next weaker kind is tried, and the reason is kept.
 */
export type EvaluatorResult<MessageId extends string> =
  | (AnsweredBase<MessageId> & { readonly outcome: 'pass' | 'fail' })
  | (AnsweredBase<MessageId> & { readonly outcome: 'partial'; readonly credit: number })
  | (AnsweredBase<MessageId> & { readonly outcome: 'not-applicable'; readonly reason: string })
  | { readonly outcome: 'insufficient-evidence'; readonly reason: string; readonly toCapture: string };

export type Evaluator<K extends MeasuredKind, Options, MessageId extends string> = (
  context: EvaluatorContext<K, Options>,
) => EvaluatorResult<MessageId>;

export interface CheckSpec<Id extends string, OptionsSchema extends z.ZodObject, MessageId extends string> {
  /** Kebab-case; equals the file name. Phrased so that "pass" means the property holds. */
  readonly id: Id;
  /** Equals the folder the check lives in. */
  readonly area: Area;
  readonly severity: Severity;
  readonly title: string;
  /** The question a reviewer asks; the walk-through asks it verbatim. */
  readonly question: string;
  /** Why it matters in production. */
  readonly rationale: string;
  readonly remediation: Remediation;
  /** Every kind of evidence that can answer this check, strongest first — including evaluators still to come. */
  readonly answerableBy: readonly [EvidenceKind, ...EvidenceKind[]];
  /**
   * When a "not applicable" answer is legitimate (e.g. "the system has no high-risk tools").
   * Absent: the check always applies, and an attested not-applicable is not accepted.
   */
  readonly notApplicableWhen?: Applicability;
  /** Message templates by id; `{{name}}` is replaced with the evaluator's data. */
  readonly messages: Readonly<Record<MessageId, string>>;
  /** Per-check options (set under `policy.checks.<id>` in mimir.yaml), with defaults. */
  readonly options: OptionsSchema;
  readonly evaluators: {
    readonly [K in MeasuredKind]?: Evaluator<K, z.output<OptionsSchema>, MessageId>;
  };
}

export type Check<Id extends string = string, OptionsSchema extends z.ZodObject = z.ZodObject, MessageId extends string = string> = CheckSpec<
  Id,
  OptionsSchema,
  MessageId
> & { readonly kind: 'mimir-check' };

/** A check with its type parameters erased, as the registry and the engine see it. */
// The evaluators' parameter types are contravariant, so the erased form must accept any options.
export type AnyCheck = Omit<Check, 'evaluators'> & {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly evaluators: { readonly [K in MeasuredKind]?: Evaluator<K, any, string> };
};

const KEBAB_CASE = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/**
 * Declares a check. Validates what TypeScript cannot: the id's shape, non-empty texts, and that a
 * measured evaluator is only given for a kind the check declares answerable.
 */
export function defineCheck<const Id extends string, OptionsSchema extends z.ZodObject, MessageId extends string = never>(
  spec: CheckSpec<Id, OptionsSchema, MessageId>,
): Check<Id, OptionsSchema, MessageId> {
  if (!KEBAB_CASE.test(spec.id)) throw new Error(`check id "${spec.id}" must be kebab-case`);
  for (const field of ['title', 'question', 'rationale'] as const) {
    if (spec[field].trim() === '') throw new Error(`check ${spec.id}: ${field} is empty`);
  }
  if (spec.remediation.text.trim() === '') throw new Error(`check ${spec.id}: remediation text is empty`);
  for (const kind of Object.keys(spec.evaluators) as MeasuredKind[]) {
    if (!spec.answerableBy.includes(kind)) {
      throw new Error(`check ${spec.id} has a ${kind} evaluator but does not declare ${kind} in answerableBy`);
    }
  }
  if (new Set(spec.answerableBy).size !== spec.answerableBy.length) {
    throw new Error(`check ${spec.id}: answerableBy lists a kind twice`);
  }
  // Defaults must satisfy the schema, so a check with no configured options still runs.
  spec.options.parse({});
  return Object.freeze({ ...spec, kind: 'mimir-check' as const });
}

/** A check that has no options uses this. */
export const noOptions = z.strictObject({});
