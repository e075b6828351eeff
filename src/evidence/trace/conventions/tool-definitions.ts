import type { ToolDefinition } from '../../../model/index.js';
import type { AttrValue } from '../span.js';
import { jsonValue, readToolDefinition, readToolDefinitions } from './messages.js';
import { RecentTexts } from './recent-texts.js';

/** Distinct tool-definition strings remembered: the same agent sends the same definitions on every call. */
const TOOL_DEFINITION_CACHE = 32;

/** Definitions parsed from JSON text, remembered: every call of an agent repeats the same list. */
export class ToolDefinitionCache {
  private readonly cache = new RecentTexts<ToolDefinition[] | null>(TOOL_DEFINITION_CACHE);

  parse(text: string): ToolDefinition[] | null {
    return this.cache.get(text, parseToolDefinitions);
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

function parseToolDefinitions(text: string): ToolDefinition[] | null {
  return readToolDefinitions(jsonValue(text)) ?? null;
}
