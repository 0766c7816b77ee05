import { describe, expect, it } from 'vitest';
import type { GoldRow } from '../../../src/lakehouse/gold.js';
import { renderSummary } from '../../../src/report/summary.js';
import type { RunRecord } from '../../../src/runs/record.js';

function record(month: string, over: Partial<RunRecord> = {}): RunRecord {
  return {
    schemaVersion: 1,
    runId: '20240602T061700Z-a1b2c3',
    github: {
      repository: 'athlete/lakehouse',
      runId: '99',
      runAttempt: '1',
      workflow: 'Strava lakehouse',
    },
    toolVersion: '0.1.0',
    engine: 'embedded',
    month,
    window: { after: 1, before: 2, afterIso: 'a', beforeIso: 'b' },
    status: 'ingested',
    activities: 7,
    landing: {
      key: `landing/activities/month=${month}/activities-0a1b2c3d.csv`,
      sha256: 'f'.repeat(64),
      bytes: 900,
      reused: false,
    },
    tables: { before: { bronze: 3, silver: 3, gold: 3 }, after: { bronze: 4, silver: 4, gold: 3 } },
    qualityWarnings: [],
    stravaRequests: 3,
    startedAt: '2024-06-02T06:17:00.000Z',
    finishedAt: '2024-06-02T06:17:04.200Z',
    durationMs: 4200,
    forced: false,
    ...over,
  };
}

function gold(
  month: string,
  sport: string,
  count: number,
  km: number,
  hours: number,
  prev?: GoldRow,
): GoldRow {
  const distance = km * 1000;
  const moving = BigInt(hours * 3600);
  return {
    month,
    sport_type: sport,
    activity_count: BigInt(count),
    distance,
    moving_time: moving,
    elapsed_time: moving,
    total_elevation_gain: 10 * count,
    average_speed: distance / Number(moving),
    average_heartrate: null,
    prev_activity_count: prev ? prev.activity_count : null,
    prev_distance: prev ? prev.distance : null,
    prev_moving_time: prev ? prev.moving_time : null,
    activity_count_change: prev ? BigInt(count) - prev.activity_count : null,
    distance_change: prev ? distance - prev.distance : null,
    distance_change_pct: prev ? (100 * (distance - prev.distance)) / prev.distance : null,
    moving_time_change: prev ? moving - prev.moving_time : null,
    moving_time_change_pct: prev
      ? (100 * Number(moving - prev.moving_time)) / Number(prev.moving_time)
      : null,
  };
}

const aprilRun = gold('2024-04', 'Run', 4, 40, 4);
const GOLD = [
  gold('2023-02', 'Ride', 1, 99, 3), // older than the 12 months charted
  gold('2023-09', 'Ride', 2, 60, 2),
  aprilRun,
  gold('2024-05', 'Run', 5, 50, 5, aprilRun),
  gold('2024-05', 'Ride', 2, 80, 3),
];

/** The Mermaid block's lines, without the fences. */
function mermaid(md: string): string[] {
  const m = /```mermaid\n([\s\S]*?)\n```/.exec(md);
  expect(m, 'a mermaid block').not.toBeNull();
  return m![1]!.split('\n').map((l) => l.trim());
}

