/**
 * A webhook URL as logs may show it. Webhook URLs often carry their secret in the path (Slack,
 * Discord, Teams), the query (`?token=`) or the user part, so only the scheme and host are shown.
 */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const hidden = parsed.pathname !== '/' || parsed.search !== '' || parsed.username !== '' || parsed.password !== '';
    return `${parsed.protocol}//${parsed.host}${hidden ? '/…' : '/'}`;
  } catch {
    return '[webhook url]';
  }
}
