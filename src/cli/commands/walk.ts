import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Document } from 'yaml';
import { AREA_TITLES, AREAS, MEASURED_EVIDENCE_KINDS, type Answer, type Area, type Attestation, type SystemDescription } from '../../model/index.js';
import { readAnswersFile, upsertAnswer } from '../../evidence/attestation/answers-file.js';
import { attestationExpiry } from '../../checks/evaluate-check.js';
import { CHECKS } from '../../checks/registry.js';
import type { AnyCheck } from '../../checks/define-check.js';
import { loadConfig } from '../../audit/load-config.js';
import { DEFAULT_POLICY } from '../../model/index.js';
import { UserError } from '../../shared/errors.js';
import { fileExists } from '../../shared/read-user-file.js';
import { wrap } from '../../report/text/wrap.js';
import { auditClock, terminalWidth, type CliIo } from '../io.js';
import type { Prompter } from '../prompter.js';

export interface WalkOptions {
  readonly config: string;
  readonly answers?: string;
  readonly area?: Area;
  /** Ask again even where a valid answer exists. */
  readonly revisit: boolean;
  readonly by?: string;
}

type Choice = Answer | 'skip' | 'quit';

/**
 * The attestation walk-through: area by area, each check's question, why it matters and the
 * options. Every answer is written to the answers file at once, so quitting loses nothing and
 * running it again resumes where it stopped (valid answers are not asked again).
 */
export async function walkCommand(options: WalkOptions, io: CliIo, prompter: Prompter | undefined): Promise<number> {
  if (!prompter) {
    throw new UserError('not-interactive', 'mimir walk is interactive and needs a terminal', {
      hint: 'Run it in a terminal, or edit the answers file directly (schema: schemas/answers.schema.json; `mimir explain <id>` shows each question).',
    });
  }
  const { answersPath, validityDays, system } = await resolveAnswersPath(options);
  const width = terminalWidth(io);
  const checkIds = CHECKS.map((c) => c.id);
  const existing = (await fileExists(answersPath)) ? await readAnswersFile(answersPath, checkIds) : undefined;
  const document = existing?.source.document ?? new Document({ version: 1, answers: {} });
  const attestations = new Map(existing?.attestations ?? []);
  const now = auditClock(io);
  const by = options.by ?? (await prompter.input('Who is answering? (name or email, recorded with every answer)', { default: io.env.USER ?? '', required: true }));

  const areas = options.area ? [options.area] : AREAS;
  let answered = 0;
  for (const [areaIndex, area] of areas.entries()) {
    const pending = CHECKS.filter((c) => c.area === area && (options.revisit || !isValid(attestations.get(c.id), validityDays, now)));
    prompter.say(`\n━━ ${AREA_TITLES[area]} (${areaIndex + 1}/${areas.length}) — ${pending.length} question(s) to answer`);
    for (const [index, check] of pending.entries()) {
      prompter.say(describe(check, index, pending.length, attestations.get(check.id), width));
      const choice = await prompter.select<Choice>('Your answer:', choicesFor(check, system));
      if (choice === 'quit') {
        prompter.say(wrap(`Stopped. ${answered} answer(s) saved in ${answersPath}; run \`mimir walk\` again to resume.`, width).join('\n'));
        return 0;
      }
      if (choice === 'skip') continue;
      const note = await prompter.input(
        choice === 'not-applicable' ? 'Why does it not apply? (required)' : 'Note — what does this answer rest on? (optional)',
        { required: choice === 'not-applicable' },
      );
      const attestation: Omit<Attestation, 'file' | 'line'> = {
        checkId: check.id,
        answer: choice,
        by,
        at: now.toISOString().slice(0, 10),
        ...(note.trim() !== '' && { note: note.trim() }),
      };
      await writeFile(answersPath, upsertAnswer(document, attestation));
      attestations.set(check.id, { ...attestation, file: answersPath });
      answered++;
    }
  }
  prompter.say(['', ...wrap(`Done: ${answered} answer(s) saved in ${answersPath}. Next: \`mimir audit\`.`, width)].join('\n'));
  return 0;
}

async function resolveAnswersPath(options: WalkOptions): Promise<{ answersPath: string; validityDays: number; system: SystemDescription | undefined }> {
  if (await fileExists(options.config)) {
    const loaded = await loadConfig(options.config);
    return {
      answersPath: options.answers ?? loaded.answersPath ?? join(dirname(options.config), 'mimir-answers.yaml'),
      validityDays: loaded.policy.attestationValidityDays,
      system: loaded.system,
    };
  }
  if (options.answers !== undefined) return { answersPath: options.answers, validityDays: DEFAULT_POLICY.attestationValidityDays, system: undefined };
  throw new UserError('file-not-found', `config file not found: ${options.config}`, {
    hint: 'Create one with `mimir init`, point at it with --config, or name the answers file with --answers.',
  });
}

function isValid(attestation: Attestation | undefined, validityDays: number, now: Date): boolean {
  return attestation !== undefined && attestationExpiry(attestation, validityDays).getTime() > now.getTime();
}

function describe(check: AnyCheck, index: number, total: number, previous: Attestation | undefined, width: number): string {
  const measurable = check.answerableBy.some((k) => MEASURED_EVIDENCE_KINDS.includes(k));
  const paragraphs = [check.question, `Why it matters: ${check.rationale}`];
  if (measurable) {
    paragraphs.push(`Measurable from ${check.answerableBy.filter((k) => k !== 'attestation').join(' or ')}: an attested answer earns at most the policy's attestation factor until it is shown.`);
  }
  if (previous) paragraphs.push(`Previously: ${previous.answer} by ${previous.by} on ${previous.at}${previous.note ? ` — ${previous.note}` : ''}`);
  return [
    '',
    ...wrap(`${check.title} (${check.severity}, ${check.id})`, width, { firstPrefix: `[${index + 1}/${total}] ` }),
    ...paragraphs.flatMap((p) => wrap(p, width, { firstPrefix: '  ' })),
  ].join('\n');
}

/** Not-applicable is offered only where the check allows it and mimir.yaml does not contradict it. */
function choicesFor(check: AnyCheck, system: SystemDescription | undefined): { value: Choice; name: string; description?: string }[] {
  const choices: { value: Choice; name: string; description?: string }[] = [
    { value: 'yes', name: 'yes' },
    { value: 'partial', name: 'partially' },
    { value: 'no', name: 'no' },
  ];
  const applicability = check.notApplicableWhen;
  if (applicability !== undefined && (system === undefined || applicability.contradictedBy?.(system) === undefined)) {
    choices.push({ value: 'not-applicable', name: 'not applicable', description: `Only when ${applicability.description}` });
  }
  choices.push({ value: 'skip', name: 'skip for now' }, { value: 'quit', name: 'save and quit' });
  return choices;
}
