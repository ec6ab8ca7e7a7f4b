import { IANAZone } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  allRegions,
  FEDERAL_DISTRICTS,
  isHeatingSeason,
  isInSeason,
  regionInfo,
} from '../../../../services/core/regions/index.js';
import { at } from '../calendar/helpers.js';

describe('region table', () => {
  it('lists the 89 federal subjects once each, by district in the official counts', () => {
    const regions = allRegions();
    expect(regions).toHaveLength(89);
    expect(new Set(regions.map((r) => r.code)).size).toBe(89);
    const perDistrict = Object.fromEntries(
      FEDERAL_DISTRICTS.map((d) => [d, regions.filter((r) => r.federalDistrict === d).length]),
    );
    expect(perDistrict).toEqual({
      Central: 18,
      Northwestern: 11,
      Southern: 12,
      'North Caucasian': 7,
      Volga: 14,
      Ural: 6,
      Siberian: 10,
      'Far Eastern': 11,
    });
  });

  it('uses only valid canonical IANA zones and sane heating seasons', () => {
    for (const region of allRegions()) {
      expect(IANAZone.isValidZone(region.zone), region.zone).toBe(true);
      expect(region.zone).toMatch(/^(Europe|Asia)\//);
      for (const end of [region.heatingSeason.from, region.heatingSeason.to]) {
        expect(end.month).toBeGreaterThanOrEqual(1);
        expect(end.month).toBeLessThanOrEqual(12);
        expect(end.day).toBeGreaterThanOrEqual(1);
        expect(end.day).toBeLessThanOrEqual(31);
      }
    }
  });

  it('maps every subject of the Siberian Federal District to its zone', () => {
    const siberia = Object.fromEntries(
      allRegions()
        .filter((r) => r.federalDistrict === 'Siberian')
        .map((r) => [r.code, r.zone]),
    );
    expect(siberia).toEqual({
      '04': 'Asia/Barnaul', // Altai Republic
      '17': 'Asia/Krasnoyarsk', // Tuva
      '19': 'Asia/Krasnoyarsk', // Khakassia
      '22': 'Asia/Barnaul', // Altai Krai
      '24': 'Asia/Krasnoyarsk',
      '38': 'Asia/Irkutsk',
      '42': 'Asia/Novokuznetsk', // Kemerovo oblast — Kuzbass
      '54': 'Asia/Novosibirsk',
      '55': 'Asia/Omsk',
      '70': 'Asia/Tomsk',
    });
  });

  it('finds subjects by code, with or without the leading zero, and by further traffic-police codes', () => {
    expect(regionInfo('54')).toMatchObject({ name: 'Новосибирская область', zone: 'Asia/Novosibirsk' });
    expect(regionInfo('55')?.zone).toBe('Asia/Omsk');
    expect(regionInfo('38')?.zone).toBe('Asia/Irkutsk');
    expect(regionInfo('77')).toMatchObject({
      name: 'Москва',
      zone: 'Europe/Moscow',
      federalDistrict: 'Central',
    });
    expect(regionInfo('78')?.federalDistrict).toBe('Northwestern');
    expect(regionInfo('46')?.name).toBe('Курская область');
    expect(regionInfo('92')).toMatchObject({ zone: 'Europe/Simferopol', federalDistrict: 'Southern' });
    expect(regionInfo('39')?.zone).toBe('Europe/Kaliningrad');
    expect(regionInfo('41')?.zone).toBe('Asia/Kamchatka');
    expect(regionInfo('2')).toBe(regionInfo('02'));
    expect(regionInfo('02')?.zone).toBe('Asia/Yekaterinburg');
    expect(regionInfo(' 54 ')?.code).toBe('54');
    expect(regionInfo('154')?.code).toBe('54');
    expect(regionInfo('777')?.code).toBe('77');
  });

  it('returns undefined for unknown or missing codes', () => {
    expect(regionInfo(undefined)).toBeUndefined();
    expect(regionInfo('')).toBeUndefined();
    expect(regionInfo('00')).toBeUndefined();
    expect(regionInfo('88')).toBeUndefined();
    expect(regionInfo('RU-NVS')).toBeUndefined();
  });
});

describe('heating season', () => {
  it('is winter in Novosibirsk and not summer in Krasnodar', () => {
    expect(isHeatingSeason('54', at('2027-01-15T12:00', 'Asia/Novosibirsk'))).toBe(true);
    expect(isHeatingSeason('23', at('2026-07-15T12:00', 'Europe/Moscow'))).toBe(false);
  });

  it('starts earlier in Siberia than in the south', () => {
    const lateSeptember = at('2026-09-25T12:00', 'Europe/Moscow');
    expect(isHeatingSeason('54', lateSeptember)).toBe(true);
    expect(isHeatingSeason('77', lateSeptember)).toBe(false);
    expect(isHeatingSeason('23', lateSeptember)).toBe(false);
  });

  it('judges by the local date in the region zone', () => {
    // 14 September 2026 at 17:30 UTC is still the 14th in Omsk (23:30) but the 15th in Novosibirsk (00:30).
    const instant = Date.UTC(2026, 8, 14, 17, 30);
    expect(isHeatingSeason('54', instant)).toBe(true);
    expect(isHeatingSeason('55', instant)).toBe(false);
  });

  it('includes both ends of the season', () => {
    expect(isHeatingSeason('77', at('2026-10-01T00:00', 'Europe/Moscow'))).toBe(true);
    expect(isHeatingSeason('77', at('2026-09-30T23:59', 'Europe/Moscow'))).toBe(false);
    expect(isHeatingSeason('77', at('2026-04-30T23:59', 'Europe/Moscow'))).toBe(true);
    expect(isHeatingSeason('77', at('2026-05-01T00:00', 'Europe/Moscow'))).toBe(false);
  });

  it('uses the Moscow-like season Oct 1..Apr 30 on the Moscow date for an unknown region', () => {
    expect(isHeatingSeason(undefined, at('2026-10-01T00:30', 'Europe/Moscow'))).toBe(true);
    expect(isHeatingSeason('99999', at('2026-09-30T23:30', 'Europe/Moscow'))).toBe(false);
    expect(isHeatingSeason('', at('2026-04-30T12:00', 'Europe/Moscow'))).toBe(true);
  });

  it('handles seasons that do not wrap over New Year', () => {
    const summer = { from: { month: 6, day: 1 }, to: { month: 8, day: 31 } };
    expect(isInSeason(summer, { month: 7, day: 4 })).toBe(true);
    expect(isInSeason(summer, { month: 1, day: 4 })).toBe(false);
  });
});
