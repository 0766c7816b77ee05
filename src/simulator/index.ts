/** The Strava simulator: a loopback server with real Strava semantics, and athletes to serve. */
export {
  startSimulator,
  type Simulator,
  type SimulatorFaults,
  type SimulatorOptions,
  type SimulatorRequest,
  type SimulatorState,
} from './server.js';
export { generateAthlete, activityAt, movedTo, type ActivitySpec } from './generator.js';
export { recordedActivities, RECORDED_SOURCE } from './recorded.js';
export { RECORDED_ATHLETE, type SummaryAthlete } from './athlete.js';
