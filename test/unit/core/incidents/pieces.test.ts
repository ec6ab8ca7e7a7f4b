/** The detector's pieces: the Poisson tail, MinHash similarity, text features and place keys. */
import { describe, expect, it } from 'vitest';
import { featuresOf, placeKeyOf } from '../../../../services/core/incidents/features.js';
import { signatureOf, similarity } from '../../../../services/core/incidents/minhash.js';
import { poissonUpperTail } from '../../../../services/core/incidents/poisson.js';
import { StreamVolume } from '../../../../services/core/incidents/volume.js';

describe('poissonUpperTail', () => {
  it('matches sums of the Poisson mass function', () => {
    const mass = (k: number, l: number) => {
      let f = 1;
      for (let i = 2; i <= k; i++) f *= i;
      return (Math.exp(-l) * l ** k) / f;
    };
    for (const [n, l] of [
      [4, 0.5],
      [1, 2],
      [7, 3],
      [3, 6],
    ] as const) {
      let below = 0;
      for (let k = 0; k < n; k++) below += mass(k, l);
      expect(poissonUpperTail(n, l)).toBeCloseTo(1 - below, 10);
    }
    expect(poissonUpperTail(0, 5)).toBe(1);
    expect(poissonUpperTail(30, 0.1)).toBeGreaterThan(0);
    expect(poissonUpperTail(30, 0.1)).toBeLessThan(1e-40);
  });
});

describe('MinHash', () => {
  it('estimates a copy with a small edit as similar (the campaign bar, 0.5) and another text as not', () => {
    const base =
      'Мы жители категорически против строительства мусорного полигона возле посёлка, остановите стройку';
    const copy = base.replace('категорически', 'решительно');
    const other = 'Во дворе дома пять не горят фонари и никто не убирает снег с тротуара';
    const sig = (t: string) => signatureOf(featuresOf(t).shingles);
    expect(similarity(sig(base), sig(copy))).toBeGreaterThanOrEqual(0.5);
    expect(similarity(sig(base), sig(other))).toBeLessThan(0.2);
    expect(signatureOf(featuresOf(base).shingles)).toEqual(sig(base));
  });
});

describe('featuresOf', () => {
  it('reads the street after a marker or a capitalised name after «на», and skips function words', () => {
    expect(featuresOf('Нет воды на ул. Ленина, дом 5').street).toBe(featuresOf('улица Ленина').street);
    expect(featuresOf('Третий день мусор на Чкалова не вывозят').street).not.toBeNull();
    expect(featuresOf('Когда уже это всё закончится').stems).not.toContain('когд');
    expect(featuresOf('Дом 15, квартира 7').stems.some((s) => /\d/.test(s))).toBe(false);
  });

  it('takes a number beside a transport word as the route, not a house number as a street', () => {
    expect(featuresOf('Где 32 автобус?').street).toBe('№32');
    expect(featuresOf('Перевозчик 32 маршрута опять сорвал рейсы').street).toBe('№32');
    expect(featuresOf('Автобус 45 не вышел на Ленина').street).toBe('№45');
    expect(featuresOf('Нет воды, дом 32 по Ленина').street).not.toBe('№32');
  });
});

describe('placeKeyOf', () => {
  it('gives the municipality and its mention in a text one key', () => {
    expect(placeKeyOf('г. Бердск')).toBe(placeKeyOf('Бердск'));
    expect(featuresOf('В Бердске нет воды').stems).toContain(placeKeyOf('Бердск'));
    expect(placeKeyOf('50701000')).toBe('50701000');
  });
});

describe('StreamVolume', () => {
  it('counts comments between two times to the minute, and still after forgetting older minutes', () => {
    const volume = new StreamVolume();
    const minute = 60_000;
    for (const at of [0, 10, minute, minute + 5, 5 * minute, 9 * minute]) volume.add(at);
    expect(volume.between(0, minute)).toBe(2);
    expect(volume.between(minute, 6 * minute)).toBe(3);
    expect(volume.between(0, 10 * minute)).toBe(6);
    volume.forget(4 * minute);
    expect(volume.between(5 * minute, 10 * minute)).toBe(2);
    volume.add(10 * minute);
    expect(volume.between(9 * minute, 11 * minute)).toBe(2);
  });
});
