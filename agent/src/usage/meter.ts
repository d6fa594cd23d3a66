/**
 * Usage of every site on this host: disk used by its webspace and traffic sent for its names this
 * month (UTC). State (each traffic log's offset, inode, month and count) is kept in the state dir
 * (`usage.json`, 0600), so a restart neither loses nor counts twice. Sites run two at a time.
 */
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../realize/fs-atomic.js';
import { trafficLogPath, webspaceDir, type Layout } from '../realize/layout.js';
import { diskBytes } from './disk.js';
import { EMPTY_TRAFFIC, readTraffic, type TrafficState } from './traffic.js';

export interface SiteUsage {
  readonly name: string;
  readonly diskBytes: number;
  readonly trafficBytes: number;
  /** `YYYY-MM` (UTC) of `trafficBytes`. */
  readonly trafficMonth: string;
  readonly measuredAt: Date;
}

export const USAGE_STATE_FILE = 'usage.json';
const PARALLEL = 2;

export class UsageMeter {
  private traffic: Map<string, TrafficState> | undefined;
  private readonly lastDisk = new Map<string, number>();

  constructor(
    private readonly layout: Layout,
    private readonly stateDir: string,
    private readonly clock: () => Date = () => new Date(),
    private readonly onError: (name: string, err: Error) => void = () => undefined,
  ) {}

  /** Measures `names` (the sites applied on this host); sites not listed are forgotten. */
  async measure(names: readonly string[]): Promise<SiteUsage[]> {
    const traffic = (this.traffic ??= await this.load());
    const now = this.clock();
    const out: SiteUsage[] = [];
    const queue = [...names];
    const worker = async () => {
      for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
        // One site that cannot be measured (du failed or overran on millions of files) keeps its
        // last figure and is said; the others are measured and reported all the same.
        let disk: number;
        try {
          disk = (await diskBytes(webspaceDir(this.layout, name))) ?? 0;
          this.lastDisk.set(name, disk);
        } catch (err) {
          disk = this.lastDisk.get(name) ?? 0;
          this.onError(name, err as Error);
        }
        const t = await readTraffic(trafficLogPath(this.layout, name), traffic.get(name) ?? EMPTY_TRAFFIC, now);
        traffic.set(name, t);
        out.push({ name, diskBytes: disk, trafficBytes: t.bytes, trafficMonth: t.month, measuredAt: now });
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
    const keep = new Set(names);
    for (const name of traffic.keys()) if (!keep.has(name)) traffic.delete(name);
    for (const name of this.lastDisk.keys()) if (!keep.has(name)) this.lastDisk.delete(name);
    await this.save(traffic);
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  private file(): string {
    return path.join(this.stateDir, USAGE_STATE_FILE);
  }

  private async load(): Promise<Map<string, TrafficState>> {
    try {
      const parsed = JSON.parse(await readFile(this.file(), 'utf8')) as Record<string, TrafficState>;
      const ok = (v: TrafficState | undefined) =>
        typeof v?.offset === 'number' && typeof v.bytes === 'number' && typeof v.inode === 'number' && typeof v.month === 'string' && /^\d{4}-\d{2}$/.test(v.month);
      return new Map(Object.entries(parsed).filter(([, v]) => ok(v)));
    } catch {
      return new Map(); // none yet, or unreadable: the logs are read again (their lines carry their time)
    }
  }

  private async save(traffic: Map<string, TrafficState>): Promise<void> {
    await mkdir(this.stateDir, { recursive: true, mode: 0o700 });
    await writeFileAtomic(this.file(), `${JSON.stringify(Object.fromEntries(traffic))}\n`, 0o600);
  }
}
