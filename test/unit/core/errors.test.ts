import { describe, expect, it } from 'vitest';
import {
  AppError,
  ConfigError,
  StoreError,
  errorLine,
  redactUrlCredentials,
} from '../../../src/errors.js';

describe('URL credentials never reach a message', () => {
  it('redacts user:password@ of any scheme, and a user alone, leaving the rest of the URL', () => {
    expect(
      redactUrlCredentials(
        'GET https://athlete:hunter2@strava.example/api/v3 and s3://AKIA:secret@bucket/x, ftp://me@host',
      ),
    ).toBe('GET https://***@strava.example/api/v3 and s3://***@bucket/x, ftp://***@host');
    expect(redactUrlCredentials('mail me at a@b.example, see https://host/a@b')).toBe(
      'mail me at a@b.example, see https://host/a@b',
    );
  });

  it('in every error: message, hint and the one line, of our errors and of anyone else', () => {
    const err = new StoreError(
      'PUT https://key:s3cr3t@store.example/bucket failed.',
      'Check http://u:p@proxy.example:8080.',
    );
    expect(err.message).toBe('PUT https://***@store.example/bucket failed.');
    expect(err.line).not.toMatch(/s3cr3t|u:p@/);
    expect(new ConfigError('x http://a:b@h').line).toBe('x http://***@h');
    expect(err).toBeInstanceOf(AppError);
    // fetch's own error for such a URL quotes it whole.
    const fetchError = new TypeError(
      'Request cannot be constructed from a URL that includes credentials: http://u:pw@127.0.0.1:9/',
    );
    expect(errorLine(fetchError)).toBe(
      'Request cannot be constructed from a URL that includes credentials: http://***@127.0.0.1:9/',
    );
    expect(errorLine('plain https://x:y@z')).toBe('plain https://***@z');
  });
});
