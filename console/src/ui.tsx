/** The console's small shared pieces: badges, value tables, forms of properties, dialogs, errors. */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Conflict, Value as ProtoValue } from '@hostplane/proto/hostplane/v1/values.js';
import { SubscriptionState, SyncStatus, type Subscription } from '@hostplane/proto/hostplane/v1/subscription.js';
import { PROPERTIES, PROPERTY_KEYS, formatValue, parseValue, valueFromProto, valueToProto, type Value } from '@hostplane/shared';
import { ApiError } from './api.js';

/** A value as people read it, in the CLI's units (`10G`, `unlimited`); `—` when not set. */
export function valueText(key: string, value: ProtoValue | undefined): string {
  const plain = valueFromProto(value);
  return plain === undefined ? '—' : formatValue(key, plain);
}

export const SYNC_LABEL: Record<number, string> = {
  [SyncStatus.SYNC_STATUS_SYNCED]: 'Synced',
  [SyncStatus.SYNC_STATUS_UNSYNCED]: 'Unsynced',
  [SyncStatus.SYNC_STATUS_LOCKED]: 'Locked',
  [SyncStatus.SYNC_STATUS_CUSTOM]: 'Custom',
};

export function Badge(props: { kind: string; children: ComponentChildren; title?: string }) {
  return (
    <span class={`badge badge-${props.kind}`} title={props.title}>
      {props.children}
    </span>
  );
}

/** The seed's status badges: the sync status, and "Suspended" (with its reasons) when suspended. */
export function StatusBadges({ sub }: { sub: Pick<Subscription, 'syncStatus' | 'state' | 'suspensionReasons'> }) {
  const label = SYNC_LABEL[sub.syncStatus] ?? 'Unknown';
  const suspended = sub.state === SubscriptionState.SUBSCRIPTION_STATE_SUSPENDED;
  const reasons = sub.suspensionReasons.map((r) => ['', 'manual', 'expired', 'customer', 'overuse'][r] ?? '').filter(Boolean);
  return (
    <span class="badges">
      <Badge kind={label.toLowerCase()}>{label}</Badge>
      {suspended && (
        <Badge kind="suspended" title={reasons.length ? `suspended: ${reasons.join(', ')}` : 'suspended'}>
          Suspended
        </Badge>
      )}
    </span>
  );
}

/** An error from the controller, as it said it (code and message), for a screen or a form. */
export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  const text = error instanceof ApiError ? `${error.message} (${error.code})` : error instanceof Error ? error.message : String(error);
  return (
    <p class="error" role="alert">
      {text}
    </p>
  );
}

/** Loads `fn` on mount and whenever `deps` change; `reload()` runs it again. */
export function useLoad<T>(fn: () => Promise<T>, deps: unknown[]): { data?: T; error?: unknown; loading: boolean; reload: () => void } {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    fn().then(
      (data) => live && setState({ data, loading: false }),
      (error: unknown) => live && setState({ error, loading: false }),
    );
    return () => {
      live = false;
    };
    // `fn` is new at each render: `deps` say when it means another load.
  }, [...deps, tick]);
  return { ...state, reload: () => setTick((t) => t + 1) };
}

/** The groups a plan's values are shown in (SPEC §13): limits, hosting, PHP, permissions, reseller. */
export const GROUPS: readonly { prefix: string; title: string }[] = [
  { prefix: 'limits.', title: 'Limits' },
  { prefix: 'hosting.', title: 'Hosting' },
  { prefix: 'php.', title: 'PHP' },
  { prefix: 'permissions.', title: 'Permissions' },
  { prefix: 'reseller.', title: 'Reseller' },
];

export function groupOf(key: string): string {
  return GROUPS.find((g) => key.startsWith(g.prefix))?.title ?? 'Other';
}

/** Keys in catalogue order, grouped. */
export function grouped(keys: Iterable<string>): [title: string, keys: string[]][] {
  const wanted = new Set(keys);
  const out = new Map<string, string[]>();
  for (const key of [...PROPERTY_KEYS, ...[...wanted].filter((k) => !PROPERTIES.has(k)).sort()]) {
    if (!wanted.has(key)) continue;
    const title = groupOf(key);
    out.set(title, [...(out.get(title) ?? []), key]);
  }
  return [...out];
}

