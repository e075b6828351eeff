// Planted secrets for the attack suite: one of every credential shape mimir redacts, plus one of a
// user pattern (mimir.yaml redaction.patterns). Each has a random body; an attack "leaked" when a
// body appears anywhere in what mimir wrote (stdout, stderr, report files).
import { randomBytes } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function random(alphabet, length) {
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[bytes[i] % alphabet.length];
  return out;
}

/** `text` is what is planted; `body` is the part that must never be seen again. */
export function makeSecrets() {
  const b = () => `Q7${random(ALNUM, 26)}`;
  const openai = b();
  const aws = `Q7${random(UPPER, 14)}`;
  const bearer = b();
  const jwtPayload = `eyJ${b()}`;
  const urlPassword = b();
  const github = `Q7${random(ALNUM, 34)}`;
  const password = b();
  const keyBody = `MIIE${b()}${b()}`;
  const slack = b();
  const google = `Q7${random(ALNUM, 33)}`;
  const stripe = b();
  const acme = `ACME-${random('0123456789', 12)}`;
  return [
    { kind: 'openai-key', text: `sk-proj-${openai}`, body: openai },
    { kind: 'aws-key', text: `AKIA${aws}`, body: aws },
    { kind: 'bearer-token', text: `Authorization: Bearer ${bearer}`, body: bearer },
    { kind: 'jwt', text: `eyJhbGciOiJIUzI1NiJ9.${jwtPayload}.sig${b()}`, body: jwtPayload },
    { kind: 'url-password', text: `postgres://app:${urlPassword}@db.internal:5432/app`, body: urlPassword },
    { kind: 'github-token', text: `ghp_${github}`, body: github },
    { kind: 'password', text: `password=${password}`, body: password },
    { kind: 'private-key', text: `-----BEGIN RSA PRIVATE KEY-----\n${keyBody}\n-----END RSA PRIVATE KEY-----`, body: keyBody },
    { kind: 'slack-token', text: `xoxb-${slack}`, body: slack },
    { kind: 'google-api-key', text: `AIza${google}`, body: google },
    { kind: 'stripe-key', text: `sk_live_${stripe}`, body: stripe },
    { kind: 'user-pattern', text: acme, body: acme },
  ];
}

/** The mimir.yaml lines that teach mimir the user pattern. */
export const USER_PATTERN_YAML = 'redaction:\n  patterns:\n    - name: acme-token\n      pattern: ACME-[0-9]{12}\n';
