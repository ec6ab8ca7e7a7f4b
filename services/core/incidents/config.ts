/** The detector's parameters; docs/incidents.md#method says what each one does and why its default. */
export interface DetectorConfig {
  /** Least distinct authors before a candidate group may open as an incident. */
  minAuthors: number;
  /** Significance of the Poisson scan test. */
  alpha: number;
  /** Share of a place's comments that would fall into one group by chance. */
  chanceShare: number;
  /** Floor of every place's hourly rate (the cold start's prior). */
  priorRatePerHour: number;
  /** Weight of the newest hour in the EWMA of hourly counts. */
  ewmaWeight: number;
  /** Windows of the scan test; a group opens when any of them passes. */
  scanWindowsMs: readonly number[];
  /** Longest of them: members older than this are only counted. */
  scanWindowMs: number;
  /** A group inside one thread must be at least this share of what the thread got meanwhile. */
  threadShare: number;
  /** Share of a group's members the three most common categories must hold for it to be one problem. */
  categoryFocus: number;
  /** Shortest span the test divides by. */
  minSpanMs: number;
  /** Least match for a comment to join a group. */
  joinThreshold: number;
  /** Least centroid similarity for a burst to merge into an open incident or a candidate into a burst. */
  mergeThreshold: number;
  /** Least centroid similarity for a new burst to join an open incident of its region instead of opening. */
  openMergeThreshold: number;
  /**
   * Least share of a new burst's IDF-weighted stem mass in the vocabulary of an open incident of the same
   * place, young and active, for the burst to join it (a coincidence in place and time needs less text
   * evidence); 1 turns this off.
   */
  coincidentContainment: number;
  /** An open incident closes after this long without a new member. */
  quietMs: number;
  /** A candidate group is dropped after this long without a new member. */
  candidateQuietMs: number;
  /**
   * Half-life of each place's word counts (topics.ts), the baseline of a kind of problem finer than its
   * category; 0 turns that baseline off.
   */
  topicHalfLifeMs: number;
  /** Document counts of the IDF table are halved every this many comments. */
  idfHalfLifeDocs: number;
  campaignMinAuthors: number;
  /** The least usual rate of one text, per hour, the campaign test compares with. */
  campaignPriorPerHour: number;
  campaignMinPages: number;
  campaignMinStems: number;
  campaignMinSimilarity: number;
  campaignWindowMs: number;
  /** Comment keys are remembered this long, so EDITED and DELETED events count once. */
  seenRetentionMs: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export const DEFAULT_DETECTOR_CONFIG: Readonly<DetectorConfig> = Object.freeze({
  minAuthors: 4,
  alpha: 1e-4,
  chanceShare: 0.25,
  priorRatePerHour: 0.5,
  ewmaWeight: 1 / 24,
  scanWindowsMs: Object.freeze([HOUR, 6 * HOUR]),
  scanWindowMs: 6 * HOUR,
  threadShare: 0.3,
  categoryFocus: 0.8,
  minSpanMs: 30 * MINUTE,
  joinThreshold: 0.4,
  mergeThreshold: 0.3,
  openMergeThreshold: 0.2,
  coincidentContainment: 0.1,
  quietMs: 3 * HOUR,
  candidateQuietMs: 6 * HOUR,
  topicHalfLifeMs: 12 * HOUR,
  idfHalfLifeDocs: 20_000,
  campaignMinAuthors: 20,
  campaignPriorPerHour: 6,
  campaignMinPages: 2,
  campaignMinStems: 5,
  campaignMinSimilarity: 0.5,
  campaignWindowMs: HOUR,
  seenRetentionMs: 48 * HOUR,
});
