import { describe, expect, it } from 'vitest';
import { redactSecrets, userSecretPattern } from './redact.js';

describe('redactSecrets', () => {
  it.each([
    ['Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.sig-abc_123', 'Authorization: Bearer [redacted:jwt]'],
    ['Authorization: Bearer abc123def456ghi', 'Authorization: Bearer [redacted:bearer-token]'],
    ['Authorization: Basic dXNlcjpwYXNzd29yZA==', 'Authorization: Basic [redacted:basic-auth]'],
    ['key AKIAIOSFODNN7EXAMPLE used', 'key [redacted:aws-key] used'],
    ['aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'aws_secret_access_key = [redacted:aws-secret]'],
    ['failed with sk-live-4f9a8b7c6d5e4f3a2b1c', 'failed with [redacted:openai-key]'],
    ['sk-proj-abcdefghijklmnop1234', '[redacted:openai-key]'],
    ['sk-ant-api03-abcdefghijklmnopqrstuvwx', '[redacted:anthropic-key]'],
    ['stripe sk_live_51Habcdefghijklmno', 'stripe [redacted:stripe-key]'],
    ['ghp_abcdefghijklmnopqrstuvwxyz0123456789', '[redacted:github-token]'],
    ['xoxb-1234567890-abcdefghij', '[redacted:slack-token]'],
    ['AIzaSyA-abcdefghijklmnopqrstuvwxyz012345', '[redacted:google-api-key]'],
    ['postgres://app:hunter2@db:5432/x', 'postgres://app:[redacted:url-password]@db:5432/x'],
    ['password=hunter2&user=x', 'password=[redacted:password]&user=x'],
    ['{"token": "abc123xyz"}', '{"token": "[redacted:secret]"}'],
    ['-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY----- after', '[redacted:private-key] after'],
    ['-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXkt (cut by the exporter', '[redacted:private-key]'],
  ])('%s', (text, expected) => {
    expect(redactSecrets(text)).toBe(expected);
  });

  it('leaves prose, hashes and counts alone', () => {
    for (const text of [
      'Bearer tokens expire; Basic troubleshooting first',
      'sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
      'max_tokens=1024 and token: 512',
      'desk-lamp-aaaaaaaaaaaaaaaaaaaa',
      'see https://example.com/a:b@c',
    ]) {
      expect(redactSecrets(text)).toBe(text);
    }
  });

  it('applies user patterns after the built-in ones', () => {
    expect(redactSecrets('id ACME-123456789012', [userSecretPattern('acme-token', 'ACME-[0-9]{12}')])).toBe('id [redacted:acme-token]');
  });

  it('is linear on long hostile text', () => {
    const started = performance.now();
    for (const text of ['a'.repeat(1_000_000), 'a://'.repeat(250_000), 'password'.repeat(125_000), ' '.repeat(1_000_000), 'sk-'.repeat(300_000)]) redactSecrets(text);
    // A guard against a quadratic pattern (minutes), not a timing assertion.
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});
