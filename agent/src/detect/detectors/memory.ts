/** Memory: total physical memory in bytes. */
import os from 'node:os';
import type { Detector } from '../detector.js';

export const memory: Detector = {
  name: 'memory',
  async detect() {
    return { memory: { totalBytes: os.totalmem() } };
  },
};