describe('renderSummary', () => {
  it('shows the month, status, counts, versions and landing file', () => {
    const md = renderSummary([record('2024-05')], GOLD);
    expect(md).toContain('## Strava lakehouse: 2024-05');
    expect(md).toContain(
      '| 2024-05 | ingested | 7 | `landing/activities/month=2024-05/activities-0a1b2c3d.csv` | v3 → v4 | v3 → v4 | v3 | 3 | 4.2 s |',
    );
  });

  it('compares each sport and all sports with the month before, from gold', () => {
    const md = renderSummary([record('2024-05')], GOLD);
    expect(md).toContain('### 2024-05 against 2024-04');
    expect(md).toContain('| Run | 5 | +1 | 50.0 | +25.0% | 5h 00m | +25.0% | 50 |');
    // A sport absent the month before has nothing to compare with.
    expect(md).toContain('| Ride | 2 | — | 80.0 | — | 3h 00m | — | 20 |');
    // All sports: 7 activities, 130 km, 8 h against 4, 40 km, 4 h.
    expect(md).toContain('| **All sports** | 7 | +3 | 130.0 | +225.0% | 8h 00m | +100.0% | 70 |');
  });

  it('compares nothing when gold has no rows for the month before', () => {
    const md = renderSummary(
      [record('2024-05')],
      GOLD.filter((r) => r.month !== '2024-04'),
    );
    expect(md).toContain('| **All sports** | 7 | — | 130.0 | — | 8h 00m | — | 70 |');
  });

  it('draws the months of the last 12 that have data, leaving the others off the axis', () => {
    const md = renderSummary([record('2024-05')], GOLD);
    const lines = mermaid(md);
    expect(lines[0]).toBe('xychart-beta');
    expect(lines).toContain('title "Distance per month (km)"');
    const axis = /^x-axis \[(.*)\]$/
      .exec(lines.find((l) => l.startsWith('x-axis'))!)![1]!
      .split(', ');
    const bars = /^bar \[(.*)\]$/.exec(lines.find((l) => l.startsWith('bar'))!)![1]!.split(', ');
    // 2023-02 is older than the 12 months; 2023-06..2024-05 holds three months with gold rows.
    expect(axis).toEqual(['"2023-09"', '"2024-04"', '"2024-05"']);
    expect(bars).toEqual(['60.0', '40.0', '130.0']);
    expect(bars).not.toContain('0.0');
    // The nine months without data are named, not drawn as zero.
    expect(md).toContain(
      'No data for 2023-06, 2023-07, 2023-08, 2023-10, 2023-11, 2023-12, 2024-01, 2024-02, 2024-03 (left off the chart).',
    );
  });

  it('draws no chart when none of the 12 months has data', () => {
    const md = renderSummary([record('2026-01')], GOLD);
    expect(md).not.toContain('```mermaid');
    expect(md).toContain('No data for 2025-02 to 2026-01.');
  });

  it('lists quality warnings and warnings, as inert text', () => {
    const md = renderSummary(
      [
        record('2024-05', {
          qualityWarnings: [
            '2024-05: activity 42 "<script>x</script> | y" has a negative distance',
          ],
        }),
      ],
      GOLD,
      { warnings: ['The secret STRAVA_REFRESH_TOKEN could not be updated.\nSet it by hand.'] },
    );
    expect(md).toContain('### Quality warnings');
    expect(md).toContain(
      '- 2024-05: activity 42 "&lt;script&gt;x&lt;/script&gt; \\| y" has a negative distance',
    );
    expect(md).toContain(
      '> [!WARNING]\n> The secret STRAVA_REFRESH_TOKEN could not be updated. Set it by hand.',
    );
    expect(md).not.toContain('<script>');
  });

  it('renders names and sport types with links, images, HTML and bare URLs inert', () => {
    const hostile =
      '[Run](https://evil.example/x) ![pixel](https://evil.example/p.png) <img src=x> **bold** `code` _em_ www.evil.example';
    const md = renderSummary(
      [record('2024-05', { qualityWarnings: [`2024-05: activity 42 "${hostile}" is odd`] })],
      [gold('2024-05', hostile, 1, 10, 1)],
    );
    const lines = md.split('\n').filter((l) => l.includes('evil'));
    // The quality warning (the activity's name) and the sport's row in the month's table.
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).not.toMatch(/(?<!\\)\[/);
      expect(line).not.toMatch(/(?<!\\)!/);
      expect(line).not.toMatch(/(?<!\\)[*`]/);
      expect(line).not.toMatch(/(?<![\\\w])_/);
      expect(line).not.toContain('<img');
      expect(line).not.toContain('https://');
      expect(line).not.toMatch(/www\.evil/);
      // The text itself is all there, for a reader.
      expect(line.replace(/\\/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>')).toContain(
        hostile,
      );
    }
  });

  it('shows only the fields it names: nothing else a record carries reaches the page', () => {
    const leaky = {
      ...record('2024-05'),
      refreshToken: 'rt-SECRET-123',
      clientSecret: 'cs-SECRET-456',
    } as RunRecord;
    const md = renderSummary([leaky], GOLD);
    expect(md).not.toContain('SECRET');
    expect(md).not.toContain('athlete/lakehouse');
  });

  it('says so when the month had no activities, and marks a forced, unchanged run', () => {
    const md = renderSummary(
      [record('2024-07', { status: 'unchanged', forced: true, activities: 0 })],
      GOLD,
    );
    expect(md).toContain('| 2024-07 | unchanged (forced) | 0 |');
    expect(md).toContain('No activities in 2024-07.');
    expect(mermaid(md).find((l) => l.startsWith('bar'))).toBe('bar [60.0, 40.0, 130.0]');
  });

  it('names a range of months, and renders the warnings alone when no month was done', () => {
    expect(renderSummary([record('2024-04'), record('2024-05')], GOLD)).toContain(
      '## Strava lakehouse: 2024-04 to 2024-05',
    );
    const md = renderSummary([], [], { warnings: ['Stopped early.'] });
    expect(md).toBe('## Strava lakehouse: no month done\n\n> [!WARNING]\n> Stopped early.\n');
  });

  it('after a Databricks run, says which tables need more than a Delta reader 1, and what took over', () => {
    const base = { minWriterVersion: 2, readerFeatures: [], embeddedReads: true };
    const plain = [
      { table: 'bronze/activities', minReaderVersion: 1, ...base },
      { table: 'silver/activities', minReaderVersion: 1, ...base },
    ];
    const quiet = renderSummary(
      [record('2024-05', { engine: 'databricks', tableProtocols: plain })],
      GOLD,
    );
    expect(quiet).toContain(
      '### Table protocols\n\n- All 2 tables are Delta reader 1 / writer 2: any Delta reader opens them.\n',
    );
    const md = renderSummary(
      [
        record('2024-05', {
          engine: 'databricks',
          handedOver: ['bronze/activities', 'silver/activities'],
          tableProtocols: [
            plain[0]!,
            {
              table: 'silver/activities',
              minReaderVersion: 3,
              minWriterVersion: 7,
              readerFeatures: ['deletionVectors'],
              embeddedReads: true,
            },
            {
              table: 'gold/monthly_summary',
              minReaderVersion: 3,
              minWriterVersion: 7,
              readerFeatures: ['variantType'],
              embeddedReads: false,
            },
          ],
        }),
      ],
      GOLD,
    );
    expect(md).toContain(
      [
        '### Table protocols',
        '',
        '- Taken over from the embedded engine: `bronze/activities`, `silver/activities` (`strava-lakehouse migrate --to embedded` hands them back).',
        '- `silver/activities` needs a Delta reader 3 with deletionVectors (writer 7); strava-lakehouse inspect and report still read it.',
        '- `gold/monthly_summary` needs a Delta reader 3 with variantType (writer 7); strava-lakehouse cannot read it: use Spark, Databricks or delta-rs.',
        '',
      ].join('\n'),
    );
    // An embedded run's record has neither: no section.
    expect(renderSummary([record('2024-05')], GOLD)).not.toContain('Table protocols');
  });
});
