/** Capability detection: what this host provides (components, disk, OS, CPU, memory). */
export { detectCapabilities, type DetectOptions } from './detect-capabilities.js';
export { reportsEqual, assembleReport, compareComponents, DEFAULT_DISK_TOLERANCE_BYTES, type ReportsEqualOptions } from './report.js';
export { parseReserve, validateReserve, reserveBytes, allocatableBytes, DEFAULT_RESERVE, type DiskReserve } from './reserve.js';
export { DETECTORS, COMPONENT_DETECTORS, FACT_DETECTORS, detectorNamed } from './registry.js';
export { guard, DetectorTimeoutError, type GuardOptions } from './guard.js';
export { createDetectEnv, type DetectEnvOptions } from './env.js';
export { DEFAULT_PROBE_DIRS, VENDOR_DIR_PATTERNS, defaultProbeDirs, normalizeProbePath, probeDirs, type VendorDirPattern } from './probe-path.js';
export { DEFAULT_PROBE_LIMITS, runProbe, type ProbeLimits, type ProbeOptions, type ProbeOutput } from './run-probe.js';
export { compareVersions } from './version.js';
export { diskCapacity, longestPrefixMount } from './detectors/disk.js';
export { parseOsRelease, readOs } from './detectors/os.js';
export type { Detector, DetectEnv, Facts, Finding } from './detector.js';
export type { Executable } from './executables.js';
