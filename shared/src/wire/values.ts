/** Property values and capability reports on the wire (`hostplane.v1` messages) and back. */
import type { Conflict as ProtoConflict, Value as ProtoValue } from '@hostplane/proto/hostplane/v1/values.js';
import type { CapabilityReport as ProtoReport } from '@hostplane/proto/hostplane/v1/capability.js';
import type { CapabilityReport, ComponentName } from '../catalogue/components.js';
import { UNLIMITED, type Value, type Values } from '../catalogue/properties.js';

export type ProtoValues = { [key: string]: ProtoValue };

export function valueToProto(v: Value): ProtoValue {
  if (v === UNLIMITED) return { kind: { $case: 'unlimited', value: true } };
  if (typeof v === 'number') return { kind: { $case: 'intValue', value: String(v) } };
  if (typeof v === 'boolean') return { kind: { $case: 'boolValue', value: v } };
  return { kind: { $case: 'stringValue', value: v } };
}

/**
 * A wire value as a plain value: numbers (when safe integers), `'unlimited'`, booleans, strings.
 * Input from the API is still validated by `parseValue` against its key.
 */
export function valueFromProto(v: ProtoValue | undefined): Value | undefined {
  const kind = v?.kind;
  if (!kind) return undefined;
  switch (kind.$case) {
    case 'unlimited':
      return UNLIMITED;
    case 'intValue': {
      // A number when it is a safe integer written canonically; else its exact decimal text.
      const n = Number(kind.value);
      return Number.isSafeInteger(n) && String(n) === kind.value ? n : kind.value;
    }
    case 'boolValue':
    case 'stringValue':
      return kind.value;
  }
}

export function valuesToProto(values: Readonly<Values> | null | undefined): ProtoValues {
  const out: ProtoValues = {};
  if (values) for (const [k, v] of Object.entries(values)) out[k] = valueToProto(v);
  return out;
}

export function valuesFromProto(values: ProtoValues | undefined): Values {
  const out: Values = {};
  for (const [k, v] of Object.entries(values ?? {})) {
    const plain = valueFromProto(v);
    if (plain !== undefined) out[k] = plain;
  }
  return out;
}

/** A conflict row as plain values (`null` when a side is unset). */
export interface PlainConflict {
  readonly property: string;
  readonly planValue: Value | null;
  readonly availableValue: Value | null;
  readonly reason: string;
}

export function conflictToProto(c: PlainConflict): ProtoConflict {
  return {
    property: c.property,
    planValue: c.planValue === null ? undefined : valueToProto(c.planValue),
    availableValue: c.availableValue === null ? undefined : valueToProto(c.availableValue),
    reason: c.reason,
  };
}

export function conflictFromProto(c: ProtoConflict): PlainConflict {
  return {
    property: c.property,
    planValue: valueFromProto(c.planValue) ?? null,
    availableValue: valueFromProto(c.availableValue) ?? null,
    reason: c.reason,
  };
}

export function reportToProto(r: CapabilityReport | null | undefined): ProtoReport | undefined {
  if (!r) return undefined;
  return {
    components: r.components.map((c) => ({ name: c.name, version: c.version ?? '', path: c.path ?? '' })),
    disk: r.disk && {
      mount: r.disk.mount ?? '',
      totalBytes: String(r.disk.totalBytes),
      freeBytes: String(r.disk.freeBytes),
      allocatableBytes: String(r.disk.allocatableBytes),
    },
    os: r.os && { platform: r.os.platform, distro: r.os.distro ?? '', release: r.os.release ?? '', kernel: r.os.kernel ?? '', arch: '' },
    cpu: r.cpu && { cores: r.cpu.cores, model: r.cpu.model ?? '' },
    memory: r.memory && { totalBytes: String(r.memory.totalBytes) },
  };
}

export function reportFromProto(r: ProtoReport | undefined): CapabilityReport {
  return {
    components: (r?.components ?? []).map((c) => ({
      name: c.name as ComponentName,
      ...(c.version ? { version: c.version } : {}),
      ...(c.path ? { path: c.path } : {}),
    })),
    ...(r?.disk
      ? {
          disk: {
            ...(r.disk.mount ? { mount: r.disk.mount } : {}),
            totalBytes: Number(r.disk.totalBytes),
            freeBytes: Number(r.disk.freeBytes),
            allocatableBytes: Number(r.disk.allocatableBytes),
          },
        }
      : {}),
    ...(r?.os ? { os: { platform: r.os.platform, distro: r.os.distro, release: r.os.release, kernel: r.os.kernel } } : {}),
    ...(r?.cpu ? { cpu: { cores: r.cpu.cores, model: r.cpu.model } } : {}),
    ...(r?.memory ? { memory: { totalBytes: Number(r.memory.totalBytes) } } : {}),
  };
}
