// Over 400 lines: one analysis (follow distinctive values across tasks) whose rules for what counts as a leak belong together.
import type { Message, Run, Step } from '../model/index.js';
import { viewRun } from './run-view.js';
import { memoryAccessOf } from './memory.js';
import { runRef } from './support.js';
import { MAX_EXAMPLES, type RunAnalyzer, type RunRef, type RunView } from './basics.js';

/**
 * Whether one task's data shows up in another task's context: a canary test run over the corpus.
 *
 * Distinctive values (email addresses, and identifiers such as order numbers, account ids and
 * UUIDs: tokens with several digits) are followed from where they enter a run. A value a run
 * **obtains itself** enters through its user messages or the result of one of its own tool calls
 * (not a memory read). A value that shows up in a run's model input or output, tool arguments or
 * memory reads *before* the run obtained it came from somewhere else. When such a value was
 * obtained by exactly one other task, that task's data reached this one: a **leak**. Values that
 * several tasks obtain themselves (a shared catalogue entry, the company address) are shared data,
 * not a leak, and values nobody obtained (a template constant) are nobody's. A value is followed
 * only while it is distinctive: one that turns up unobtained in a larger share of tasks than
 * {@link WIDESPREAD_SHARE} is vocabulary the model knows; type names, small hex literals,
 * placeholder digits and the domains reserved for examples (RFC 2606) are never followed.
 *
 * The unit of isolation is the task: `taskId`, or the run itself when none is recorded (then every
 * run is a task of its own). Repeated trials of one task may share data; that is not a leak.
 *
 * Memory: values are remembered up to {@link MAX_TRACKED_VALUES} (obtained and unexplained,
 * each); past that, new values are counted as untracked, not followed.
 */
export interface IsolationAnalysis {
  /** Runs with captured content to follow values in (model messages, tool arguments or results, memory content). */
  readonly runs: number;
  /** Distinct tasks among them (counted up to {@link MAX_TRACKED_VALUES}). */
  readonly tasks: number;
  /** Of `runs`, those with no task id (each counted as a task of its own). */
  readonly runsWithoutTaskId: number;
  /** Distinct values obtained by exactly one task: the ones a leak can be traced with. */
  readonly ownedValues: number;
  /** Distinct values obtained by two or more tasks themselves: shared data, not followed. */
  readonly sharedValues: number;
  /** Owned values that showed up in the context of another task that had not obtained them. */
  readonly leakedValues: number;
  /** Runs of other tasks they showed up in (one per value and task, as far as remembered). */
  readonly leakAppearances: number;
  /**
   * Owned values that showed up unobtained in more than {@link WIDESPREAD_SHARE} of all tasks (and
   * more than two): vocabulary the model knows, not counted as leaks.
   */
  readonly widespreadValues: number;
  /** Each: the run the value leaked into (and where), with the run it came from. */
  readonly examples: readonly LeakExample[];
  /** Values not followed because the bound was reached. */
  readonly untrackedValues: number;
}

export interface LeakExample extends RunRef {
  readonly value: string;
  readonly source: RunRef;
}

// 25k keeps a million-span corpus under the 512 MB goal: at 100k the two maps alone held ≈200 MB there.
export const MAX_TRACKED_VALUES = 25_000;
/** Values followed per run: a tool returning a large table cannot flood the maps. */
export const MAX_VALUES_PER_RUN = 2_000;
/** Example appearances remembered per unexplained value: enough to find one that is not the owner. */
const MAX_TASKS_PER_VALUE = 4;
/** Distinct tasks counted per unexplained value; past it the value is widespread whatever the corpus. */
const MAX_TASKS_COUNTED = 256;
/**
 * A value that shows up, unobtained, in more than this share of all tasks (and more than
 * {@link MIN_WIDESPREAD_TASKS}) is common vocabulary the model knows, not one task's data.
 */
export const WIDESPREAD_SHARE = 0.05;
const MIN_WIDESPREAD_TASKS = 2;

