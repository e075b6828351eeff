/**
 * An MCP `CallToolResult` that says it failed: `{ content: [...], isError: true }`, as frameworks
 * record what an MCP tool returned. The flag is the tool's own structured verdict on the call, not a
 * guess from its text, so it marks the step failed even where the instrumentation set the span's
 * status to OK (Mastra does: the call itself completed). Returns the result's text, the error
 * message, or undefined when the value is not a failed MCP result.
 */
export function mcpErrorText(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const result = value as { readonly isError?: unknown; readonly content?: unknown };
  if (result.isError !== true || !Array.isArray(result.content)) return undefined;
  const texts: string[] = [];
  for (const block of result.content as readonly unknown[]) {
    if (typeof block === 'object' && block !== null && typeof (block as { text?: unknown }).text === 'string') texts.push((block as { text: string }).text);
  }
  const text = texts.join('\n').trim();
  return text === '' ? 'the tool returned an MCP result with isError: true' : text;
}
