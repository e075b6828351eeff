import type { Audit } from '../../model/index.js';
import { renderReport, type RedactionSetting } from '../../report/index.js';
import { UserError } from '../../shared/errors.js';

/** How long a push may take: a report is a few hundred kilobytes, on a server that acknowledges once it is stored. */
const PUSH_TIMEOUT_MS = 30_000;

/** Where the token comes from when --token is not given (the same variable `mimir serve` reads). */
export const PUSH_TOKEN_ENV = 'MIMIR_SERVE_TOKEN';

/**
 * `mimir audit --server URL`: the audit's JSON report (redacted as the local reports are) is POSTed
 * to `URL/api/audits`, where `mimir serve` validates it, keeps it in the audit history and answers
 * its id. A server that cannot be reached or refuses is a user error (exit 2): the local reports have
 * been written by then, so nothing of the audit is lost, but CI should know the history has a gap.
 * `base` comes from `serverBase`. Returns the kept audit's address.
 */
export async function pushAudit(audit: Audit, base: string, token: string | undefined, redaction: RedactionSetting): Promise<string> {
  const body = renderReport(audit, 'json', { color: false, width: 80, redaction });
  let response: Response;
  try {
    response = await fetch(`${base}/api/audits`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token !== undefined && { authorization: `Bearer ${token}` }) },
      body,
      redirect: 'error',
      signal: AbortSignal.timeout(PUSH_TIMEOUT_MS),
    });
  } catch (error) {
    throw new UserError('serve-unreachable', `could not push the audit to ${base}: ${networkReason(error)}; the reports above were written, the server's history has no copy`, {
      hint: `Start the server (\`mimir serve\`) or correct --server, then push again with \`mimir audit --server ${base}\`.`,
    });
  }
  const reply = await response.text();
  if (response.status === 201 || response.status === 200) {
    const stored = parseJson(reply) as { id?: unknown; url?: unknown } | undefined;
    if (typeof stored?.id === 'string') return `${base}/api/audits/${stored.id}`;
  }
  throw refusal(base, response.status, reply);
}

/** `--server` as a base URL without a trailing slash; checked before the audit runs, so a typo costs no probe run. */
export function serverBase(server: string): string {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    url = new URL('invalid:');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UserError('usage', `--server ${JSON.stringify(server)} is not the address of a mimir serve`, { expected: 'an http(s) URL such as http://127.0.0.1:4318', hint: 'Pass the URL `mimir serve` printed when it started.' });
  }
  return url.href.replace(/\/+$/, '');
}

function refusal(base: string, status: number, reply: string): UserError {
  const answer = parseJson(reply) as { error?: unknown; problems?: unknown } | undefined;
  const said = typeof answer?.error === 'string' ? answer.error : reply.slice(0, 200) || '(no reason given)';
  const problems = Array.isArray(answer?.problems)
    ? answer.problems.slice(0, 20).map((problem: { message?: unknown; line?: unknown; column?: unknown }) => ({
        message: `${String(problem.message)}${typeof problem.line === 'number' ? ` (report line ${problem.line}${typeof problem.column === 'number' ? `, column ${problem.column}` : ''})` : ''}`,
      }))
    : [];
  const hint =
    status === 401
      ? `The server needs its token: pass --token <secret> or set ${PUSH_TOKEN_ENV}.`
      : status === 404
        ? `${base} answered, but it is not a mimir serve with an audit history: check --server.`
        : status === 403
          ? 'The server refused this client (its Host or Origin rules): push to the address it printed when it started.'
          : 'The reports were written locally; fix what the server said and push again.';
  return new UserError('serve-refused', `${base} refused the audit (HTTP ${status}): ${said}`, { problems, hint });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** fetch() says "fetch failed" and puts the reason (ECONNREFUSED, a timeout) in its cause. */
function networkReason(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return `no answer within ${PUSH_TIMEOUT_MS / 1000} s`;
  const cause = error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  if (typeof cause?.code === 'string') return `${cause.code}${typeof cause.message === 'string' && !cause.message.includes(cause.code) ? ` (${cause.message})` : ''}`;
  return error instanceof Error ? error.message : String(error);
}
