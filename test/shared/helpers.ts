import { expect } from 'vitest';
import { InvalidArgumentError } from '@hostplane/shared';

/**
 * Runs `fn`, expects it to throw an InvalidArgumentError whose `field` is `key` and whose message
 * names the key and every one of `mentions` (normally the offending value). Returns the error.
 */
export function expectInvalid(fn: () => unknown, key: string, ...mentions: string[]): InvalidArgumentError {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  expect(thrown, `expected ${key} to be refused`).toBeInstanceOf(InvalidArgumentError);
  const err = thrown as InvalidArgumentError;
  expect(err.code).toBe('INVALID_ARGUMENT');
  expect(err.name).toBe('InvalidArgumentError');
  expect(err.field).toBe(key);
  expect(err.message).toContain(key);
  for (const m of mentions) expect(err.message).toContain(m);
  return err;
}
