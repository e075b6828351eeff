import type { IncomingMessage, ServerResponse } from 'node:http';
import { ANSWERS, type Answer } from '../../model/index.js';
import { UserError } from '../../shared/errors.js';
import { ChecklistAnswerRejected, type ChecklistService } from '../checklist/checklist.js';
import type { ChecklistAnswerBody } from './api-contract.js';

/**
 *   GET /api/checklist                 the checklist with its answers and the score they give
 *   PUT /api/checklist/<check id>      one answer ({answer, by, note?}), written to the answers file
 *                                       as `mimir walk` writes it; answers the checklist after the write
 * The guard has already checked Host, Origin, token and that a write declares a JSON body.
 */
const MAX_ANSWER_BODY = 64 * 1024;
const BODY_SHAPE = '{"answer": "yes" | "partial" | "no" | "not-applicable", "by": "<name or email>", "note": "<optional; required for not-applicable>"}';

export async function handleChecklist(path: string, request: IncomingMessage, response: ServerResponse, checklist: ChecklistService | undefined): Promise<void> {
  const [status, body] = await route(path, request, checklist);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(JSON.stringify(body));
}

async function route(path: string, request: IncomingMessage, checklist: ChecklistService | undefined): Promise<readonly [number, unknown]> {
  const method = request.method ?? 'GET';
  if (checklist === undefined) {
    request.resume();
    return [404, { error: 'this server was started without a checklist source' }];
  }
  try {
    if (path === '/api/checklist') {
      request.resume();
      return method === 'GET' ? [200, await checklist.read()] : [405, { error: `${method} ${path} is not supported: answer one check with PUT /api/checklist/<check id>` }];
    }
    const checkId = decodeURIComponent(path.slice('/api/checklist/'.length));
    if (method !== 'PUT') {
      request.resume();
      return [405, { error: `${method} ${path} is not supported: PUT an answer there` }];
    }
    const answer = parseAnswerBody(await readBody(request));
    return [200, await checklist.answer({ checkId, ...answer })];
  } catch (error) {
    if (error instanceof ChecklistAnswerRejected) return [400, { error: error.message, expected: error.expected }];
    // mimir.yaml or the answers file is broken on disk: the user fixes the file, as `mimir walk` would say.
    if (error instanceof UserError) return [409, { error: error.message, ...(error.hint !== undefined && { hint: error.hint }), problems: error.problems }];
    throw error;
  }
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_ANSWER_BODY) throw new ChecklistAnswerRejected(`the body is over ${MAX_ANSWER_BODY} bytes`, BODY_SHAPE);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseAnswerBody(text: string): ChecklistAnswerBody {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new ChecklistAnswerRejected(`the body is not JSON (${error instanceof Error ? error.message : String(error)})`, BODY_SHAPE);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ChecklistAnswerRejected('the body is not an object', BODY_SHAPE);
  const { answer, by, note, ...rest } = body as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) throw new ChecklistAnswerRejected(`unknown field(s): ${unknown.join(', ')}`, BODY_SHAPE);
  if (typeof answer !== 'string' || !(ANSWERS as readonly string[]).includes(answer)) throw new ChecklistAnswerRejected(`"answer" is ${JSON.stringify(answer)}`, ANSWERS.join(' | '));
  if (typeof by !== 'string') throw new ChecklistAnswerRejected('"by" is missing', 'a name or an email in "by"');
  if (note !== undefined && typeof note !== 'string') throw new ChecklistAnswerRejected('"note" is not a string', 'a string, or no "note"');
  return { answer: answer as Answer, by, ...(note !== undefined && { note }) };
}
