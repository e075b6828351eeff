import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Audit } from '../../model/index.js';
import { diffAudits } from '../../report/diff.js';
import { parseAuditReport } from '../../report/parse-report.js';
import { UserError } from '../../shared/errors.js';
import type { AuditDiffReply, AuditList, AuditStored, AuditSummary } from '../http/api-contract.js';
import type { AuditRecord, ServeStore } from '../store/types.js';
import { auditToKeep } from './keep-audit.js';

/**
 * The audit history, in the shapes of api-contract.ts:
 *   GET  /api/audits?limit=N                 AuditList (newest first)
 *   POST /api/audits     (a report JSON)     AuditStored: validated as `mimir diff` reads a report, then kept
 *   GET  /api/audits/<id>                    the report JSON as kept
 *   GET  /api/audits/diff?from=<id>&to=<id>  AuditDiffReply: `mimir diff` of the two
 * The guard (token, Host, Origin, write content types) has let the request through before it gets here.
 */
export interface AuditRoutesContext {
  readonly store: ServeStore;
  /** Undefined under `--no-redact`: reports are kept as pushed. */
  readonly redaction: Parameters<typeof auditToKeep>[1];
  /** The largest report taken. */
  readonly maxBodyBytes: number;
}

type Reply = readonly [status: number, body: unknown];

export async function handleAudits(path: string, query: URLSearchParams, request: IncomingMessage, response: ServerResponse, context: AuditRoutesContext): Promise<void> {
  const method = request.method ?? 'GET';
  let reply: Reply | string;
  if (path === '/api/audits' && method === 'POST') reply = await pushAudit(request, context);
  else {
    request.resume();
    if (method !== 'GET') reply = [405, { error: `${method} ${path} is not supported: audits are listed and read with GET, pushed with POST /api/audits` }];
    else if (path === '/api/audits') reply = await listAudits(query, context.store);
    else if (path === '/api/audits/diff') reply = await diffReply(query, context.store);
    else reply = await reportOf(path.slice('/api/audits/'.length), context.store);
  }
  const headers = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };
  if (typeof reply === 'string') response.writeHead(200, headers).end(reply);
  else response.writeHead(reply[0], headers).end(JSON.stringify(reply[1]));
}

async function listAudits(query: URLSearchParams, store: ServeStore): Promise<Reply> {
  const limit = query.get('limit');
  const count = limit === null ? 100 : Number(limit);
  if (!Number.isInteger(count) || count < 1 || count > 1000) return [400, { error: `limit=${limit ?? ''} is not an audit count`, expected: 'an integer from 1 to 1000' }];
  const list: AuditList = { audits: (await store.listAudits(count)).map(summaryOf) };
  return [200, list];
}

/** The kept report itself, byte for byte: the web UI and `curl > before.json` get what `mimir diff` reads. */
async function reportOf(encodedId: string, store: ServeStore): Promise<Reply | string> {
  let id: string;
  try {
    id = decodeURIComponent(encodedId);
  } catch {
    return [400, { error: `${encodedId} is not a URL-encoded audit id`, expected: 'an id from GET /api/audits' }];
  }
  const stored = await store.getAudit(id);
  return stored === undefined ? [404, { error: `no audit ${id} is kept here (GET /api/audits lists them)` }] : stored.reportJson;
}

async function diffReply(query: URLSearchParams, store: ServeStore): Promise<Reply> {
  const from = query.get('from');
  const to = query.get('to');
  if (from === null || to === null) return [400, { error: 'a diff needs two audits', expected: 'from=<audit id>&to=<audit id> (ids from GET /api/audits)' }];
  const [before, after] = await Promise.all([store.getAudit(from), store.getAudit(to)]);
  const missing = [before === undefined && from, after === undefined && to].filter((id): id is string => typeof id === 'string');
  if (before === undefined || after === undefined) return [404, { error: `no audit ${missing.join(' or ')} is kept here (GET /api/audits lists them)` }];
  // Kept reports were validated when pushed; reading them back is a parse, not a judgement.
  const diff: AuditDiffReply = { from: summaryOf(before), to: summaryOf(after), diff: diffAudits(JSON.parse(before.reportJson) as Audit, JSON.parse(after.reportJson) as Audit) };
  return [200, diff];
}

async function pushAudit(request: IncomingMessage, context: AuditRoutesContext): Promise<Reply> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > context.maxBodyBytes) {
      request.resume();
      return [413, { error: `the report is over ${context.maxBodyBytes} bytes`, expected: `a report JSON of at most ${context.maxBodyBytes} bytes` }];
    }
    chunks.push(chunk as Buffer);
  }
  let audit: Audit;
  try {
    audit = parseAuditReport(Buffer.concat(chunks).toString('utf8'), 'the pushed report');
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    const problems = error.problems.map((problem) => ({ message: problem.message, ...(problem.location && { line: problem.location.line, column: problem.location.column }), ...(problem.expected && { expected: problem.expected }) }));
    return [400, { error: error.message, problems, expected: 'a report written by `mimir audit --format json`, unedited' }];
  }
  const kept = auditToKeep(audit, context.redaction, Date.now());
  await context.store.putAudit(kept);
  const stored: AuditStored = { id: kept.id, url: `/api/audits/${kept.id}` };
  return [201, stored];
}

function summaryOf(record: AuditRecord): AuditSummary {
  return {
    id: record.id,
    receivedAt: new Date(record.receivedAtMs).toISOString(),
    auditedAt: record.auditedAt,
    system: record.system,
    score: record.score,
    verdict: record.verdict,
    source: record.source,
  };
}
