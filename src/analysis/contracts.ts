import { createRequire } from 'node:module';
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import type * as AjvModule from 'ajv';
import type { Ajv2020 } from 'ajv/dist/2020.js';
import type * as Ajv2020Module from 'ajv/dist/2020.js';
import type { Run, ToolDefinition, ToolStep } from '../model/index.js';
import { canonicalJson } from '../shared/hash.js';
import { isJsonPrefix } from './json-prefix.js';
import { addExample, isFailed, runRef } from './support.js';
import { viewRun, type RunView } from './run-view.js';
import type { RunAnalyzer, RunRef } from './basics.js';

/** An example call with invalid arguments, and whether it still ran. */
export interface ViolationExample extends RunRef {
  readonly ran: boolean;
}

/** An example malformed result, and whether the run acted on it. */
export interface MalformedExample extends RunRef {
  readonly actedOn: boolean;
}

export interface ContractAnalysis {
  /** Tool calls whose tool has a declared input schema in the trace. */
  readonly callsWithSchema: number;
  /** Tool calls in runs that record their tool definitions (the denominator of schema coverage). */
  readonly callsInRunsWithDefinitions: number;
  /** Calls with a usable input schema and captured arguments: the ones actually validated. */
  readonly validatedCalls: number;
  /** Calls whose declared schema could not be compiled (invalid, too large, or with a remote $ref): not judged. */
  readonly callsWithUnusableSchema: number;
  /** Calls whose arguments violate the input schema; `ran`: of those, the ones that still succeeded, so nothing rejected them. */
  readonly argumentViolations: { readonly count: number; readonly ran: number; readonly examples: readonly ViolationExample[] };
  readonly results: { readonly structured: number; readonly freeText: number };
  /** Tool results checked against a declared, usable output schema. */
  readonly resultsWithSchema: number;
  /** Tool results that violated the declared output schema, and how many of those the agent acted on anyway. */
  readonly malformedResults: { readonly count: number; readonly actedOn: number; readonly examples: readonly MalformedExample[] };
}

/** Schemas larger than this (canonical JSON characters) are not compiled: trace content is not trusted code. */
export const MAX_SCHEMA_CHARS = 100_000;
/** Compiled validators kept, by schema; the least recently added go first. */
const MAX_CACHED_VALIDATORS = 256;

/**
 * Step contracts. Tool arguments are validated against the tool's `inputSchema` and results against
 * its `outputSchema`, as the run's own tool definitions declare them (JSON Schema draft-07, or 2020-12
 * when the schema says so; formats are not checked). Arguments or results recorded as a JSON string
 * are parsed first; an MCP result object is judged by its `structuredContent`, which is what an MCP
 * output schema describes. A result is malformed when it violates the output schema or is a JSON
 * document cut short (a JSON prefix that does not parse), whether or not a schema is declared. Other
 * text that does not parse (a Python repr, an INI file) is malformed only where the tool declared an
 * output schema, which it then violates: a tool that never promised JSON breaks no contract.
 * A malformed result was rejected when its step is marked failed, the next tool call repeats the same
 * call, or the run ended claiming failure or escalation; it was acted on when, instead, a later step
 * succeeded or the run claimed success.
 */
export function createContractAnalyzer(): RunAnalyzer<ContractAnalysis> {
  const validators = createValidatorCache();
  let callsWithSchema = 0;
  let callsInRunsWithDefinitions = 0;
  let validatedCalls = 0;
  let callsWithUnusableSchema = 0;
  let violations = 0;
  let violationsRan = 0;
  const violationExamples: ViolationExample[] = [];
  let structured = 0;
  let freeText = 0;
  let resultsWithSchema = 0;
  let malformed = 0;
  let actedOn = 0;
  const malformedExamples: MalformedExample[] = [];

  return {
    add(run: Run, view: RunView = viewRun(run)) {
      const definitions = new Map<string, ToolDefinition>((run.toolDefinitions ?? []).map((d) => [d.name, d]));
      const hasDefinitions = definitions.size > 0;
      run.steps.forEach((step, index) => {
        if (step.kind !== 'tool') return;
        const definition = definitions.get(step.toolName);
        if (hasDefinitions) callsInRunsWithDefinitions++;
        if (definition?.inputSchema !== undefined) {
          callsWithSchema++;
          const validate = validators.get(definition.inputSchema);
          if (validate === undefined) callsWithUnusableSchema++;
          else if (step.arguments !== undefined) {
            validatedCalls++;
            if (!validate(parsedJson(step.arguments))) {
              violations++;
              if (!isFailed(step)) violationsRan++;
              const outcome = isFailed(step) ? 'rejected' : 'still ran';
              addExample(violationExamples, { ...runRef(run, step.id, `arguments of ${step.toolName} violate its input schema (${describe(validate.errors)}); ${outcome}`), ran: !isFailed(step) });
            }
          }
        }

        if (step.result === undefined) return;
        // Parsed once: results can be large, and each is needed three ways.
        const shape = resultShape(step.result);
        if (shape.structured) structured++;
        else freeText++;
        let problem: string | undefined = shape.truncated ? 'a JSON document cut short' : undefined;
        if (definition?.outputSchema !== undefined) {
          const validate = validators.get(definition.outputSchema);
          if (validate !== undefined) {
            resultsWithSchema++;
            if (problem === undefined && !validate(shape.value)) problem = `it violates the output schema (${describe(validate.errors)})`;
          }
        }
        if (problem === undefined) return;
        malformed++;
        const acted = actedOnResult(view, index, step);
        if (acted) actedOn++;
        addExample(malformedExamples, { ...runRef(run, step.id, `result of ${step.toolName} is malformed: ${problem}; ${acted ? 'acted on' : 'rejected'}`), actedOn: acted });
      });
    },
    finish() {
      return {
        callsWithSchema,
        callsInRunsWithDefinitions,
        validatedCalls,
        callsWithUnusableSchema,
        argumentViolations: { count: violations, ran: violationsRan, examples: [...violationExamples] },
        results: { structured, freeText },
        resultsWithSchema,
        malformedResults: { count: malformed, actedOn, examples: [...malformedExamples] },
      };
    },
  };
}

