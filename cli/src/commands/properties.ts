/**
 * `hostplane properties`: the property catalogue — every key plans and subscriptions take, its
 * type, default, unit, how add-ons combine it, the permission that delegates it to the customer,
 * and what a host needs to provide it. Local: the CLI carries the same catalogue as the controller.
 */
import type { Command } from 'commander';
import { formatValue, PROPERTIES, type PropertyDef, type PropertyType, type Requirement } from '@hostplane/shared';
import { verb, type Context, type VerbOptions } from '../context.js';
import { renderTable } from '../output.js';

function typeText(t: PropertyType): string {
  switch (t.kind) {
    case 'size':
    case 'count':
    case 'duration':
      return t.unlimited ? `${t.kind} or unlimited` : t.kind;
    case 'enum':
      return t.values.join(' | ');
    default:
      return t.kind;
  }
}

function hostNeed(def: PropertyDef): string {
  const r: Requirement | undefined = def.requires;
  if (!r) return '';
  const when = def.dependsOn ? ` (when ${def.dependsOn})` : '';
  switch (r.kind) {
    case 'component':
      return `${r.label} (when ${def.type.kind === 'bool' ? 'true' : '> 0'})`;
    case 'disk':
      return 'fits in the allocatable disk of the vhosts filesystem';
    case 'php-version':
      return `PHP of that version${when}`;
    case 'php-fpm':
      return `fpm: php-fpm of the provided PHP version${when}`;
    case 'tool-by-value':
      return `the named tool${when}`;
  }
}

function combineText(def: PropertyDef): string {
  return def.inAddons ? def.combine : 'not in add-ons';
}

export function propertiesJson(): Record<string, unknown>[] {
  return [...PROPERTIES.values()].map((d) => ({
    key: d.key,
    type: typeText(d.type),
    default: d.default ?? null,
    unit: d.unit ?? null,
    addons: combineText(d),
    delegatedBy: d.delegatedBy ?? null,
    hostNeeds: hostNeed(d) || null,
    scope: d.scope ?? 'hosting',
    description: d.description,
  }));
}

export function renderProperties(): string {
  return renderTable(
    ['key', 'type', 'default', 'add-ons', 'delegated by', 'host needs'],
    [...PROPERTIES.values()].map((d) => [
      d.key,
      typeText(d.type),
      d.default === undefined ? '(not set)' : formatValue(d.key, d.default),
      combineText(d),
      d.delegatedBy ?? '-',
      hostNeed(d) || '-',
    ]),
  );
}

export function registerProperties(program: Command, ctx: Context): void {
  verb(program, 'properties', 'list the property catalogue: every key a plan or subscription takes (--set key=value)', [
    'hostplane properties',
    'hostplane properties --json',
  ]).action((opts: VerbOptions) => {
    ctx.emit(opts.json, propertiesJson(), () => renderProperties());
  });
}
