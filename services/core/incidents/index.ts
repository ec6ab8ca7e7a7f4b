/** The incident and campaign detector: docs/incidents.md. */
export { IncidentDetector, type DetectorStats } from './detector.js';
export { DEFAULT_DETECTOR_CONFIG, type DetectorConfig } from './config.js';
export type {
  DetectorComment,
  DetectorEvent,
  IncidentDetail,
  IncidentKind,
  IncidentReplayLine,
  IncidentType,
} from './types.js';
export { severityOf, titleOf, type Severity } from './presentation.js';
export { poissonUpperTail } from './poisson.js';
export { detectorCommentOf } from './comment.js';