type Where = 'model input' | 'model output' | 'tool arguments' | 'memory read';

interface Owner {
  readonly task: string;
  readonly ref: RunRef;
}
const SHARED = 'shared' as const;

interface Appearance {
  readonly task: string;
  readonly ref: RunRef;
}

/** Where an unexplained value showed up: the first few places, and how many tasks in all. */
interface Sightings {
  readonly examples: Appearance[];
  readonly tasks: Set<string>;
}

/**
 * `valuesOf`: where one run's values come from. By default they are followed here; the trace
 * analyzer hands in the ones a reading worker already followed (precompute.ts), the same result.
 */
export function createIsolationAnalyzer(valuesOf: (run: Run, view: RunView) => RunValues = followRunValues): RunAnalyzer<IsolationAnalysis> {
  let runs = 0;
  let runsWithoutTaskId = 0;
  let untrackedValues = 0;
  const tasks = new Set<string>();
  const owners = new Map<string, Owner | typeof SHARED>();
  const appearances = new Map<string, Sightings>();

  return {
    add(run: Run, view = viewRun(run)) {
      const task = run.taskId === undefined ? `\u0000run:${run.id}` : run.taskId;
      const follow = valuesOf(run, view);
      if (!follow.scanned) return;
      runs++;
      if (run.taskId === undefined) runsWithoutTaskId++;
      if (tasks.size < MAX_TRACKED_VALUES) tasks.add(task);

      for (const [value, where] of follow.obtained) {
        const owner = owners.get(value);
        if (owner === undefined) {
          if (owners.size >= MAX_TRACKED_VALUES) {
            untrackedValues++;
            continue;
          }
          owners.set(value, { task, ref: runRef(run, where.stepId, `"${value}" entered through its ${where.source}`) });
        } else if (owner !== SHARED && owner.task !== task) {
          owners.set(value, SHARED);
        }
      }
      for (const [value, where] of follow.unexplained) {
        // What the model wrote without having been shown it came from the model itself (what it
        // knows of a codebase, or chance) unless no model could guess it: an address, or a number
        // with five or more significant digits. What a model input or memory read carried came in.
        if ((where.where === 'model output' || where.where === 'tool arguments') && !isUnguessable(value)) continue;
        let sightings = appearances.get(value);
        if (sightings === undefined) {
          if (appearances.size >= MAX_TRACKED_VALUES) {
            untrackedValues++;
            continue;
          }
          sightings = { examples: [], tasks: new Set() };
          appearances.set(value, sightings);
        }
        if (sightings.tasks.has(task) || sightings.tasks.size >= MAX_TASKS_COUNTED) continue;
        sightings.tasks.add(task);
        if (sightings.examples.length < MAX_TASKS_PER_VALUE) sightings.examples.push({ task, ref: runRef(run, where.stepId, `"${value}" in its ${where.where}, not obtained by this run`) });
      }
    },
    finish() {
      let ownedValues = 0;
      let sharedValues = 0;
      for (const owner of owners.values()) {
        if (owner === SHARED) sharedValues++;
        else ownedValues++;
      }
      let leakedValues = 0;
      let leakAppearances = 0;
      let widespreadValues = 0;
      const widespread = Math.max(MIN_WIDESPREAD_TASKS, Math.ceil(WIDESPREAD_SHARE * tasks.size));
      const examples: LeakExample[] = [];
      for (const [value, sightings] of appearances) {
        const owner = owners.get(value);
        if (owner === undefined || owner === SHARED) continue;
        const otherTasks = sightings.tasks.size - (sightings.tasks.has(owner.task) ? 1 : 0);
        if (otherTasks === 0) continue;
        // Distinctive to one task or it says nothing about isolation: a value the model produces in
        // many tasks that never obtained it is vocabulary it knows, not a value one task handed on.
        if (otherTasks > widespread) {
          widespreadValues++;
          continue;
        }
        const leaks = sightings.examples.filter((appearance) => appearance.task !== owner.task);
        leakedValues++;
        leakAppearances += otherTasks;
        for (const leak of leaks) {
          if (examples.length >= MAX_EXAMPLES) break;
          examples.push({ ...leak.ref, value, source: owner.ref });
        }
      }
      return {
        runs,
        tasks: tasks.size,
        runsWithoutTaskId,
        ownedValues,
        sharedValues,
        leakedValues,
        leakAppearances,
        widespreadValues,
        examples,
        untrackedValues,
      };
    },
  };
}

