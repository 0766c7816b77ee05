/**
 * Garmin's FIT SDK is not shipped in dist/ (its licence forbids redistribution): where it cannot
 * be loaded, a FIT file is one ArchiveError naming the file and the ways on, and GPX still reads.
 * The SDK's absence is the one thing simulated here: its import fails as Node's would.
 */
import { describe, expect, it, vi } from 'vitest';
import { parseActivityFile } from '../../../src/archive/files.js';
import { ArchiveError } from '../../../src/errors.js';

vi.mock('@garmin/fitsdk', () => {
  throw new Error("Cannot find package '@garmin/fitsdk' imported from dist/chunks/files.js");
});

const GPX = `<?xml version="1.0"?>
<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>
<trkpt lat="48.8566" lon="2.3522"><time>2025-06-30T21:30:00Z</time></trkpt>
<trkpt lat="48.8570" lon="2.3530"><time>2025-06-30T21:30:10Z</time></trkpt>
</trkseg></trk></gpx>`;

describe('without the FIT SDK', () => {
  it('refuses a FIT file in one line naming it, how to install the SDK and --skip-bad-files', async () => {
    const name = 'activities/123.fit (activity 123)';
    const err = await parseActivityFile(Buffer.from('.FIT'), name, 'fit').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ArchiveError);
    const line = (err as ArchiveError).line;
    expect(line).not.toContain('\n');
    expect(line).toMatch(
      /^activities\/123\.fit \(activity 123\) is a FIT file, and reading FIT needs Garmin's FIT SDK \(@garmin\/fitsdk\)/,
    );
    expect(line).toContain('npm install @garmin/fitsdk');
    expect(line).toContain('--skip-bad-files');
  });

  it('still reads GPX', async () => {
    const track = await parseActivityFile(Buffer.from(GPX), 'activities/1.gpx', 'gpx');
    expect(track.samples).toHaveLength(2);
  });
});
