/** The per-place word rates that give a kind of problem its baseline (services/core/incidents/topics.ts). */
import { describe, expect, it } from 'vitest';
import { TopicRates } from '../../../../services/core/incidents/topics.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const T0 = Date.UTC(2026, 10, 10);

describe('TopicRates', () => {
  it('expects a chronic phrase of a town at its share of the town, and a new one at nothing', () => {
    const topics = new TopicRates(12 * HOUR);
    // Six hours, a comment a minute in Иркутск; one in ten about the leaking library roof.
    for (let i = 0; i < 360; i++)
      topics.add(
        '38',
        'иркутск',
        i % 10 === 0 ? ['библиотек', 'крыш', 'протека'] : ['двор', `w${i}`],
        T0 + i * MINUTE,
      );
    const group = new Map([
      ['библиотек', 3],
      ['крыш', 3],
      ['протека', 2],
    ]);
    const window = [['библиотек', 'крыш', 'протека']];
    // The rarest defining stem (протека, in 36 of 360 comments, the window's member out) over the last
    // hour's 60 comments: about 6.
    const expected = topics.expected('38', 'иркутск', group, 3, window, T0 + 5 * HOUR, T0 + 6 * HOUR);
    expect(expected).toBeCloseTo((60 * 35) / 359, 6);
    // Water on Победы was never written about there: nothing expected (the whole stream's share is 0 too).
    const water = new Map([
      ['вод', 3],
      ['побед', 3],
    ]);
    expect(topics.expected('38', 'иркутск', water, 3, [], T0 + 5 * HOUR, T0 + 6 * HOUR)).toBe(0);
  });

  it('counts the whole stream too: a phrase common everywhere is expected in a town that never wrote it', () => {
    const topics = new TopicRates(12 * HOUR);
    for (let i = 0; i < 400; i++)
      topics.add(
        i % 2 ? '54' : '24',
        'город',
        i % 4 === 0 ? ['концерт', 'парк'] : [`w${i}`],
        T0 + i * MINUTE,
      );
    for (let i = 0; i < 60; i++) topics.add('38', 'братск', [`x${i}`], T0 + i * MINUTE);
    const group = new Map([
      ['концерт', 2],
      ['парк', 2],
    ]);
    // A quarter of the stream's 460 comments (100) over Братск's 60: about 13.
    expect(topics.expected('38', 'братск', group, 2, [], T0, T0 + HOUR)).toBeCloseTo((60 * 100) / 460, 6);
  });
});
