import { isAlias, isMap, isNode, isScalar, LineCounter, parseDocument, visit, type Document } from 'yaml';
import type { z } from 'zod';
import { UserError, type UserErrorCode, type UserProblem } from './errors.js';
import { closestMatch } from './suggest.js';

/** A parsed YAML file that still knows where every value came from, so errors can point at it. */
export interface YamlSource {
  readonly file: string;
  readonly document: Document;
  readonly lineCounter: LineCounter;
  readonly text: string;
  /** The document as plain values (aliases expanded, within MAX_ALIAS_COUNT). */
  readonly value: unknown;
}

/**
 * Aliases expanded at most this many times: a "billion laughs" document (aliases of aliases) would
 * otherwise expand exponentially. No real config comes near it.
 */
export const MAX_ALIAS_COUNT = 100;

export function parseYamlSource(text: string, file: string): YamlSource {
  const lineCounter = new LineCounter();
  // uniqueKeys: a duplicated key is a mistake (the second silently wins otherwise).
  // uniqueKeys is checked below, in one pass: the library's own check is quadratic in a map's size.
  const document = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false });
  const problems: UserProblem[] = document.errors.map((error) => {
    // The parser notices an unclosed quote only at the end of the input; point at where it opened.
    const quote = /Missing closing (["'])quote/.exec(error.message)?.[1];
    const opened = quote === undefined ? -1 : text.lastIndexOf(quote, error.pos[0] - 1);
    const position = lineCounter.linePos(opened >= 0 ? opened : error.pos[0]);
    return {
      message: opened >= 0 ? `a quote opened here is never closed` : firstLine(error.message).replace(/ at line \d+, column \d+:?$/, ''),
      location: { file, line: position.line, column: position.col },
      expected: 'valid YAML',
    };
  });
  if (problems.length === 0) problems.push(...duplicateKeys(document, lineCounter, file));
  if (problems.length > 0) {
    throw new UserError('invalid-yaml', `${file} is not valid YAML`, {
      problems,
      hint: 'Fix the YAML syntax at the position shown (indentation, a missing colon, an unclosed quote).',
    });
  }
  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    // The library's way of refusing an alias bomb (a ReferenceError): a user's file, not a bug of ours.
    if (!(error instanceof ReferenceError)) throw error;
    const at = firstAlias(document);
    const position = at === undefined ? undefined : lineCounter.linePos(at);
    throw new UserError('invalid-yaml', `${file} expands its aliases too many times`, {
      problems: [
        {
          message: `aliases (*name) are expanded more than ${MAX_ALIAS_COUNT} times: a document that grows exponentially is refused`,
          location: { file, ...(position && { line: position.line, column: position.col }) },
          expected: 'a config without nested aliases',
        },
      ],
      hint: 'Write the repeated values out, or use fewer aliases.',
    });
  }
  return { file, document, lineCounter, text, value };
}

/** Keys repeated in a mapping (the second would silently win), found with one set per mapping. */
function duplicateKeys(document: Document, lineCounter: LineCounter, file: string): UserProblem[] {
  const problems: UserProblem[] = [];
  visit(document, {
    Map(_, map) {
      if (!isMap(map)) return;
      const seen = new Set<string>();
      for (const pair of map.items) {
        const key = pair.key;
        // Scalar keys by value (as the library compares them); any other key by its text.
        const name = isScalar(key) ? `s:${String(key.value)}` : `n:${String(key)}`;
        if (!seen.has(name)) {
          seen.add(name);
          continue;
        }
        const position = isNode(key) && key.range ? lineCounter.linePos(key.range[0]) : undefined;
        problems.push({
          message: 'Map keys must be unique',
          location: { file, ...(position && { line: position.line, column: position.col }) },
          expected: 'valid YAML',
        });
        if (problems.length >= MAX_PROBLEMS) return visit.BREAK;
      }
      return undefined;
    },
  });
  return problems;
}

function firstAlias(document: Document): number | undefined {
  let at: number | undefined;
  visit(document, {
    Alias(_, alias) {
      if (isAlias(alias) && alias.range) at = alias.range[0];
      return visit.BREAK;
    },
  });
  return at;
}

/** Problems listed at most per file: past this, more of the same would only bury the first ones. */
const MAX_PROBLEMS = 50;

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

/** Line and column of the value at `path`, or of its nearest existing parent. */
export function locateInYaml(source: YamlSource, path: readonly PropertyKey[]): { line: number; column: number } | undefined {
  for (let length = path.length; length >= 0; length--) {
    const node: unknown = source.document.getIn(path.slice(0, length) as (string | number)[], true);
    if (isNode(node) && node.range) {
      // For a missing key, point at its parent; for an existing one, at the value itself.
      const position = source.lineCounter.linePos(node.range[0]);
      return { line: position.line, column: position.col };
    }
  }
  return undefined;
}

/** Where a key (not its value) sits: better for "unknown key" errors. */
export function locateKeyInYaml(source: YamlSource, parentPath: readonly PropertyKey[], key: string): { line: number; column: number } | undefined {
  const parent: unknown = source.document.getIn(parentPath as (string | number)[], true);
  if (isNode(parent) && 'items' in parent && Array.isArray(parent.items)) {
    for (const item of parent.items as unknown[]) {
      if (item && typeof item === 'object' && 'key' in item) {
        const keyNode = (item).key;
        if (isNode(keyNode) && String((keyNode as { value?: unknown }).value) === key && keyNode.range) {
          const position = source.lineCounter.linePos(keyNode.range[0]);
          return { line: position.line, column: position.col };
        }
      }
    }
  }
  return locateInYaml(source, parentPath);
}

