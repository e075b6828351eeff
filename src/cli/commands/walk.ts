import { AREA_TITLES, AREAS, MEASURED_EVIDENCE_KINDS, type Answer, type Area, type Attestation, type SystemDescription } from '../../model/index.js';
import { CHECKS } from '../../checks/registry.js';
import type { AnyCheck } from '../../checks/define-check.js';
import { UserError } from '../../shared/errors.js';
import { answerOptions, isAnswerValid, openAnswers, resolveAnswersLocation } from '../../server/checklist/answers.js';
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
  const { answersPath, validityDays, system } = await resolveAnswersLocation(options.config, options.answers);
  const width = terminalWidth(io);
  const answers = await openAnswers(answersPath);
  const attestations = answers.attestations;
  const now = auditClock(io);
  const by = options.by ?? (await prompter.input('Who is answering? (name or email, recorded with every answer)', { default: io.env.USER ?? '', required: true }));

  const areas = options.area ? [options.area] : AREAS;
  let answered = 0;
  for (const [areaIndex, area] of areas.entries()) {
    const pending = CHECKS.filter((c) => c.area === area && (options.revisit || !isAnswerValid(attestations.get(c.id), validityDays, now)));
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
      await answers.record({ checkId: check.id, answer: choice, by, note }, now);
      answered++;
    }
  }
  prompter.say(['', ...wrap(`Done: ${answered} answer(s) saved in ${answersPath}. Next: \`mimir audit\`.`, width)].join('\n'));
  return 0;
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

const ANSWER_NAMES: Readonly<Record<Answer, string>> = { yes: 'yes', partial: 'partially', no: 'no', 'not-applicable': 'not applicable' };

/** The answers the check offers (shared with the web form), then skipping and quitting. */
function choicesFor(check: AnyCheck, system: SystemDescription | undefined): { value: Choice; name: string; description?: string }[] {
  const choices: { value: Choice; name: string; description?: string }[] = answerOptions(check, system).map((answer) =>
    answer === 'not-applicable' && check.notApplicableWhen
      ? { value: answer, name: ANSWER_NAMES[answer], description: `Only when ${check.notApplicableWhen.description}` }
      : { value: answer, name: ANSWER_NAMES[answer] },
  );
  choices.push({ value: 'skip', name: 'skip for now' }, { value: 'quit', name: 'save and quit' });
  return choices;
}
