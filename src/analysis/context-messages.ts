import type { Message, Step } from '../model/index.js';
import { ERROR_KEY_CHARS, MIN_ERROR_CHARS, MIN_RELAY_CHARS } from './context-limits.js';
import { normalizeWhitespace } from './context-text.js';
import { countO200kTokens } from './token-count.js';

/** How the context analysis reads one message and one error of a run: where a message comes from, and when an error is handled. */

/**
 * A failure whose text may be replayed. It counts as handled once the model has reacted to it (a
 * successful llm call after it) and a tool call has succeeded after it (the retry or the fallback
 * worked): from then on the text has no job left in the prompt. The reacting call itself is
 * expected to see the error, so it is never an echo, and neither is a parallel call that succeeded
 * before the model even saw the failure.
 */
export interface PendingError {
  readonly key: string;
  errorStepId: string;
  position: number;
  okLlmAt?: number;
  okToolAt?: number;
  /** A captured llm call came after the error was handled, so a replay could have been seen. */
  observed: boolean;
  /** The captured call (counted from 1) whose input was last searched for the text; 0 for none. */
  searchedCall: number;
  /** Where in that input the text was found; -1 when it was not. */
  foundAt: number;
}

/** One text of a run, measured once however many calls replay it. */
export interface TextFacts {
  tokens?: number;
  normalized?: string;
  /** For user messages: whether it relays an earlier tool result (decided on first sight). */
  relay?: boolean;
  /** Tokens of what earlier blocking failures answered found in it (decided on first sight, like relay). */
  failedTokens?: number;
}

export interface Measure {
  readonly tokensOf: (text: string) => number;
  readonly normalizedOf: (text: string) => string;
  readonly facts: (text: string) => TextFacts;
  /** Results of the tool steps so far in the run (worked out on demand), as long as a relay must be. */
  readonly toolResults: () => readonly ToolResultText[];
  /** Normalized results and error messages of the failed tool calls so far in the run. */
  readonly failedResults: ReadonlySet<string>;
}

/**
 * Where a message of an input comes from. Context bleed is the context filling with the agent's own
 * earlier output and mistakes (DESIGN.md): `own` (assistant messages: its plans, guesses and calls)
 * and `failed-result` (what its failed calls answered) count; `tool-result` (data it fetched: the
 * task's material, judged by tool-results-are-condensed) and `instructions` (system and user) do not.
 * A user message that carries an earlier tool result is that result: several frameworks relay tool
 * results in the user role. A later user message that relays nothing (a clarification) stays the
 * user's.
 */
export type MessageSource = 'own' | 'failed-result' | 'tool-result' | 'instructions';

export function messageSource(message: Message, measure: Measure): MessageSource {
  switch (message.role) {
    case 'assistant':
      return 'own';
    case 'tool':
      return isFailedResult(message.content, measure) ? 'failed-result' : 'tool-result';
    case 'user':
      if (isRelay(message.content, measure)) return 'tool-result';
      return isFailedResult(message.content, measure) ? 'failed-result' : 'instructions';
    case 'system':
      return 'instructions';
  }
}

/** Whether the text is, or holds, what a blocking failure answered. */
export function isFailedResult(content: string, measure: Measure): boolean {
  return failedTokens(content, measure) > 0;
}

/**
 * Tokens of the blocking failures' answers in a message: all of it when it is one, else the answers
 * it quotes (those long enough to recognise), so a prompt rebuilt around a one-line error note counts
 * the note, not the prompt.
 */
export function failedTokens(content: string, measure: Measure): number {
  const entry = measure.facts(content);
  // No blocking failure yet (the usual case): nothing to find, and no text need be normalized.
  if (entry.failedTokens === undefined && measure.failedResults.size === 0) entry.failedTokens = 0;
  if (entry.failedTokens === undefined) {
    const normalized = measure.normalizedOf(content);
    if (measure.failedResults.has(normalized)) entry.failedTokens = measure.tokensOf(content);
    else {
      let quoted = 0;
      for (const failed of measure.failedResults) if (failed.length >= MIN_RELAY_CHARS && normalized.includes(failed)) quoted += countO200kTokens(failed);
      entry.failedTokens = quoted;
    }
  }
  return entry.failedTokens;
}

/** The index of the first message from `start` on that matches; -1 if none does. */
export function findFrom(messages: readonly Message[], start: number, matches: (message: Message) => boolean): number {
  for (let at = start; at < messages.length; at++) if (matches(messages[at] as Message)) return at;
  return -1;
}

/** A tool result's text as recorded, and (once a check needed it) with its whitespace normalized. */
export interface ToolResultText {
  readonly raw: string;
  normalized?: string;
}

/**
 * Whether a message relays an earlier tool result: holds one of at least MIN_RELAY_CHARS, whitespace
 * aside. A message that holds the result verbatim holds it normalized too (every whitespace run
 * inside the result is one inside the message, and normalization trims the result's ends), so that
 * case, the usual one (frameworks paste the result in), needs neither text normalized.
 */
export function isRelay(content: string, measure: Measure): boolean {
  const entry = measure.facts(content);
  if (entry.relay === undefined) {
    const results = measure.toolResults();
    // No tool result yet (a task's first message): nothing to relay, and no text need be normalized.
    if (results.length === 0) entry.relay = false;
    else if (results.some((result) => content.includes(result.raw) && longEnoughToRelay(result))) entry.relay = true;
    else {
      const normalized = measure.normalizedOf(content);
      entry.relay = results.some((result) => {
        const wanted = normalizedResult(result);
        return wanted.length >= MIN_RELAY_CHARS && normalized.includes(wanted);
      });
    }
  }
  return entry.relay;
}

/**
 * Whether the result, normalized, is at least MIN_RELAY_CHARS long. Printable ASCII characters
 * (never whitespace) all survive normalization, so a long result is settled without normalizing it.
 */
function longEnoughToRelay(result: ToolResultText): boolean {
  let printable = 0;
  for (let at = 0; at < result.raw.length && printable < MIN_RELAY_CHARS; at++) {
    const code = result.raw.charCodeAt(at);
    if (code > 32 && code < 127) printable++;
  }
  return printable >= MIN_RELAY_CHARS || normalizedResult(result).length >= MIN_RELAY_CHARS;
}

function normalizedResult(result: ToolResultText): string {
  result.normalized ??= normalizeWhitespace(result.raw);
  return result.normalized;
}

export function handledBefore(error: PendingError, position: number): boolean {
  return error.okLlmAt !== undefined && error.okToolAt !== undefined && Math.max(error.okLlmAt, error.okToolAt) < position;
}

export function recordError(errors: Map<string, PendingError>, step: Step, position: number, texts: readonly (string | undefined)[]): void {
  for (const text of texts) {
    if (text === undefined) continue;
    const normalized = normalizeWhitespace(text);
    if (normalized.length < MIN_ERROR_CHARS) continue;
    const key = normalized.slice(0, ERROR_KEY_CHARS);
    const existing = errors.get(key);
    if (existing) {
      // The same failure again: a replay is judged from its latest occurrence, not the first.
      existing.position = position;
      existing.errorStepId = step.id;
      delete existing.okLlmAt;
      delete existing.okToolAt;
    } else {
      errors.set(key, { key, errorStepId: step.id, position, observed: false, searchedCall: 0, foundAt: -1 });
    }
  }
}

export function markSuccess(errors: Map<string, PendingError>, position: number, field: 'okLlmAt' | 'okToolAt'): void {
  for (const error of errors.values()) {
    if (error[field] === undefined && error.position < position) error[field] = position;
  }
}
