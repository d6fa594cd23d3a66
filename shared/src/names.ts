/**
 * Validation of the names users give to entities. A name is checked before it touches a path, a
 * config file or the store; errors name the field and the value.
 */
import { InvalidArgumentError } from './errors.js';

const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const LOGIN = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const HOST_NAME = /^[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * A value as an error message may echo it: at most 64 characters, control characters escaped. A
 * megabyte of name is neither sent back nor logged whole.
 */
export function shown(raw: string, max = 64): string {
  const cut = raw.length > max ? `${raw.slice(0, max)}… (${raw.length} characters)` : raw;
  return escapeControls(cut);
}

/** A subscription name: the main domain, a valid DNS name with at least two labels. Lower-cased. */
export function validateDomainName(raw: string, field = 'name'): string {
  const name = raw.trim().toLowerCase().replace(/\.$/, '');
  if (name === '') throw new InvalidArgumentError(field, `${field}: a domain name is required`);
  const labels = name.split('.');
  if (name.length > 253 || labels.length < 2 || !labels.every((l) => DNS_LABEL.test(l)) || /^\d+$/.test(labels.at(-1)!)) {
    throw new InvalidArgumentError(field, `${field}: '${shown(raw)}' is not a valid domain name`);
  }
  return name;
}

/** A plan name: 1–64 printable characters, no slashes; case and inner spaces kept. */
export function validatePlanName(raw: string, field = 'name'): string {
  const name = raw.trim();
  // eslint-disable-next-line no-control-regex
  if (name === '' || name.length > 64 || /[\u0000-\u001f\u007f/\\]/.test(name)) {
    throw new InvalidArgumentError(field, `${field}: '${shown(raw)}' is not a valid plan name (1–64 printable characters, no slashes)`);
  }
  return name;
}

/** A customer login: lower-case letters, digits, `.`, `_`, `-`; starts with a letter or digit; ≤ 64. */
export function validateLogin(raw: string, field = 'login'): string {
  const login = raw.trim();
  if (!LOGIN.test(login)) {
    throw new InvalidArgumentError(field, `${field}: '${shown(raw)}' is not a valid login (lower-case letters, digits, '.', '_', '-'; at most 64)`);
  }
  return login;
}

/** A host name: a DNS-style name (lower-case letters, digits, `.` and `-`). */
export function validateHostName(raw: string, field = 'host'): string {
  const name = raw.trim().toLowerCase();
  if (!HOST_NAME.test(name) || name.includes('..')) {
    throw new InvalidArgumentError(field, `${field}: '${shown(raw)}' is not a valid host name`);
  }
  return name;
}

export function validateEmail(raw: string, field = 'email'): string {
  const email = raw.trim();
  if (!EMAIL.test(email) || email.length > 254) throw new InvalidArgumentError(field, `${field}: '${shown(raw)}' is not a valid e-mail address`);
  return email;
}

/**
 * Control characters (C0, DEL, C1) and bidirectional overrides: text that could clear a screen,
 * move the cursor or reorder what an operator reads in a terminal or a page.
 */
const UNSAFE_TEXT = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** A free-text field (a display name): trimmed, at most `max` characters, no control characters. */
export function validateText(raw: string, field: string, max = 200): string {
  const text = raw.trim();
  if (text.length > max) throw new InvalidArgumentError(field, `${field}: at most ${max} characters`);
  if (UNSAFE_TEXT.test(text)) throw new InvalidArgumentError(field, `${field}: control characters are not allowed`);
  return text;
}

/** Text for a terminal: control characters shown as escapes (`\x1b`), never interpreted. */
export function escapeControls(text: string): string {
  return text.replace(new RegExp(UNSAFE_TEXT.source, 'g'), (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
