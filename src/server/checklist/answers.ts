import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Document } from 'yaml';
import { loadConfig, type LoadedConfig } from '../../audit/load-config.js';
import type { AnyCheck } from '../../checks/define-check.js';
import { attestationExpiry } from '../../checks/evaluate-check.js';
import { CHECKS } from '../../checks/registry.js';
import { readAnswersFile, upsertAnswer } from '../../evidence/attestation/answers-file.js';
import { DEFAULT_POLICY, type Answer, type Attestation, type SystemDescription } from '../../model/index.js';
import { UserError } from '../../shared/errors.js';
import { fileExists } from '../../shared/read-user-file.js';

/**
 * The answers file as the checklist walk-through reads and writes it: where it is, which answers a
 * check offers, whether an answer still counts, and one way to record an answer. `mimir walk` (in the
 * terminal) and `mimir serve`'s checklist API (in the browser) both go through here, so an answer
 * written by either is the same YAML, validated the same way.
 */
export interface AnswersLocation {
  readonly answersPath: string;
  readonly validityDays: number;
  readonly system: SystemDescription | undefined;
  readonly configPath: string;
  /** mimir.yaml as an audit reads it; undefined when there is none (answers file named on its own). */
  readonly config: LoadedConfig | undefined;
}

/** mimir.yaml's answers file (or `mimir-answers.yaml` beside it), unless one is named explicitly. */
export async function resolveAnswersLocation(configPath: string, answersOverride: string | undefined): Promise<AnswersLocation> {
  if (await fileExists(configPath)) {
    const config = await loadConfig(configPath);
    return {
      answersPath: answersOverride ?? config.answersPath ?? join(dirname(configPath), 'mimir-answers.yaml'),
      validityDays: config.policy.attestationValidityDays,
      system: config.system,
      configPath,
      config,
    };
  }
  if (answersOverride !== undefined) return { answersPath: answersOverride, validityDays: DEFAULT_POLICY.attestationValidityDays, system: undefined, configPath, config: undefined };
  throw new UserError('file-not-found', `config file not found: ${configPath}`, {
    hint: 'Create one with `mimir init`, point at it with --config, or name the answers file with --answers.',
  });
}

/** An answer that has not expired by `now` is valid: the walk-through does not ask it again. */
export function isAnswerValid(attestation: Attestation | undefined, validityDays: number, now: Date): boolean {
  return attestation !== undefined && attestationExpiry(attestation, validityDays).getTime() > now.getTime();
}

/** Not-applicable is offered only where the check allows it and mimir.yaml does not contradict it. */
export function answerOptions(check: AnyCheck, system: SystemDescription | undefined): Answer[] {
  const options: Answer[] = ['yes', 'partial', 'no'];
  const applicability = check.notApplicableWhen;
  if (applicability !== undefined && (system === undefined || applicability.contradictedBy?.(system) === undefined)) options.push('not-applicable');
  return options;
}

export interface AnswerInput {
  readonly checkId: string;
  readonly answer: Answer;
  readonly by: string;
  readonly note?: string;
}

/**
 * What is wrong with an answer before it is written, or undefined: the check must exist, the answer
 * must be one it offers, someone must say who answered, and not-applicable needs its reason.
 */
export function answerProblem(input: AnswerInput, system: SystemDescription | undefined, checks: readonly AnyCheck[] = CHECKS): { message: string; expected: string } | undefined {
  const check = checks.find((c) => c.id === input.checkId);
  if (!check) return { message: `there is no check "${input.checkId}"`, expected: 'a check id from `mimir checks`' };
  const options = answerOptions(check, system);
  if (!options.includes(input.answer)) {
    const why = input.answer === 'not-applicable' ? ` (${check.notApplicableWhen ? 'mimir.yaml describes a system it applies to' : 'this check always applies'})` : '';
    return { message: `"${input.answer}" is not an answer to ${check.id}${why}`, expected: options.join(' | ') };
  }
  if (input.by.trim() === '') return { message: 'say who answered', expected: 'a name or an email in "by"' };
  if (input.answer === 'not-applicable' && (input.note ?? '').trim() === '') return { message: `not-applicable needs a note saying why ${check.id} does not apply`, expected: 'a non-empty "note"' };
  return undefined;
}

/** The answers file open for writing: the YAML document kept between answers, so comments and order survive. */
export interface OpenAnswers {
  readonly path: string;
  readonly attestations: ReadonlyMap<string, Attestation>;
  /** Writes one answer to the file at once (dated `now`, as YYYY-MM-DD) and returns what was written. */
  record(input: AnswerInput, now: Date): Promise<Attestation>;
}

export async function openAnswers(path: string, checks: readonly AnyCheck[] = CHECKS): Promise<OpenAnswers> {
  const existing = (await fileExists(path)) ? await readAnswersFile(path, checks.map((c) => c.id)) : undefined;
  const document = existing?.source.document ?? new Document({ version: 1, answers: {} });
  const attestations = new Map(existing?.attestations ?? []);
  return {
    path,
    attestations,
    async record(input, now) {
      const note = input.note?.trim() ?? '';
      const attestation: Omit<Attestation, 'file' | 'line'> = {
        checkId: input.checkId,
        answer: input.answer,
        by: input.by.trim(),
        at: now.toISOString().slice(0, 10),
        ...(note !== '' && { note }),
      };
      await writeFile(path, upsertAnswer(document, attestation));
      const written = { ...attestation, file: path };
      attestations.set(input.checkId, written);
      return written;
    },
  };
}
