/**
 * The athlete a code exchange names. Strava's `authorization_code` answer carries a summary
 * athlete (resource_state 2) beside the tokens. The default is the athlete whose activities the
 * simulator serves: the summary fields of the real GET /athlete recorded by
 * dblock/strava-ruby-client (MIT, commit ca6ae632df31891be3fc13036115ed72e61a5fb6,
 * spec/fixtures/strava/client/athlete.yml; shared/fixtures/strava-recorded/athlete.json).
 */
export interface SummaryAthlete {
  id: number;
  firstname: string;
  lastname: string;
  [field: string]: unknown;
}

export const RECORDED_ATHLETE: SummaryAthlete = {
  id: 26462176,
  username: 'dblockdotorg',
  resource_state: 2,
  firstname: 'Daniel',
  lastname: 'Doubrovkine',
  city: 'New York',
  state: 'NY',
  country: '',
  sex: 'M',
  premium: true,
  summit: true,
  created_at: '2017-11-28T19:05:35Z',
  updated_at: '2025-09-27T12:57:32Z',
  badge_type_id: 1,
  profile_medium:
    'https://dgalywyr863hv.cloudfront.net/pictures/athletes/26462176/7677115/2/medium.jpg',
  profile: 'https://dgalywyr863hv.cloudfront.net/pictures/athletes/26462176/7677115/2/large.jpg',
};
