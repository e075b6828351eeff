import { RISK_CLASSES } from '../../model/index.js';
import { canonicalJson, sha256 } from '../../shared/hash.js';
import { FAULT_KINDS, GENESIS_HASH, LEDGER_DISPOSITIONS, type LedgerEntry, type LedgerRecord } from '../types.js';

/**
 * The hash chain every ledger shares: entry n carries `seq` n, the `prev` hash of entry n − 1
 * (`GENESIS_HASH` for the first) and its own `hash` = sha256(prev + canonical JSON of the entry
 * without `hash`). Editing any field changes that hash; deleting, moving or inserting an entry breaks
 * the `prev` links or the `seq` run around it.
 */

/**
 * Longest ledger line written or read. The proxy keeps tool results far smaller; the limit exists
 * so a damaged file (one enormous line) cannot exhaust memory while it is verified.
 */
export const MAX_LEDGER_LINE_BYTES = 64 * 1024 * 1024;

/** The hash of an entry, from the entry without its `hash` field. */
export function entryHash(unhashed: { readonly prev: string }): string {
  return sha256(unhashed.prev + canonicalJson(unhashed));
}

/** The hash an entry read back from a file should have: its own content, `hash` left out. */
export function recomputeHash(entry: Readonly<Record<string, unknown>>): string {
  const unhashed: Record<string, unknown> = { ...entry };
  delete unhashed.hash;
  return sha256(String(unhashed.prev) + canonicalJson(unhashed));
}

export interface ChainedEntry {
  /** The entry exactly as it reads back from the line (plain JSON: no `undefined`, no class instances). */
  readonly entry: LedgerEntry;
  /** The JSON line to write, newline included. */
  readonly line: string;
}

/** Where a chain stands: how many entries it has and the hash of the last one. */
export interface ChainHead {
  readonly entries: number;
  readonly lastHash: string;
}

export const EMPTY_CHAIN: ChainHead = { entries: 0, lastHash: GENESIS_HASH };

/**
 * The next link of a chain. Computing it changes nothing, so a failed write leaves the chain where
 * it was; `advance` commits it. A record's own `seq`, `prev` or `hash` (a LedgerEntry passed back in)
 * are replaced, never trusted.
 */
export class LedgerChain {
  private head: ChainHead;

  constructor(start: ChainHead = EMPTY_CHAIN) {
    this.head = start;
  }

  get entries(): number {
    return this.head.entries;
  }

  get lastHash(): string {
    return this.head.lastHash;
  }

  /** Throws (a TypeError from JSON) when the record is not JSON data, e.g. holds a bigint or a cycle. */
  next(record: LedgerRecord): ChainedEntry {
    const unhashed: Record<string, unknown> = { ...record, seq: this.head.entries, prev: this.head.lastHash };
    delete unhashed.hash;
    const hash = entryHash(unhashed as { prev: string });
    const json = canonicalJson({ ...unhashed, hash });
    return { entry: JSON.parse(json) as LedgerEntry, line: `${json}\n` };
  }

  advance(chained: ChainedEntry): void {
    this.head = { entries: chained.entry.seq + 1, lastHash: chained.entry.hash };
  }
}

// ─── Shape of an entry read back ─────────────────────────────────────────────────────────────────

const HEX_64 = /^[0-9a-f]{64}$/;
const EVENTS: readonly string[] = ['call', 'run-start', 'run-end', 'kill', 'resume'];
const APPROVAL_DECISIONS: readonly string[] = ['approved', 'denied', 'timeout'];

/**
 * What is wrong with a parsed line as a ledger entry, or undefined when it is one. Extra fields are
 * allowed (they are hashed like the rest, so a newer writer's entries still verify).
 */
export function entryShapeProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const entry = value as Record<string, unknown>;
  return (
    wholeNumber(entry, 'seq', 0) ??
    hex(entry, 'prev') ??
    hex(entry, 'hash') ??
    text(entry, 'runId') ??
    text(entry, 'scenarioId') ??
    wholeNumber(entry, 'trial', 0) ??
    oneOf(entry, 'event', EVENTS) ??
    text(entry, 'startedAt') ??
    optional(entry, 'tool', () => text(entry, 'tool')) ??
    optional(entry, 'callIndex', () => wholeNumber(entry, 'callIndex', 1)) ??
    optional(entry, 'risk', () => oneOf(entry, 'risk', RISK_CLASSES)) ??
    optional(entry, 'disposition', () => oneOf(entry, 'disposition', LEDGER_DISPOSITIONS)) ??
    optional(entry, 'isError', () => (typeof entry.isError === 'boolean' ? undefined : `isError must be true or false, found ${show(entry.isError)}`)) ??
    optional(entry, 'durationMs', () =>
      typeof entry.durationMs === 'number' && entry.durationMs >= 0 ? undefined : `durationMs must be a number ≥ 0, found ${show(entry.durationMs)}`,
    ) ??
    optional(entry, 'fault', () => nested(entry, 'fault', (fault) => oneOf(fault, 'kind', FAULT_KINDS) ?? wholeNumber(fault, 'rule', 0))) ??
    optional(entry, 'protocolError', () =>
      nested(entry, 'protocolError', (error) => (typeof error.code === 'number' ? undefined : `code must be a number, found ${show(error.code)}`) ?? text(error, 'message')),
    ) ??
    optional(entry, 'approval', () =>
      nested(entry, 'approval', (approval) => text(approval, 'tool') ?? oneOf(approval, 'decision', APPROVAL_DECISIONS) ?? text(approval, 'approvalId')),
    )
  );
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const json = JSON.stringify(value);
  return json.length > 40 ? `${json.slice(0, 37)}…` : json;
}

function optional(entry: Record<string, unknown>, key: string, check: () => string | undefined): string | undefined {
  return entry[key] === undefined ? undefined : check();
}

function wholeNumber(entry: Record<string, unknown>, key: string, min: number): string | undefined {
  const value = entry[key];
  return Number.isSafeInteger(value) && (value as number) >= min ? undefined : `${key} must be a whole number ≥ ${min}, found ${show(value)}`;
}

function hex(entry: Record<string, unknown>, key: string): string | undefined {
  const value = entry[key];
  return typeof value === 'string' && HEX_64.test(value) ? undefined : `${key} must be a sha256 hash (64 lowercase hex digits), found ${show(value)}`;
}

function text(entry: Record<string, unknown>, key: string): string | undefined {
  return typeof entry[key] === 'string' ? undefined : `${key} must be a string, found ${show(entry[key])}`;
}

function oneOf(entry: Record<string, unknown>, key: string, allowed: readonly string[]): string | undefined {
  const value = entry[key];
  return typeof value === 'string' && allowed.includes(value) ? undefined : `${key} must be one of ${allowed.join(', ')}, found ${show(value)}`;
}

function nested(entry: Record<string, unknown>, key: string, check: (value: Record<string, unknown>) => string | undefined): string | undefined {
  const value = entry[key];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `${key} must be an object, found ${show(value)}`;
  const problem = check(value as Record<string, unknown>);
  return problem === undefined ? undefined : `${key}.${problem}`;
}
