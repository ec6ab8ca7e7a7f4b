/** The incident and campaign detector: docs/incidents.md. */
export { IncidentDetector, type DetectorStats } from './detector.js';
export { DEFAULT_DETECTOR_CONFIG, type DetectorConfig } from './config.js';
export type { DetectorComment, IncidentEvent, IncidentKind, IncidentType } from './types.js';
export { poissonUpperTail } from './poisson.js';
