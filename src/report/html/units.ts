/**
 * The report's units: metric (km, m, km/h) or imperial (mi, ft, mph). Values in the tables stay
 * in Strava's units (metres, seconds, metres per second); these convert them for display.
 */
export type Units = 'metric' | 'imperial';
export const UNITS: readonly Units[] = ['metric', 'imperial'];

const METRES_PER_MILE = 1609.344;
const METRES_PER_FOOT = 0.3048;

/** Labels and conversions for one unit system. */
export interface UnitSystem {
  units: Units;
  distanceLabel: 'km' | 'mi';
  elevationLabel: 'm' | 'ft';
  speedLabel: 'km/h' | 'mph';
  paceLabel: 'min/km' | 'min/mi';
  /** Metres to km or miles. */
  distance(m: number): number;
  /** Metres to metres or feet. */
  elevation(m: number): number;
  /** Metres per second to km/h or mph. */
  speed(mps: number): number;
}

/** The unit system named by `units`. */
export function unitSystem(units: Units): UnitSystem {
  return units === 'imperial'
    ? {
        units,
        distanceLabel: 'mi',
        elevationLabel: 'ft',
        speedLabel: 'mph',
        paceLabel: 'min/mi',
        distance: (m) => m / METRES_PER_MILE,
        elevation: (m) => m / METRES_PER_FOOT,
        speed: (mps) => (mps * 3600) / METRES_PER_MILE,
      }
    : {
        units,
        distanceLabel: 'km',
        elevationLabel: 'm',
        speedLabel: 'km/h',
        paceLabel: 'min/km',
        distance: (m) => m / 1000,
        elevation: (m) => m,
        speed: (mps) => mps * 3.6,
      };
}

/** Strava's `measurement_preference` (`meters` or `feet`) as report units. */
export function unitsOfPreference(preference: unknown): Units | undefined {
  return preference === 'feet' ? 'imperial' : preference === 'meters' ? 'metric' : undefined;
}
