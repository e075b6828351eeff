import type { ToolDefinition } from '../../../model/index.js';
import type { AttrValue } from '../span.js';
import { jsonValue, readToolDefinition, readToolDefinitions } from './messages.js';

/** Distinct tool-definition strings remembered: the same agent sends the same definitions on every call. */
const TOOL_DEFINITION_CACHE = 32;

/** Definitions parsed from JSON text, remembered: every call of an agent repeats the same list. */
export class ToolDefinitionCache {
  private readonly cache = new Map<string, ToolDefinition[] | null>();

  parse(text: string): ToolDefinition[] | null {
    const cached = this.cache.get(text);
    if (cached !== undefined) return cached;
    const definitions = readToolDefinitions(jsonValue(text)) ?? null;
    if (this.cache.size >= TOOL_DEFINITION_CACHE) this.cache.clear();
    this.cache.set(text, definitions);
    return definitions;
  }

  /** A tool-definition attribute: JSON text, a list of JSON texts or objects, or one structured value. */
  read(raw: AttrValue): readonly ToolDefinition[] | undefined {
    if (typeof raw === 'string') return this.parse(raw) ?? undefined;
    if (Array.isArray(raw)) {
      const definitions: ToolDefinition[] = [];
      for (const entry of raw as readonly AttrValue[]) {
        if (typeof entry === 'string') definitions.push(...(this.parse(entry) ?? []));
        else {
          const definition = readToolDefinition(entry);
          if (definition) definitions.push(definition);
        }
      }
      return definitions;
    }
    return readToolDefinitions(raw);
  }
}
