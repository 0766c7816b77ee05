import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ConfigError, GitHubError } from '../../../src/errors.js';
import { callGitHub, createGitHub, parseRepository } from '../../../src/runs/github.js';

describe('parseRepository', () => {
  it('splits owner/name', () => {
    expect(parseRepository('some-one/my.lakehouse')).toEqual({
      owner: 'some-one',
      repo: 'my.lakehouse',
    });
  });
  it.each([undefined, '', 'no-slash', 'a/b/c'])('refuses %j, naming GITHUB_REPOSITORY', (value) => {
    expect(() => parseRepository(value)).toThrow(ConfigError);
    expect(() => parseRepository(value)).toThrow(/^GITHUB_REPOSITORY ".*" is not a repository/);
  });
});

describe('callGitHub', () => {
  it('names the call and says what to do when GitHub cannot be reached', async () => {
    const octokit = await createGitHub('t', `http://127.0.0.1:${await closedPort()}`);
    const err = await callGitHub('GET /repos/o/r/actions/artifacts', () =>
      octokit.rest.actions.listArtifactsForRepo({ owner: 'o', repo: 'r' }),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GitHubError);
    expect((err as GitHubError).message).toMatch(
      /^GitHub GET \/repos\/o\/r\/actions\/artifacts failed: .*ECONNREFUSED/,
    );
    expect((err as GitHubError).hint).toBe('Check the network and GITHUB_API_URL.');
  });

  it('prefers the caller hint for a status over the default', async () => {
    // The shape of Octokit's RequestError for an HTTP answer.
    const failing = () =>
      Promise.reject(
        Object.assign(new Error('x'), {
          status: 404,
          response: { data: { message: 'Not Found' } },
        }),
      );
    const err = await callGitHub('GET /x', failing, { 404: 'Look elsewhere.' }).catch(
      (e: unknown) => e,
    );
    expect((err as GitHubError).line).toBe('GitHub GET /x failed: 404 Not Found. Look elsewhere.');
    const plain = await callGitHub('GET /x', failing).catch((e: unknown) => e);
    expect((plain as GitHubError).hint).toMatch(/may not see it/);
  });
});

/** A loopback port that nothing listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
