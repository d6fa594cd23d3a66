/** Free text from strangers: control characters refused on input, shown as escapes on output. */
import { describe, expect, it } from 'vitest';
import { escapeControls, shown, validateText } from '@hostplane/shared';
import { renderFields, renderTable } from '../../cli/src/output.js';
import { openTestCore } from '../helpers/core.js';

const ATTACKS = ['Evil\u001b]0;owned\u0007', 'Clear\u001b[2J\u001b[H', 'Row\nforged  row', 'Tab\there', 'Bell\u0007', 'C1\u009b31m', 'Bidi\u202eevil', 'Del\u007f'];

describe('validateText', () => {
  it.each(ATTACKS)('refuses %j', (raw) => {
    expect(() => validateText(raw, 'displayName')).toThrow('displayName: control characters are not allowed');
  });

  it('keeps ordinary text (accents, emoji), trimmed; bounds the length', () => {
    expect(validateText('  Zoë Müller 🚀 ', 'displayName')).toBe('Zoë Müller 🚀');
    expect(() => validateText('x'.repeat(201), 'displayName')).toThrow('displayName: at most 200 characters');
  });
});

describe('on output', () => {
  it('tables and fields show control characters as escapes, never raw', () => {
    const out = renderTable(['login', 'name'], [['alice', 'Evil\u001b]0;owned\u0007']]) + renderFields([['Name', 'Clear\u001b[2J']]);
    expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(out).toContain('Evil\\u001b]0;owned\\u0007');
    expect(escapeControls('a\u202eb')).toBe('a\\u202eb');
  });
});

describe('through the use cases', () => {
  it('a customer or reseller display name with control characters is refused and nothing is written', () => {
    const t = openTestCore();
    try {
      t.core.createPlan({ name: 'R', kind: 'reseller', values: {} });
      const before = t.dump();
      expect(() => t.core.createCustomer({ login: 'eve', displayName: ATTACKS[0], email: 'eve@example.org' })).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT', field: 'displayName' }),
      );
      expect(() => t.core.createReseller({ login: 'rev', displayName: ATTACKS[1], email: 'r@example.org', plan: 'R' })).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT', field: 'displayName' }),
      );
      expect(t.dump()).toBe(before);
    } finally {
      t.close();
    }
  });
});

describe('shown', () => {
  it('echoes at most 64 characters, escaped', () => {
    expect(shown('short')).toBe('short');
    expect(shown('x'.repeat(1000))).toBe(`${'x'.repeat(64)}… (1000 characters)`);
    expect(shown('a\u001bb')).toBe('a\\u001bb');
  });
});
