/**
 * The disk reserve: the part of the vhosts filesystem's free space that is never handed out as
 * quotas (room for logs, mail queues, the system itself). Either a number of bytes or a percentage
 * of the filesystem's total size.
 */
import { InvalidArgumentError, parseSize } from '@hostplane/shared';

export type DiskReserve = { readonly bytes: number } | { readonly percent: number };

export const DEFAULT_RESERVE: DiskReserve = Object.freeze({ percent: 5 });

/** `5%`, `12.5%`, `10G`, `512M`, `1073741824` → a reserve; INVALID_ARGUMENT (field `reserve`) otherwise. */
export function parseReserve(text: string): DiskReserve {
  const trimmed = text.trim();
  const percent = /^(\d+(?:\.\d+)?)\s*%$/.exec(trimmed);
  if (percent) return validateReserve({ percent: Number(percent[1]) });
  let bytes: number;
  try {
    bytes = parseSize(trimmed);
  } catch (cause) {
    throw new InvalidArgumentError('reserve', `reserve: invalid value '${text}': expected a size (10G) or a percentage (5%)`, { cause });
  }
  return validateReserve({ bytes });
}

export function validateReserve(reserve: DiskReserve): DiskReserve {
  if ('percent' in reserve) {
    const p = reserve.percent;
    if (!Number.isFinite(p) || p < 0 || p > 100) {
      throw new InvalidArgumentError('reserve', `reserve: invalid percentage ${String(p)}: expected 0 to 100`);
    }
    return reserve;
  }
  if (!Number.isSafeInteger(reserve.bytes) || reserve.bytes < 0) {
    throw new InvalidArgumentError('reserve', `reserve: invalid size ${String(reserve.bytes)}: expected whole bytes ≥ 0`);
  }
  return reserve;
}

/** The reserve in bytes for a filesystem of `totalBytes`. */
export function reserveBytes(reserve: DiskReserve, totalBytes: number): number {
  return 'percent' in reserve ? Math.floor((totalBytes * reserve.percent) / 100) : reserve.bytes;
}

/** Free space less the reserve, never negative. */
export function allocatableBytes(freeBytes: number, totalBytes: number, reserve: DiskReserve): number {
  return Math.max(0, freeBytes - reserveBytes(reserve, totalBytes));
}
