import type { MemoryAccess, MemoryOperation, Run, Step, ToolStep } from '../model/index.js';
import { addExample, runRef } from './support.js';
import type { RunAnalyzer, RunRef } from './basics.js';

/**
 * Long-term memory as the traces show it: which steps read, wrote or deleted memory, and whether
 * each change names its scope (user, tenant or task) and the entry or content it wrote, so that it
 * can be audited and undone.
 *
 * A step counts as a memory access when the trace says so (`mimir.memory.operation` on a memory
 * step, a tool call or an event), or when it is a call of a memory tool recognised by its name
 * (`add_memories`, `save_memory`, `core_memory_append`, `search_memory`, `remember` …). For such a
 * tool call the scope may also be an argument (`user_id`, `tenant_id`, `namespace` …) and the
 * content is its captured arguments (a write) or result (a read). A `memory` step that does not say
 * what it did is counted apart, never guessed into a read or a write.
 */
export interface MemoryAnalysis {
  /** Runs with at least one memory access. */
  readonly runsWithMemory: number;
  readonly reads: number;
  /** Reads that name the scope they were filtered by. */
  readonly scopedReads: number;
  /** Successful writes (status ok). */
  readonly writes: number;
  /** Successful deletions. */
  readonly deletes: number;
  /** Writes and deletions that name a scope. */
  readonly scopedChanges: number;
  /** Writes and deletions that name the entry (a key) or carry the content written. */
  readonly identifiedChanges: number;
  /** Writes and deletions that do both: traceable to an owner and findable again. */
  readonly auditableChanges: number;
  /** Changes that are not auditable, each with what it lacks. */
  readonly unauditableExamples: readonly RunRef[];
  readonly unscopedReadExamples: readonly RunRef[];
  /** `memory` steps that do not say whether they read, wrote or deleted (no `mimir.memory.operation`). */
  readonly memoryStepsWithoutOperation: number;
  /** Accesses recognised only by a memory tool's name (the trace did not say). */
  readonly recognisedByToolName: number;
}

export function createMemoryAnalyzer(): RunAnalyzer<MemoryAnalysis> {
  let runsWithMemory = 0;
  let reads = 0;
  let scopedReads = 0;
  let writes = 0;
  let deletes = 0;
  let scopedChanges = 0;
  let identifiedChanges = 0;
  let auditableChanges = 0;
  let memoryStepsWithoutOperation = 0;
  let recognisedByToolName = 0;
  const unauditableExamples: RunRef[] = [];
  const unscopedReadExamples: RunRef[] = [];

  return {
    add(run: Run) {
      let touched = false;
      for (const step of run.steps) {
        const access = memoryAccessOf(step);
        if (access === undefined) {
          if (step.kind === 'memory') memoryStepsWithoutOperation++;
          continue;
        }
        touched = true;
        if (step.kind === 'tool' && step.memory === undefined) recognisedByToolName++;
        if (access.operation === 'read') {
          reads++;
          if (access.scope !== undefined) scopedReads++;
          else addExample(unscopedReadExamples, runRef(run, step.id, `memory read by ${stepLabel(step)} names no scope`));
          continue;
        }
        // A change that failed wrote nothing the store keeps (as far as the trace can tell).
        if (step.status !== 'ok') continue;
        if (access.operation === 'write') writes++;
        else deletes++;
        const scoped = access.scope !== undefined;
        const identified = access.key !== undefined || access.content !== undefined;
        if (scoped) scopedChanges++;
        if (identified) identifiedChanges++;
        if (scoped && identified) {
          auditableChanges++;
        } else {
          const lacks = [scoped ? undefined : 'no scope', identified ? undefined : 'no entry key or content'].filter((s) => s !== undefined).join(', ');
          addExample(unauditableExamples, runRef(run, step.id, `memory ${access.operation} by ${stepLabel(step)}: ${lacks}`));
        }
      }
      if (touched) runsWithMemory++;
    },
    finish() {
      return {
        runsWithMemory,
        reads,
        scopedReads,
        writes,
        deletes,
        scopedChanges,
        identifiedChanges,
        auditableChanges,
        unauditableExamples: [...unauditableExamples],
        unscopedReadExamples: [...unscopedReadExamples],
        memoryStepsWithoutOperation,
        recognisedByToolName,
      };
    },
  };
}

function stepLabel(step: Step): string {
  return step.kind === 'tool' ? step.toolName : `step ${step.name}`;
}

/** memoryAccessOf's per-step memo: memory and isolation both ask for every step. */
const ACCESSES = new WeakMap<Step, MemoryAccess | null>();

