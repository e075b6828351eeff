import { MIMIR_VERSION } from '../../../shared/version.js';
import type { AlertNotification } from '../types.js';
import type { AttemptResult, DeliveryTarget } from './attempt.js';
import { redactUrl } from './safe-url.js';

export interface WebhookOptions {
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
}

/**
 * A generic JSON webhook: each notification is POSTed as its JSON body. 2xx is delivered; 408, 429
 * and 5xx are retried (honouring Retry-After); other answers give up, as repeating the same request
 * cannot change them. Redirects are not followed (set the final URL), so a notification never goes
 * somewhere the config does not name.
 */
export function webhookTarget(options: WebhookOptions): DeliveryTarget {
  const name = `webhook ${redactUrl(options.url)}`;
  // fetch refuses a URL with credentials in it; they become the Basic authorization they stand for.
  const target = new URL(options.url);
  const basic = target.username !== '' || target.password !== '' ? { authorization: `Basic ${Buffer.from(`${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}`).toString('base64')}` } : {};
  target.username = '';
  target.password = '';
  return {
    name,
    async send(notification: AlertNotification, signal: AbortSignal): Promise<AttemptResult> {
      let response: Response;
      try {
        response = await fetch(target, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': `mimir/${MIMIR_VERSION}`, ...basic, ...options.headers },
          body: JSON.stringify(notification),
          redirect: 'manual',
          signal: AbortSignal.any([signal, AbortSignal.timeout(options.timeoutMs)]),
        });
      } catch (error) {
        return { outcome: 'retry', reason: hideUrl(describeFetchError(error, options.timeoutMs), options.url) };
      }
      // The body is not needed; reading it frees the connection.
      await response.arrayBuffer().catch(() => undefined);
      const status = response.status;
      if (status >= 200 && status < 300) return { outcome: 'delivered' };
      if (status === 408 || status === 429 || status >= 500) {
        const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
        return { outcome: 'retry', reason: `HTTP ${status}`, ...(retryAfterMs !== undefined && { retryAfterMs }) };
      }
      return { outcome: 'give-up', reason: status >= 300 && status < 400 ? `HTTP ${status} (redirects are not followed: set the final URL)` : `HTTP ${status}` };
    },
  };
}

function describeFetchError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `no answer within ${timeoutMs} ms`;
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : undefined;
  return cause ?? (error instanceof Error ? error.message : String(error));
}

/** An error message could quote the URL; logs show only its redacted form. */
function hideUrl(text: string, url: string): string {
  return text.split(url).join(redactUrl(url));
}

/** Retry-After in seconds or as an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
