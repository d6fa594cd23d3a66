// Child of the usage benchmark: one measurement cycle of the agent's own UsageMeter (built code, as
// the agent runs it) over the sites given, then its RSS. Prints one JSON line.
import { UsageMeter } from '../../agent/dist/usage/meter.js';

const [vhostsRoot, configDir, stateDir, count] = process.argv.slice(2);
const names = Array.from({ length: Number(count) }, (_, i) => `site${i}.bench.example`);
const meter = new UsageMeter({ vhostsRoot, configDir }, stateDir);
const t0 = performance.now();
const usages = await meter.measure(names);
const seconds = (performance.now() - t0) / 1000;
const rssMB = Math.round(Number(/VmHWM:\s+(\d+)/.exec(await (await import('node:fs/promises')).readFile('/proc/self/status', 'utf8'))[1]) / 1024);
console.log(JSON.stringify({ seconds, rssMB, sites: usages.length, files: usages.reduce((n, u) => n + (u.diskBytes > 0 ? 1 : 0), 0) }));
