/**
 * Repository secrets written through the REST API. GitHub takes a secret only sealed
 * (libsodium `crypto_box_seal`) with the repository's public key, so only GitHub can open it.
 * The action writes a rotated Strava refresh token back with this; the `auth` command sets its
 * secrets the same way. libsodium is loaded on first use.
 */
import { ConfigError } from '../errors.js';
import { callGitHub, type GitHub } from './github.js';

/** Why a token may not write secrets, and what works instead. */
export const SECRETS_PERMISSION_HINT =
  'The token cannot write repository secrets (the workflow GITHUB_TOKEN never can): use a ' +
  'fine-grained personal access token with the Secrets permission (read and write), or a ' +
  'GitHub App token.';

/** GitHub's rule for secret names: letters, digits, underscores; no digit first; no GITHUB_. */
export function checkSecretName(name: string, label: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || /^GITHUB_/i.test(name)) {
    throw new ConfigError(
      `${label} "${name}" is not a valid secret name.`,
      'Use letters, digits and underscores, not starting with a digit or GITHUB_.',
    );
  }
  return name;
}

/** `value` sealed for the holder of `publicKey` (both base64, the original variant). */
export async function sealSecret(value: string, publicKey: string): Promise<string> {
  const { default: sodium } = await import('libsodium-wrappers');
  await sodium.ready;
  const variant = sodium.base64_variants.ORIGINAL;
  const sealed = sodium.crypto_box_seal(
    sodium.from_string(value),
    sodium.from_base64(publicKey, variant),
  );
  return sodium.to_base64(sealed, variant);
}

/** Creates or updates each secret of `owner/repo`, sealed with the repository's public key. */
export async function setRepoSecrets(
  octokit: GitHub,
  owner: string,
  repo: string,
  secrets: Record<string, string>,
): Promise<void> {
  const hints = { 403: SECRETS_PERMISSION_HINT, 404: SECRETS_PERMISSION_HINT };
  const base = `/repos/${owner}/${repo}/actions/secrets`;
  const { data: key } = await callGitHub(
    `GET ${base}/public-key`,
    () => octokit.rest.actions.getRepoPublicKey({ owner, repo }),
    hints,
  );
  for (const [name, value] of Object.entries(secrets)) {
    const encrypted_value = await sealSecret(value, key.key);
    await callGitHub(
      `PUT ${base}/${name}`,
      () =>
        octokit.rest.actions.createOrUpdateRepoSecret({
          owner,
          repo,
          secret_name: name,
          encrypted_value,
          key_id: key.key_id,
        }),
      hints,
    );
  }
}