/** What one run contributes to the isolation figures: computed per run, anywhere, then folded in run order. */
export interface RunValues {
  readonly scanned: boolean;
  /** Values the run obtained itself, in order, with where. */
  readonly obtained: ReadonlyMap<string, { readonly stepId: string; readonly source: string }>;
  /** Values the run had before obtaining them, with where they first showed up. */
  readonly unexplained: ReadonlyMap<string, { readonly stepId: string; readonly where: Where }>;
}

/** One run's values, followed in run order. */
export function followRunValues(_run: Run, view: RunView): RunValues {
  return followRun(view.ordered);
}

/** One run, in order: what it obtained itself, and what showed up before it did. */
function followRun(steps: readonly Step[]): RunValues {
  const obtained = new Map<string, { stepId: string; source: string }>();
  const unexplained = new Map<string, { stepId: string; where: Where }>();
  // Each distinct text is read once per run: the same history is replayed in every model call, and
  // what decides is where a value was first seen.
  const sourceTexts = new Set<string>();
  const otherTexts = new Set<string>();
  const memoryResults: string[] = [];
  let scanned = false;
  // Until a model input has been captured, where a value in a tool's arguments or the model's
  // output came from is unknown (the user's message may simply not be recorded): not followed.
  let inputSeen = false;
  let budget = MAX_VALUES_PER_RUN;

  const take = (text: string | undefined, stepId: string, source: string): void => {
    if (text === undefined || text === '' || sourceTexts.has(text)) return;
    sourceTexts.add(text);
    for (const value of distinctiveValues(text)) {
      // A value the run already had before obtaining it was not obtained first-hand: the run is not its owner.
      if (obtained.has(value) || unexplained.has(value) || budget <= 0) continue;
      budget--;
      obtained.set(value, { stepId, source });
    }
  };
  const see = (text: string | undefined, stepId: string, where: Where): void => {
    if (text === undefined || text === '' || otherTexts.has(text)) return;
    otherTexts.add(text);
    for (const value of distinctiveValues(text)) {
      if (obtained.has(value) || unexplained.has(value) || budget <= 0) continue;
      budget--;
      unexplained.set(value, { stepId, where });
    }
  };

  for (const step of steps) {
    switch (step.kind) {
      case 'llm': {
        const input = step.inputMessages ?? [];
        const output = step.outputMessages ?? [];
        if (input.length > 0) {
          scanned = true;
          inputSeen = true;
        }
        // A replayed history is mostly texts already read in this run: those are skipped. Of the
        // rest, what the user said and what the run's own tools returned come first: within one
        // input they are the source of whatever the model repeats.
        const fresh = input.filter((message) => !sourceTexts.has(message.content) && !otherTexts.has(message.content));
        for (const message of fresh) if (isOwnSource(message, memoryResults)) take(message.content, step.id, message.role === 'user' ? 'user message' : 'tool result');
        for (const message of fresh) if (!isOwnSource(message, memoryResults)) see(message.content, step.id, 'model input');
        if (inputSeen) for (const message of output) see(message.content, step.id, 'model output');
        break;
      }
      case 'tool': {
        const memory = memoryAccessOf(step);
        if (isPresent(step.arguments) || isPresent(step.result)) scanned = true;
        if (inputSeen) see(scannableText(step.arguments), step.id, 'tool arguments');
        if (memory === undefined) {
          take(scannableText(step.result), step.id, 'tool result');
        } else if (memory.operation === 'read') {
          // The whole text, values or not: a later tool message that relays it is recognised by it.
          const result = textOf(step.result);
          if (result !== undefined) {
            see(result, step.id, 'memory read');
            memoryResults.push(result);
          }
        }
        break;
      }
      case 'approval':
        break;
      case 'checkpoint':
      case 'review':
      case 'handoff':
      case 'guardrail':
      case 'memory':
      case 'other':
        scanned = readMemoryStep(step, see, memoryResults) || scanned;
        break;
    }
  }
  return { scanned, obtained, unexplained };
}

