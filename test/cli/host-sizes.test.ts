/** Measured capacities in `host show`: the largest unit with a whole part, one decimal. */
import { describe, expect, it } from 'vitest';
import { measuredSize } from '@hostplane/shared';

describe('measured sizes in host show', () => {
  it.each([
    [String(24684084 * 1024), '23.5G'],
    [String(10 * 1024 ** 3), '10G'],
    ['70292487988', '65.5G'],
    ['512', '512'],
    [undefined, '-'],
  ])('%s → %s', (bytes, text) => {
    expect(measuredSize(bytes)).toBe(text);
  });
});