/** The seed's report: a table of Property / Plan value / Available value. */
export function ConflictTable({ conflicts }: { conflicts: readonly Conflict[] }) {
  return (
    <div class="overflow-auto">
      <table class="conflicts">
        <thead>
          <tr>
            <th scope="col">Property</th>
            <th scope="col">Plan value</th>
            <th scope="col">Available value</th>
          </tr>
        </thead>
        <tbody>
          {conflicts.map((c) => (
            <tr key={c.property}>
              <td>
                <code>{c.property}</code>
                {c.reason && <small class="reason">{c.reason}</small>}
              </td>
              <td>{valueText(c.property, c.planValue)}</td>
              <td>{valueText(c.property, c.availableValue)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A modal dialog (native `<dialog>`: focus kept inside, Escape closes it as Cancel would). */
export function Modal(props: { title: string; onClose: () => void; children: ComponentChildren; label?: string }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      aria-label={props.label ?? props.title}
      onCancel={(e) => {
        e.preventDefault();
        props.onClose();
      }}
    >
      <article>
        <header>
          <h2>{props.title}</h2>
        </header>
        {props.children}
      </article>
    </dialog>
  );
}

/** The text a property's input shows for a value (`10G`, `unlimited`, `8.2`); '' when unset. */
export function inputText(key: string, value: Value | undefined): string {
  return value === undefined ? '' : formatValue(key, value);
}

/**
 * A form of properties: one input per key (a checkbox for booleans, a list for enums, text for the
 * rest, in the CLI's syntax). `values` are the current texts; an empty text means "not set".
 */
export function PropertyFields(props: { keys: readonly string[]; values: Record<string, string>; onChange: (key: string, text: string) => void; errors: Record<string, string> }) {
  return (
    <>
      {grouped(props.keys).map(([title, keys]) => (
        <fieldset key={title}>
          <legend>{title}</legend>
          <div class="fields">
            {keys.map((key) => {
              const def = PROPERTIES.get(key);
              const text = props.values[key] ?? '';
              const id = `field-${key.replace(/\W/g, '-')}`;
              const error = props.errors[key];
              const common = { id, name: key, 'aria-invalid': error ? ('true' as const) : undefined, 'aria-describedby': error ? `${id}-error` : undefined };
              let input;
              if (def?.type.kind === 'bool') {
                input = (
                  <select {...common} value={text} onChange={(e) => props.onChange(key, (e.currentTarget as HTMLSelectElement).value)}>
                    <option value="">{def.default === undefined ? 'not set' : `not set (${formatValue(key, def.default)})`}</option>
                    <option value="true">true</option>
                    <option value="false">false</option>
                  </select>
                );
              } else if (def?.type.kind === 'enum') {
                input = (
                  <select {...common} value={text} onChange={(e) => props.onChange(key, (e.currentTarget as HTMLSelectElement).value)}>
                    <option value="">{def.default === undefined ? 'not set' : `not set (${formatValue(key, def.default)})`}</option>
                    {def.type.values.map((v) => (
                      <option value={v}>{v}</option>
                    ))}
                  </select>
                );
              } else {
                input = (
                  <input
                    {...common}
                    type="text"
                    value={text}
                    placeholder={def && def.default !== undefined ? `default: ${formatValue(key, def.default)}` : 'not set'}
                    onInput={(e) => props.onChange(key, (e.currentTarget as HTMLInputElement).value)}
                    autocomplete="off"
                    spellcheck={false}
                  />
                );
              }
              return (
                <label for={id} key={key} title={def?.description}>
                  <code>{key}</code>
                  {input}
                  {error && (
                    <small id={`${id}-error`} class="error">
                      {error}
                    </small>
                  )}
                </label>
              );
            })}
          </div>
        </fieldset>
      ))}
    </>
  );
}

/**
 * What a form changed against `before`: the values to set (parsed by the catalogue, as the CLI does)
 * and the keys to unset; `errors` names each key whose text is not a value.
 */
export function changesOf(texts: Record<string, string>, before: Record<string, Value>): { set: Record<string, ProtoValue>; unset: string[]; errors: Record<string, string> } {
  const set: Record<string, ProtoValue> = {};
  const unset: string[] = [];
  const errors: Record<string, string> = {};
  for (const [key, text] of Object.entries(texts)) {
    const old = before[key];
    if (text.trim() === '') {
      if (old !== undefined) unset.push(key);
      continue;
    }
    try {
      const value = parseValue(key, text);
      if (value !== old) set[key] = valueToProto(value);
    } catch (err) {
      errors[key] = (err as Error).message;
    }
  }
  return { set, unset, errors };
}

export function when(date: Date | undefined): string {
  if (!date) return '—';
  return date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

/** Where a page is: a link up to its list, then its own name. */
export function Breadcrumb(props: { href: string; label: string; current: string }) {
  return (
    <nav aria-label="breadcrumb">
      <ul>
        <li>
          <a href={props.href}>{props.label}</a>
        </li>
        <li>{props.current}</li>
      </ul>
    </nav>
  );
}

/** "New …": a form folded under a button until wanted. */
export function Unfold(props: { label: string; children: ComponentChildren }) {
  return (
    <details>
      <summary role="button" class="secondary outline">
        {props.label}
      </summary>
      {props.children}
    </details>
  );
}