/** Whether the run went on to use a malformed result (see createContractAnalyzer for the rule). */
function actedOnResult(view: RunView, index: number, step: ToolStep): boolean {
  const run = view.run;
  if (isFailed(step)) return false;
  if (run.claimedStatus === 'failure' || run.claimedStatus === 'escalated') return false;
  const later = run.steps.slice(index + 1);
  const nextCall = later.find((s): s is ToolStep => s.kind === 'tool');
  const key = view.callKey(step);
  if (nextCall !== undefined && key !== undefined && view.callKey(nextCall) === key) return false;
  return run.claimedStatus === 'success' || later.some((s) => !isFailed(s));
}

interface ResultShape {
  /** Objects, arrays and other JSON values are structured; a string only when it holds a JSON object or array. */
  readonly structured: boolean;
  /** A string that starts like a JSON object or array, does not parse, and is a JSON document cut short (a JSON prefix). */
  readonly truncated: boolean;
  /** What an output schema judges: the JSON a string holds, or an MCP result's `structuredContent`. */
  readonly value: unknown;
}

/** The first character of any JSON text: an object, array, string, number, true, false or null. */
const JSON_VALUE_START = /^[{["\-0-9tfn]/;

export function resultShape(result: unknown): ResultShape {
  if (typeof result !== 'string') return { structured: true, truncated: false, value: structuredContentOf(result) };
  const text = result.trim();
  const looksLikeJson = text.startsWith('{') || text.startsWith('[');
  let parsed: unknown;
  let parses = false;
  // Only text that starts like a JSON value can parse: free text ("Error: …") skips the exception.
  if (JSON_VALUE_START.test(text)) {
    try {
      parsed = JSON.parse(text);
      parses = true;
    } catch {
      // Not JSON: free text, or cut short when it starts like JSON.
    }
  }
  const structured = parses && typeof parsed === 'object' && parsed !== null;
  // Python reprs, INI sections and log lines start with `{` or `[` too: only a JSON prefix is JSON cut short.
  return { structured, truncated: looksLikeJson && !parses && isJsonPrefix(text), value: parses ? structuredContentOf(parsed) : result };
}

/** A value recorded as a JSON string is judged as the JSON it holds. */
function parsedJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

function structuredContentOf(value: unknown): unknown {
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && 'structuredContent' in value) return value.structuredContent;
  return value;
}

function describe(errors: readonly ErrorObject[] | null | undefined): string {
  const first = errors?.[0];
  if (first === undefined) return 'invalid';
  return `${first.instancePath === '' ? 'the value' : first.instancePath} ${first.message ?? 'is invalid'}`;
}

interface ValidatorCache {
  /** The compiled validator, or undefined when the schema cannot be used. */
  get(schema: unknown): ValidateFunction | undefined;
}

function createValidatorCache(): ValidatorCache {
  // Trace content is data, not configuration: no strict mode (unknown keywords are ignored as JSON
  // Schema says), no format checks, no meta-schema validation, no logging, no schema registry.
  const options = { strict: false, validateFormats: false, validateSchema: false, addUsedSchema: false, logger: false } as const;
  // Ajv loads (synchronously: analyzers are) at the first schema a trace declares, and each dialect's
  // compiler at its first schema. Most traces declare none, and loading Ajv is a sizeable part of
  // `mimir traces`'s start-up (≈45 ms of CPU; the 2020-12 compiler ≈7 ms more).
  const require = createRequire(import.meta.url);
  let draft07: Ajv | undefined;
  let draft2020: Ajv2020 | undefined;
  const draft07Compiler = (): Ajv => (draft07 ??= new (require('ajv') as typeof AjvModule).Ajv(options));
  const draft2020Compiler = (): Ajv2020 => (draft2020 ??= new (require('ajv/dist/2020.js') as typeof Ajv2020Module).Ajv2020(options));
  const cache = new Map<string, ValidateFunction | null>();
  return {
    get(schema) {
      if (typeof schema !== 'object' || schema === null) return typeof schema === 'boolean' ? compileWith(draft07Compiler(), schema) : undefined;
      const text = canonicalJson(schema);
      if (text.length > MAX_SCHEMA_CHARS) return undefined;
      const cached = cache.get(text);
      if (cached !== undefined) return cached ?? undefined;
      const dialect = (schema as { $schema?: unknown }).$schema;
      const ajv = typeof dialect === 'string' && dialect.includes('2020-12') ? draft2020Compiler() : draft07Compiler();
      const validate = compileWith(ajv, schema);
      cache.set(text, validate ?? null);
      if (cache.size > MAX_CACHED_VALIDATORS) {
        const oldest = cache.keys().next().value;
        if (oldest !== undefined) cache.delete(oldest);
      }
      return validate;
    },
  };
}

function compileWith(ajv: Ajv | Ajv2020, schema: object | boolean): ValidateFunction | undefined {
  try {
    const validate = ajv.compile(schema);
    // Ajv keeps every compiled schema in its own cache; the compiled function stands alone, so drop the
    // entry and let the bounded cache above decide what is kept.
    ajv.removeSchema(schema);
    return validate;
  } catch {
    return undefined;
  }
}
