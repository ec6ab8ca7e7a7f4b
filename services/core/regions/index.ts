import { DateTime } from 'luxon';
import { HEATING_BANDS, REGION_ROWS, type FederalDistrict, type HeatingSeason } from './table.js';

export { FEDERAL_DISTRICTS, HEATING_BANDS, type FederalDistrict, type HeatingSeason } from './table.js';

export interface RegionInfo {
  /** Canonical two-digit code, whatever spelling was looked up. */
  code: string;
  name: string;
  /** Canonical IANA zone name. */
  zone: string;
  federalDistrict: FederalDistrict;
  heatingSeason: HeatingSeason;
}

/** Season assumed where the region is unknown: the Moscow-like one. */
export const DEFAULT_HEATING_SEASON: HeatingSeason = HEATING_BANDS.temperate;

const byCode: ReadonlyMap<string, RegionInfo> = buildIndex();

function buildIndex(): Map<string, RegionInfo> {
  const index = new Map<string, RegionInfo>();
  for (const row of REGION_ROWS) {
    const info: RegionInfo = Object.freeze({
      code: row.code,
      name: row.name,
      zone: row.zone,
      federalDistrict: row.federalDistrict,
      heatingSeason: HEATING_BANDS[row.heating],
    });
    for (const code of [row.code, ...(row.aliases ?? [])]) {
      if (index.has(code)) throw new Error(`region code ${code} listed twice`);
      index.set(code, info);
    }
  }
  return index;
}

/** Producers write "2" as often as "02": strip spaces and pad single digits. */
function normalizeCode(code: string): string {
  const trimmed = code.trim();
  return /^\d$/.test(trimmed) ? `0${trimmed}` : trimmed;
}

/** The subject behind a producer's region code ("54", "02", "2", "154"), or undefined when unknown. */
export function regionInfo(code: string | undefined): RegionInfo | undefined {
  if (code === undefined) return undefined;
  return byCode.get(normalizeCode(code));
}

/** All 89 subjects, one entry each, in code order. */
export function allRegions(): RegionInfo[] {
  return REGION_ROWS.map((row) => byCode.get(row.code)!);
}

function monthDayKey(md: { month: number; day: number }): number {
  return md.month * 100 + md.day;
}

/** Whether the local date falls within [from, to], both inclusive; seasons may wrap over New Year. */
export function isInSeason(season: HeatingSeason, local: { month: number; day: number }): boolean {
  const day = monthDayKey(local);
  const from = monthDayKey(season.from);
  const to = monthDayKey(season.to);
  return from <= to ? day >= from && day <= to : day >= from || day <= to;
}

/**
 * Whether heating is normally on in the region at that instant, judged by the local date in the region's
 * zone. An unknown region gets the Moscow-like season (Oct 1..Apr 30) on Moscow's date.
 */
export function isHeatingSeason(regionCode: string | undefined, atMs: number): boolean {
  const region = regionInfo(regionCode);
  const local = DateTime.fromMillis(atMs, { zone: region?.zone ?? 'Europe/Moscow' });
  return isInSeason(region?.heatingSeason ?? DEFAULT_HEATING_SEASON, local);
}
