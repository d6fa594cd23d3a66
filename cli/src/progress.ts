/**
 * A progress indication on stderr while a long call runs (`plan update` synchronizing many
 * subscriptions, `host detect` waiting for an agent): a spinner with the elapsed seconds, shown only
 * when stderr is a terminal and only once the call has taken longer than a moment, then erased, so
 * that pipes, logs and `--json` consumers never see it.
 */
const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export interface ProgressTarget {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

export interface ProgressOptions {
  /** Wait this long before showing anything (ms); quick calls stay silent. */
  readonly delayMs?: number;
  /** Redraw interval (ms). */
  readonly intervalMs?: number;
}

/** Runs `work`, showing `label… 3s` on a TTY stderr while it is pending (`label` may change as it goes). */
export async function withProgress<T>(
  target: ProgressTarget,
  label: string | (() => string),
  work: Promise<T>,
  { delayMs = 400, intervalMs = 100 }: ProgressOptions = {},
): Promise<T> {
  if (!target.isTTY) return work;
  const started = Date.now();
  let frame = 0;
  let shown = false;
  let timer: NodeJS.Timeout | undefined;
  const draw = () => {
    const seconds = Math.floor((Date.now() - started) / 1000);
    const text = typeof label === 'function' ? label() : label;
    target.write(`\r\x1b[2K${FRAMES[frame++ % FRAMES.length]} ${text}… ${seconds}s`);
    shown = true;
  };
  const delay = setTimeout(() => {
    draw();
    timer = setInterval(draw, intervalMs);
  }, delayMs);
  try {
    return await work;
  } finally {
    clearTimeout(delay);
    if (timer) clearInterval(timer);
    if (shown) target.write('\r\x1b[2K');
  }
}

/** `[#####-----] 45% 450M of 1.0G`, or `450M` when the total is unknown. */
export function progressBar(done: number, total: number, size: (n: number) => string, width = 20): string {
  if (total <= 0) return size(done);
  const share = Math.min(done / total, 0.99); // a tar stream is a little larger than what du measured
  const filled = Math.round(share * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${Math.floor(share * 100)}% ${size(done)} of ${size(total)}`;
}
