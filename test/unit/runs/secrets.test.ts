import sodium from 'libsodium-wrappers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitHubError } from '../../../src/errors.js';
import { createGitHub } from '../../../src/runs/github.js';
import { checkSecretName, sealSecret, setRepoSecrets } from '../../../src/runs/secrets.js';
import { startFakeGitHub, type FakeGitHub } from '../../support/fake-github.js';

describe('sealSecret', () => {
  it('makes a sealed box that only the matching secret key opens', async () => {
    await sodium.ready;
    const v = sodium.base64_variants.ORIGINAL;
    const mine = sodium.crypto_box_keypair();
    const other = sodium.crypto_box_keypair();
    const sealed = sodium.from_base64(
      await sealSecret('a-refresh-token', sodium.to_base64(mine.publicKey, v)),
      v,
    );
    expect(
      sodium.to_string(sodium.crypto_box_seal_open(sealed, mine.publicKey, mine.privateKey)),
    ).toBe('a-refresh-token');
    expect(() => sodium.crypto_box_seal_open(sealed, other.publicKey, other.privateKey)).toThrow();
  });

  it('seals afresh each time (an ephemeral key per box)', async () => {
    await sodium.ready;
    const key = sodium.to_base64(
      sodium.crypto_box_keypair().publicKey,
      sodium.base64_variants.ORIGINAL,
    );
    expect(await sealSecret('same', key)).not.toBe(await sealSecret('same', key));
  });
});

describe('checkSecretName', () => {
  it.each(['STRAVA_REFRESH_TOKEN', '_x', 'a1'])('takes %s', (name) => {
    expect(checkSecretName(name, 'Input "refresh-token-secret-name"')).toBe(name);
  });
  it.each(['1ABC', 'GITHUB_TOKEN', 'has-dash', ''])('refuses "%s", naming the input', (name) => {
    expect(() => checkSecretName(name, 'Input "refresh-token-secret-name"')).toThrow(
      `Input "refresh-token-secret-name" "${name}" is not a valid secret name.`,
    );
  });
});

describe('setRepoSecrets', () => {
  let fake: FakeGitHub;
  beforeAll(async () => {
    fake = await startFakeGitHub({
      tokens: {
        pat: { actionsRead: true, secretsWrite: true },
        ghs_WorkflowToken0001: { actionsRead: true },
      },
    });
  });
  afterAll(() => fake.close());

  it('stores every secret, sealed for the repository key, with a token that may', async () => {
    const octokit = await createGitHub('pat', fake.url);
    await setRepoSecrets(octokit, fake.owner, fake.repo, {
      STRAVA_CLIENT_ID: '12345',
      STRAVA_REFRESH_TOKEN: 'new-refresh-token',
    });
    expect(Object.fromEntries(fake.secrets)).toEqual({
      STRAVA_CLIENT_ID: '12345',
      STRAVA_REFRESH_TOKEN: 'new-refresh-token',
    });
    // What travelled was sealed, never the value itself.
    const bodies = JSON.stringify(fake.requests.map((r) => r.body));
    expect(bodies).not.toContain('new-refresh-token');
  });

  it('with a token that gets 403, fails naming the call and what token would work', async () => {
    const octokit = await createGitHub('ghs_WorkflowToken0001', fake.url);
    const err = await setRepoSecrets(octokit, fake.owner, fake.repo, { X: 'v' }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(GitHubError);
    const line = (err as GitHubError).line;
    expect(line).toContain(
      `GitHub GET /repos/${fake.owner}/${fake.repo}/actions/secrets/public-key failed: 403 Resource not accessible by integration.`,
    );
    expect(line).toContain('Secrets permission (read and write)');
    expect(line).not.toContain('ghs_WorkflowToken0001');
  });
});
