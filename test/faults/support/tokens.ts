/** The tokens in Strava's answers to POST /oauth/token, for the leak scans. */

/** The access and refresh token of a token answer's JSON body. */
export function tokensIn(body: unknown): string[] {
  const b = (body ?? {}) as Record<string, unknown>;
  return [b.access_token, b.refresh_token].filter((t): t is string => typeof t === 'string');
}

/** `inner`, telling `onTokens` the tokens of every successful token answer. */
export function tokenNotingFetch(
  inner: typeof fetch,
  onTokens: (tokens: string[]) => void,
): typeof fetch {
  return async (input, init) => {
    const res = await inner(input, init);
    if (String(input).includes('/oauth/token')) {
      onTokens(
        tokensIn(
          await res
            .clone()
            .json()
            .catch(() => ({})),
        ),
      );
    }
    return res;
  };
}