function readMemoryStep(step: Step, see: (text: string | undefined, stepId: string, where: Where) => void, memoryResults: string[]): boolean {
  const memory = memoryAccessOf(step);
  if (memory?.operation !== 'read' || memory.content === undefined) return false;
  see(memory.content, step.id, 'memory read');
  memoryResults.push(memory.content);
  return true;
}

/** A user message, or a tool message that is not the relay of a memory read: what the run obtained itself. */
function isOwnSource(message: Message, memoryResults: readonly string[]): boolean {
  if (message.role === 'user') return true;
  if (message.role !== 'tool') return false;
  return !memoryResults.some((result) => result.length >= MIN_MEMORY_RESULT_CHARS && message.content.includes(result));
}

/** A memory read's result shorter than this is too generic to recognise inside a tool message. */
const MIN_MEMORY_RESULT_CHARS = 20;

const DATE = /^(1[89]|20)\d\d-?[01]\d-?[0-3]\d/;
const DIGIT_OR_AT = /[0-9@]/;
const EMAIL_DOMAIN = /^[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$/;
const MAX_VALUE_CHARS = 128;

/**
 * The distinctive values in a text: email addresses (lower-cased), and identifier-like tokens of 6
 * to 128 characters with five or more digits, or three or more digits and two or more letters
 * (`ORD-4471`, a UUID, a card or account number). Dates are not distinctive: every run has them.
 *
 * Scanned by hand from each digit and each `@` outward, so a long text costs one pass however
 * many words it has: every model input of every run goes through here.
 */
export function distinctiveValues(text: string): string[] {
  const values: string[] = [];
  // Most texts hold neither: one regular-expression scan settles them, faster than the loop below.
  if (!DIGIT_OR_AT.test(text)) return values;
  const n = text.length;
  for (let at = text.indexOf('@'); at !== -1; at = text.indexOf('@', at + 1)) {
    let start = at;
    while (start > 0 && isLocalPartChar(text.charCodeAt(start - 1))) start--;
    let end = at + 1;
    while (end < n && isDomainChar(text.charCodeAt(end))) end++;
    // A sentence may end right after the address: its full stop is not part of the domain.
    while (end > at + 1 && (text.charCodeAt(end - 1) === 46 || text.charCodeAt(end - 1) === 45)) end--;
    const domain = text.slice(at + 1, end);
    if (start < at && EMAIL_DOMAIN.test(domain) && !RESERVED_DOMAIN.test(domain)) values.push(text.slice(start, end).toLowerCase());
  }
  let i = 0;
  while (i < n) {
    const code = text.charCodeAt(i);
    if (code < 48 || code > 57) {
      i++;
      continue;
    }
    let start = i;
    while (start > 0 && isTokenChar(text.charCodeAt(start - 1))) start--;
    let end = i + 1;
    while (end < n && isTokenChar(text.charCodeAt(end))) end++;
    i = end;
    // Separators at the ends belong to the surrounding text, not the id.
    while (start < end && isSeparator(text.charCodeAt(start))) start++;
    while (end > start && isSeparator(text.charCodeAt(end - 1))) end--;
    const length = end - start;
    if (length < 6 || length > MAX_VALUE_CHARS) continue;
    let digits = 0;
    let letters = 0;
    for (let k = start; k < end; k++) {
      const c = text.charCodeAt(k);
      if (c >= 48 && c <= 57) digits++;
      else if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) letters++;
    }
    if (digits < 5 && (digits < 3 || letters < 2)) continue;
    const token = text.slice(start, end);
    if (!DATE.test(token) && !isGenericToken(token)) values.push(token);
  }
  return values;
}

