/** CPU: number of logical cores and the model name of the first one. */
import os from 'node:os';
import type { Detector } from '../detector.js';

export const cpu: Detector = {
  name: 'cpu',
  async detect() {
    const cpus = os.cpus();
    const model = cpus[0]?.model.replace(/\s+/g, ' ').trim();
    return { cpu: { cores: cpus.length || os.availableParallelism(), ...(model ? { model } : {}) } };
  },
};