/** Turns zod's issues into located, readable problems. */
export function zodIssuesToProblems(issues: readonly z.core.$ZodIssue[], source: YamlSource, schema?: z.ZodType): UserProblem[] {
  const problems: UserProblem[] = [];
  let omitted = 0;
  for (const issue of issues) {
    const path = issue.path;
    const where = path.length > 0 ? path.map(String).join('.') : '(top level)';
    if (problems.length >= MAX_PROBLEMS) {
      omitted += issue.code === 'unrecognized_keys' ? issue.keys.length : 1;
      continue;
    }
    if (issue.code === 'unrecognized_keys') {
      // One index of the parent's keys for all of them: looking each up in turn would be quadratic.
      const keys = keyPositions(source, path);
      for (const key of issue.keys) {
        if (problems.length >= MAX_PROBLEMS) {
          omitted++;
          continue;
        }
        const position = keys.get(key) ?? locateInYaml(source, path);
        const known = schema ? knownKeysAt(schema, path) : undefined;
        const suggestion = known ? closestMatch(key, known) : undefined;
        problems.push({
          message: `unknown key "${key}" in ${where}${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
          location: { file: source.file, ...position },
          expected: known && known.length > 0 ? `one of: ${known.join(', ')}` : 'no other keys',
        });
      }
      continue;
    }
    const position = locateInYaml(source, path);
    problems.push({
      message: `${where}${describeFound(issue, source)}`,
      location: { file: source.file, ...position },
      ...expectedFor(issue),
    });
  }
  if (omitted > 0) problems.push({ message: `… and ${omitted} more problem${omitted === 1 ? '' : 's'} like these`, location: { file: source.file } });
  return problems;
}

/** What was found where the issue is: nothing ("is missing"), a number that is not finite, or zod's word. */
function describeFound(issue: z.core.$ZodIssue, source: YamlSource): string {
  if (issue.code !== 'invalid_type') return `: ${issue.message}`;
  const node: unknown = source.document.getIn(issue.path as (string | number)[], true);
  if (node === undefined) return ' is missing';
  if (isScalar(node) && typeof node.value === 'number' && !Number.isFinite(node.value)) {
    const written = node.range ? source.text.slice(node.range[0], node.range[1]) : String(node.value);
    return `: not a finite number (found ${written.length > 40 ? `${written.slice(0, 40)}…` : written})`;
  }
  return `: ${issue.message}`;
}

/** Where each key of the mapping at `path` sits. */
function keyPositions(source: YamlSource, path: readonly PropertyKey[]): Map<string, { line: number; column: number }> {
  const positions = new Map<string, { line: number; column: number }>();
  const parent: unknown = source.document.getIn(path as (string | number)[], true);
  if (!isMap(parent)) return positions;
  for (const item of parent.items) {
    const keyNode = item.key;
    if (isNode(keyNode) && keyNode.range) {
      const name = String((keyNode as { value?: unknown }).value);
      if (positions.has(name)) continue;
      const position = source.lineCounter.linePos(keyNode.range[0]);
      positions.set(name, { line: position.line, column: position.col });
    }
  }
  return positions;
}

/** The keys the schema allows at `path`, for "did you mean" on an unknown key. */
function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): readonly string[] | undefined {
  let current: unknown = schema;
  const unwrap = (node: unknown): unknown => {
    let def = (node as { _zod?: { def?: { type?: string; innerType?: unknown } } })._zod?.def;
    while (def && (def.type === 'optional' || def.type === 'default' || def.type === 'nullable' || def.type === 'prefault')) {
      node = def.innerType;
      def = (node as { _zod?: { def?: { type?: string; innerType?: unknown } } })._zod?.def;
    }
    return node;
  };
  for (const segment of path) {
    current = unwrap(current);
    const def = (current as { _zod?: { def?: Record<string, unknown> } })._zod?.def;
    if (!def) return undefined;
    if (def.type === 'object') current = (def.shape as Record<string, unknown>)[String(segment)];
    else if (def.type === 'array') current = def.element;
    else if (def.type === 'record') current = def.valueType;
    else return undefined;
  }
  const def = (unwrap(current) as { _zod?: { def?: { type?: string; shape?: Record<string, unknown> } } })._zod?.def;
  return def?.type === 'object' && def.shape ? Object.keys(def.shape) : undefined;
}

function expectedFor(issue: z.core.$ZodIssue): { expected?: string } {
  switch (issue.code) {
    case 'invalid_type':
      return { expected: String(issue.expected) };
    case 'invalid_value':
      return { expected: `one of: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}` };
    case 'too_small':
      return { expected: `at least ${String(issue.minimum)}` };
    case 'too_big':
      return { expected: `at most ${String(issue.maximum)}` };
    case 'invalid_format':
      return { expected: `a ${issue.format}` };
    case 'custom':
    case 'invalid_element':
    case 'invalid_key':
    case 'invalid_union':
    case 'not_multiple_of':
    case 'unrecognized_keys':
      return {};
  }
}

export function throwIfInvalid<T>(
  result: z.ZodSafeParseResult<T>,
  source: YamlSource,
  code: UserErrorCode,
  what: string,
  hint: string,
  schema?: z.ZodType,
): T {
  if (result.success) return result.data;
  throw new UserError(code, `${source.file} is not a valid ${what}`, {
    problems: zodIssuesToProblems(result.error.issues, source, schema),
    hint,
  });
}
