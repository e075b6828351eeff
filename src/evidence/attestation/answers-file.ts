import { isMap, isScalar, type Document } from 'yaml';
import { z } from 'zod';
import { ANSWERS, type Attestation } from '../../model/index.js';
import { UserError } from '../../shared/errors.js';
import { formatVersionOne } from '../../shared/format-version.js';
import { readUserFile } from '../../shared/read-user-file.js';
import { closestMatch } from '../../shared/suggest.js';
import { locateKeyInYaml, parseYamlSource, throwIfInvalid, type YamlSource } from '../../shared/yaml-source.js';

/**
 * The answers file: a person's attestation per check, e.g.
 *
 *   version: 1
 *   answers:
 *     retries-are-bounded:
 *       answer: yes            # yes | no | partial | not-applicable
 *       note: tenacity policy, 3 attempts, exponential backoff
 *       by: alice@example.com
 *       at: 2026-11-20
 *       expires: 2027-05-20    # optional; default: policy validity after `at`
 */
const isoDate = z.union([z.iso.date(), z.iso.datetime({ offset: true })], {
  error: 'expected a date such as 2026-11-20 (or a full ISO timestamp)',
});

export const answerSchema = z.strictObject({
  answer: z.enum(ANSWERS, { error: `expected one of: ${ANSWERS.join(', ')}` }),
  note: z.string().optional().describe('What the answer rests on; required for not-applicable.'),
  by: z.string().trim().min(1, 'say who answered (a name or an email)').describe('Who answered.'),
  at: isoDate.describe('When the answer was given.'),
  expires: isoDate.optional().describe('When the answer stops counting.'),
});

/** The schema, with the catalogue's ids as the allowed keys (so editors can complete them). */
export function answersFileSchema(checkIds: readonly string[]) {
  return z.strictObject({
    $schema: z.string().optional(),
    version: formatVersionOne('answers file').describe('Answers file format version.'),
    answers: z
      .strictObject(Object.fromEntries(checkIds.map((id) => [id, answerSchema.optional()])))
      .default({})
      .describe('Answers by check id.'),
  });
}

export interface AnswersFile {
  readonly path: string;
  readonly source: YamlSource;
  readonly attestations: ReadonlyMap<string, Attestation>;
}

const HINT = 'See `mimir explain <check-id>` for each question, or let `mimir walk` write the file for you.';

export async function readAnswersFile(path: string, checkIds: readonly string[]): Promise<AnswersFile> {
  const text = await readUserFile(path, 'answers file');
  return parseAnswersFile(text, path, checkIds);
}

export function parseAnswersFile(text: string, path: string, checkIds: readonly string[]): AnswersFile {
  const source = parseYamlSource(text, path);
  rejectUnknownCheckIds(source, checkIds);
  const schema = answersFileSchema(checkIds);
  const parsed = throwIfInvalid(schema.safeParse(source.value ?? {}), source, 'invalid-answers', 'answers file', HINT, schema);
  const attestations = new Map<string, Attestation>();
  for (const [checkId, answer] of Object.entries(parsed.answers)) {
    if (!answer) continue;
    const position = locateKeyInYaml(source, ['answers'], checkId);
    attestations.set(checkId, {
      checkId,
      answer: answer.answer,
      by: answer.by,
      at: answer.at,
      file: path,
      ...(answer.note !== undefined && { note: answer.note }),
      ...(answer.expires !== undefined && { expires: answer.expires }),
      ...(position && { line: position.line }),
    });
  }
  return { path, source, attestations };
}

/** Unknown ids get their own error code and a suggestion: most are typos of a real id. */
function rejectUnknownCheckIds(source: YamlSource, checkIds: readonly string[]): void {
  const answers = source.document.get('answers', true);
  if (!isMap(answers)) return;
  const known = new Set(checkIds);
  const problems = answers.items.flatMap((item) => {
    const key = isScalar(item.key) ? String(item.key.value) : String(item.key);
    if (known.has(key)) return [];
    const suggestion = closestMatch(key, checkIds);
    return [
      {
        message: `unknown check id "${key}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
        location: { file: source.file, ...locateKeyInYaml(source, ['answers'], key) },
        expected: 'a check id from `mimir checks`',
      },
    ];
  });
  if (problems.length > 0) {
    throw new UserError('unknown-check', `${source.file} answers checks that do not exist`, { problems, hint: 'List the valid ids with `mimir checks`.' });
  }
}

/**
 * Sets one answer in the file's YAML document, keeping the user's comments and order.
 * Returns the new file text.
 */
export function upsertAnswer(document: Document, attestation: Omit<Attestation, 'file' | 'line'>): string {
  if (!document.has('version')) document.set('version', 1);
  if (!isMap(document.get('answers', true))) document.set('answers', document.createNode({}));
  const entry: Record<string, string> = { answer: attestation.answer };
  if (attestation.note !== undefined && attestation.note !== '') entry.note = attestation.note;
  entry.by = attestation.by;
  entry.at = attestation.at;
  if (attestation.expires !== undefined) entry.expires = attestation.expires;
  document.setIn(['answers', attestation.checkId], document.createNode(entry));
  return document.toString();
}
