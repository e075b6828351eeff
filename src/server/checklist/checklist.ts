import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { auditSystem, runAuditWithEvidence } from '../../audit/run-audit.js';
import { CHECKS } from '../../checks/registry.js';
import { readAnswersFile } from '../../evidence/attestation/answers-file.js';
import { AREA_TITLES, AREAS, DEFAULT_POLICY, MEASURED_EVIDENCE_KINDS, type Attestation, type Audit } from '../../model/index.js';
import { fileExists } from '../../shared/read-user-file.js';
import { sha256 } from '../../shared/hash.js';
import type { Checklist, ChecklistQuestion } from '../http/api-contract.js';
import { answerOptions, answerProblem, isAnswerValid, openAnswers, resolveAnswersLocation, type AnswerInput, type AnswersLocation } from './answers.js';

/**
 * The checklist walk-through for the web form: the questions `mimir walk` asks, the answers file's
 * answers, and the score those answers give. The score is `mimir audit`'s for the same mimir.yaml
 * (its answers, trace sources and probe results), recomputed on each read, so it moves with every
 * answer written here or by `mimir walk` in a terminal.
 */
export interface ChecklistSource {
  /** mimir.yaml (it need not exist: then the answers file sits in the serve directory and the default policy scores it). */
  readonly configPath: string;
  /** Overrides the answers file mimir.yaml names. */
  readonly answersPath?: string;
  /** The clock answers are dated by and expire against. */
  readonly now?: () => Date;
}

export class ChecklistAnswerRejected extends Error {
  constructor(
    message: string,
    readonly expected: string,
  ) {
    super(message);
  }
}

export interface ChecklistService {
  read(): Promise<Checklist>;
  /** Validates and writes one answer, then answers the checklist as it is after the write. */
  answer(input: AnswerInput): Promise<Checklist>;
}

export function createChecklistService(source: ChecklistSource): ChecklistService {
  const now = source.now ?? (() => new Date());
  // Writes are read-modify-write of one file: one at a time, so two quick answers both land.
  let writes: Promise<unknown> = Promise.resolve();
  const locate = async () =>
    resolveAnswersLocation(source.configPath, source.answersPath ?? ((await fileExists(source.configPath)) ? undefined : besideConfig(source.configPath)));
  return {
    async read() {
      await writes.catch(() => undefined);
      return checklistOf(await locate(), now());
    },
    answer(input) {
      const written = writes.then(async () => {
        const location = await locate();
        const problem = answerProblem(input, location.system);
        if (problem) throw new ChecklistAnswerRejected(problem.message, problem.expected);
        const answers = await openAnswers(location.answersPath);
        await answers.record(input, now());
        return checklistOf(location, now());
      });
      writes = written.catch(() => undefined);
      return written;
    },
  };
}

/** Without mimir.yaml the walk-through's own default is used: `mimir-answers.yaml` beside where mimir.yaml would be. */
function besideConfig(configPath: string): string {
  return join(dirname(configPath), 'mimir-answers.yaml');
}

async function checklistOf(location: AnswersLocation, now: Date): Promise<Checklist> {
  const checkIds = CHECKS.map((c) => c.id);
  const attestations: ReadonlyMap<string, Attestation> = (await fileExists(location.answersPath))
    ? (await readAnswersFile(location.answersPath, checkIds)).attestations
    : new Map();
  const audit = await scoreOf(location, now);
  return {
    answersFile: location.answersPath,
    areas: AREAS.map((area) => ({
      area,
      title: AREA_TITLES[area],
      questions: CHECKS.filter((check) => check.area === area).map((check): ChecklistQuestion => {
        const given = attestations.get(check.id);
        return {
          checkId: check.id,
          question: check.question,
          why: check.rationale,
          options: answerOptions(check, location.system),
          answer:
            given === undefined
              ? undefined
              : {
                  value: given.answer,
                  by: given.by,
                  at: given.at,
                  ...(given.note !== undefined && { note: given.note }),
                  expired: !isAnswerValid(given, location.validityDays, now),
                },
          measuredBy: check.answerableBy.filter((kind) => MEASURED_EVIDENCE_KINDS.includes(kind)),
        };
      }),
    })),
    score: audit.score.overall,
    verdict: audit.score.verdict,
  };
}

/** `mimir audit` for this mimir.yaml; without one, the answers alone under the default policy. */
async function scoreOf(location: AnswersLocation, now: Date): Promise<Audit> {
  if (location.config) {
    if (await fileExists(location.answersPath)) return (await runAuditWithEvidence({ config: location.configPath, answers: location.answersPath, now })).audit;
    // Before the first answer the file does not exist yet (`mimir walk` creates it too); `mimir audit`
    // would stop at the missing file, so the score is the audit with an empty answers file.
    const scratch = await mkdtemp(join(tmpdir(), 'mimir-checklist-'));
    try {
      const empty = join(scratch, 'answers.yaml');
      await writeFile(empty, 'version: 1\nanswers: {}\n');
      return (await runAuditWithEvidence({ config: location.configPath, answers: empty, now })).audit;
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }
  const checkIds = CHECKS.map((c) => c.id);
  const answers = (await fileExists(location.answersPath)) ? await readAnswersFile(location.answersPath, checkIds) : undefined;
  return auditSystem({
    system: { name: 'unnamed system', tools: [] },
    policy: DEFAULT_POLICY,
    evidence: {
      ...(answers && { attestations: answers.attestations }),
      sources: answers ? [{ kind: 'attestation', path: location.answersPath, sha256: sha256(answers.source.text) }] : [],
    },
    now,
    configPath: '(none: default policy)',
    configHash: sha256(''),
  });
}
