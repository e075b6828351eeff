/**
 * Tool-name patterns in mimir.yaml: `*` matches any run of characters, `?` one character,
 * everything else is literal. Tool names are identifiers, not paths, so a glob library's
 * path semantics (`/`, `**`, braces) would only surprise.
 */
export function wildcardToRegExp(pattern: string): RegExp {
  const body = Array.from(pattern)
    .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`);
}

export function matchesWildcard(pattern: string, name: string): boolean {
  return wildcardToRegExp(pattern).test(name);
}