/** RFC 2606 / RFC 6761 names reserved for examples and tests: any task may use them. */
const RESERVED_DOMAIN = /(?:^|\.)(?:example\.(?:com|net|org)|example|test|invalid|localhost)$/i;
/** Type names with a bit width (`complex128`, `float64`, `uint8`, `sha256`): vocabulary, not data. */
const TYPE_NAME = /^[A-Za-z]+_?(?:8|16|32|64|128|256|512)$/;
/** A small hex literal (`0x1234`, `0xdeadbeef`): a constant of the code, not one task's data. */
const SMALL_HEX = /^0[xX][0-9a-fA-F]{1,8}$/;
/** A number of one or two significant digits and zeros: a limit, a size, a default. */
const ROUND_NUMBER = /^[1-9]\d?0{3,}$/;

/**
 * Tokens any two tasks may share without one having told the other: type names, small hex
 * literals, round numbers (`1000000`, `250000`), and placeholders whose digits are one digit
 * repeated or counting up (`000000`, `123456`, `user12345`).
 */
export function isGenericToken(token: string): boolean {
  if (TYPE_NAME.test(token) || SMALL_HEX.test(token) || ROUND_NUMBER.test(token)) return true;
  let previous = -2;
  let repeated = true;
  let counting = true;
  let digits = 0;
  for (let k = 0; k < token.length; k++) {
    const c = token.charCodeAt(k) - 48;
    if (c < 0 || c > 9) continue;
    if (digits > 0) {
      if (c !== previous) repeated = false;
      if (c !== previous + 1) counting = false;
    }
    previous = c;
    digits++;
  }
  return digits >= 4 && (repeated || counting);
}

/**
 * A value no model writes from what it knows: an email address, or a token whose numbers carry five
 * or more significant digits (leading zeros do not count: `0001_squashed_0002` carries two).
 */
function isUnguessable(value: string): boolean {
  if (value.includes('@')) return true;
  let significant = 0;
  let leading = true;
  for (let k = 0; k < value.length; k++) {
    const c = value.charCodeAt(k);
    if (c < 48 || c > 57) {
      leading = true;
      continue;
    }
    if (leading && c === 48) continue;
    leading = false;
    significant++;
  }
  return significant >= 5;
}

/** Letters, digits, `_` and `-`: what an identifier is made of. */
function isTokenChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45;
}

function isSeparator(c: number): boolean {
  return c === 95 || c === 45;
}

function isLocalPartChar(c: number): boolean {
  return isTokenChar(c) || c === 46 || c === 37 || c === 43;
}

function isDomainChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45 || c === 46;
}

/** A tool argument or result that was captured: anything but nothing, null or an empty string. */
function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}

/**
 * The text of a value, to look for distinctive values in. A structured value with no digit and no
 * `@` in any key or leaf holds none, so it is not written out only to be scanned for nothing.
 */
function scannableText(value: unknown): string | undefined {
  if (typeof value === 'object' && value !== null && !mayHoldValues(value, 0)) return undefined;
  return textOf(value);
}

function textOf(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value === '' ? undefined : value;
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}

/** Nesting past this is written out and scanned rather than walked. */
const MAX_WALK_DEPTH = 32;

/** Whether any key or leaf of a JSON-like value has a digit or an `@` (true when unsure). */
function mayHoldValues(value: unknown, depth: number): boolean {
  if (typeof value === 'string') return DIGIT_OR_AT.test(value);
  if (typeof value === 'number' || typeof value === 'bigint') return true;
  if (typeof value !== 'object' || value === null) return false;
  if (depth >= MAX_WALK_DEPTH) return true;
  if (Array.isArray(value)) return value.some((item) => mayHoldValues(item, depth + 1));
  for (const [key, item] of Object.entries(value)) if (DIGIT_OR_AT.test(key) || mayHoldValues(item, depth + 1)) return true;
  return false;
}