/**
 * What a step did to long-term memory: the trace's own `mimir.memory.*` first; for a tool call,
 * fields the trace left out are taken from the call itself (the scope from its arguments, the
 * content from its arguments or result), and a memory tool is recognised by its name. Undefined
 * for a step that is not known to touch memory.
 */
export function memoryAccessOf(step: Step): MemoryAccess | undefined {
  if (step.kind === 'llm' || step.kind === 'approval') return undefined;
  let access = ACCESSES.get(step);
  if (access === undefined) {
    access = (step.kind === 'tool' ? toolMemoryAccess(step) : step.memory) ?? null;
    ACCESSES.set(step, access);
  }
  return access ?? undefined;
}

function toolMemoryAccess(step: ToolStep): MemoryAccess | undefined {
  const operation = step.memory?.operation ?? memoryToolOperation(step.toolName, step.arguments);
  if (operation === undefined) return undefined;
  const recorded = step.memory;
  const scope = recorded?.scope ?? scopeArgument(step.arguments);
  const key = recorded?.key ?? keyArgument(step.arguments);
  // What a write stored is what it was called with; what a read returned is its result.
  const content = recorded?.content ?? textOf(operation === 'read' ? step.result : step.arguments);
  return { operation, ...(scope !== undefined && { scope }), ...(key !== undefined && { key }), ...(content !== undefined && { content }) };
}

const MEMORY_NOUNS = new Set(['memory', 'memories']);
const DELETE_VERBS = new Set(['delete', 'remove', 'forget', 'erase', 'clear', 'purge']);
const WRITE_VERBS = new Set(['add', 'save', 'store', 'write', 'update', 'upsert', 'insert', 'create', 'append', 'replace', 'manage', 'put', 'set', 'edit', 'remember', 'memorize', 'memorise']);
const READ_VERBS = new Set(['search', 'get', 'read', 'retrieve', 'recall', 'query', 'list', 'fetch', 'find', 'load', 'lookup']);
/** Tool names that are a memory operation on their own. */
const BARE_VERBS: Readonly<Record<string, MemoryOperation>> = { remember: 'write', memorize: 'write', memorise: 'write', recall: 'read', forget: 'delete' };

/**
 * The memory operation a tool's name says it performs, or undefined when the name is not a memory
 * tool's: a memory noun and a verb (`add_memories`, `archival_memory_search`, `deleteMemory`), or a
 * verb that means memory by itself as the name's first word (`remember`, `recall_facts`). A
 * `manage_memory` call whose `action` argument is `delete` deletes.
 */
export function memoryToolOperation(toolName: string, args?: unknown): MemoryOperation | undefined {
  const words = toolName
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
  const first = words[0];
  if (!words.some((w) => MEMORY_NOUNS.has(w))) return first === undefined ? undefined : BARE_VERBS[first];
  const action = isRecord(args) && typeof args.action === 'string' ? args.action.toLowerCase() : undefined;
  if (action !== undefined && DELETE_VERBS.has(action)) return 'delete';
  if (words.some((w) => DELETE_VERBS.has(w))) return 'delete';
  if (words.some((w) => WRITE_VERBS.has(w))) return 'write';
  if (words.some((w) => READ_VERBS.has(w))) return 'read';
  return undefined;
}

/** Argument names that scope a memory entry to its owner (compared without case, `_` or `-`). */
const SCOPE_ARGUMENTS = new Set([
  'user',
  'userid',
  'tenant',
  'tenantid',
  'org',
  'orgid',
  'organizationid',
  'namespace',
  'scope',
  'taskid',
  'sessionid',
  'threadid',
  'runid',
  'conversationid',
]);
const KEY_ARGUMENTS = new Set(['id', 'key', 'memoryid', 'entryid']);

function scopeArgument(args: unknown): string | undefined {
  return namedArgument(args, SCOPE_ARGUMENTS);
}

function keyArgument(args: unknown): string | undefined {
  return namedArgument(args, KEY_ARGUMENTS);
}

/** The first top-level argument with one of the names that holds a value: a string, a number, or a list of strings (a namespace tuple). */
function namedArgument(args: unknown, names: ReadonlySet<string>): string | undefined {
  if (!isRecord(args)) return undefined;
  for (const [name, value] of Object.entries(args)) {
    if (!names.has(name.toLowerCase().replace(/[_-]/g, ''))) continue;
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
    if (typeof value === 'string' && value.trim() !== '') return value;
    if (Array.isArray(value) && value.length > 0 && value.every((part) => typeof part === 'string' && part.trim() !== '')) return value.join('/');
  }
  return undefined;
}

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
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
