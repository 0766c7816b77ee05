import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import {
  fillPlaceholders,
  firstCodeLine,
  locationLiteral,
  monthLiteral,
  parameterNames,
  placeholderNames,
  quotedIdentifier,
  runIdLiteral,
} from '../../../src/lakehouse/databricks/sql-text.js';

const SQL = [
  '-- Uses :not_a_marker and ${not_a_placeholder} in a comment.',
  "SELECT ':quoted', `:ident`, x::BIGINT, /* :block */ :month, :month",
  "FROM ${landing_dir} WHERE f = :landing_file AND s = 'it''s \\' :still_quoted'",
].join('\n');

describe('parameterNames', () => {
  it('finds each named marker once, outside comments, strings, identifiers and :: casts', () => {
    expect(parameterNames(SQL)).toEqual(['month', 'landing_file']);
  });
});

describe('placeholders', () => {
  it('lists and fills only the ones in code, keeping the line count', () => {
    expect(placeholderNames(SQL)).toEqual(['landing_dir']);
    const filled = fillPlaceholders(SQL, { landing_dir: "'s3://b/landing'" });
    expect(filled).toContain("FROM 's3://b/landing' WHERE");
    expect(filled).toContain('${not_a_placeholder}');
    expect(filled.split('\n')).toHaveLength(3);
  });

  it('refuses a missing value and a value spanning lines', () => {
    expect(() => fillPlaceholders(SQL, {})).toThrow('${landing_dir}');
    expect(() => fillPlaceholders(SQL, { landing_dir: "'a'\n'b'" })).toThrow('spans lines');
  });
});

describe('firstCodeLine', () => {
  it('is the line after the leading comments', () => {
    expect(firstCodeLine(SQL)).toBe(2);
    expect(firstCodeLine('/* a\n b */\n\n  MERGE INTO t')).toBe(4);
    expect(firstCodeLine('SELECT 1')).toBe(1);
  });
});

describe('locationLiteral', () => {
  it('quotes S3 URIs and folder paths', () => {
    expect(locationLiteral('s3://bucket/pre-fix/landing/activities/month=2024-05')).toBe(
      "'s3://bucket/pre-fix/landing/activities/month=2024-05'",
    );
    expect(locationLiteral('/tmp/w_1/silver/activities')).toBe("'/tmp/w_1/silver/activities'");
  });

  it.each(["s3://b/it's", 's3://b/a\\b', 's3://b/with space', 's3://b/new\nline'])(
    'refuses %j instead of escaping it',
    (bad) => {
      expect(() => locationLiteral(bad)).toThrow(ConfigError);
    },
  );
});

describe('monthLiteral and runIdLiteral', () => {
  it('quote a month by its pattern and a run id by its alphabet', () => {
    expect(monthLiteral('2024-05')).toBe("'2024-05'");
    expect(runIdLiteral('20240701T060000Z-abc123')).toBe("'20240701T060000Z-abc123'");
    expect(runIdLiteral('run-1')).toBe("'run-1'");
  });

  it.each(['2024-13', '2024-5', "2024-05'", '2024-05 ', ''])('refuse the month %j', (bad) => {
    expect(() => monthLiteral(bad)).toThrow('is not a month');
  });

  it.each(["run'1", 'run\\1', 'run 1', '', '-run', 'x'.repeat(129)])(
    'refuse the run id %j',
    (bad) => {
      expect(() => runIdLiteral(bad)).toThrow('cannot go into a SQL literal');
    },
  );
});

describe('quotedIdentifier', () => {
  it('back-quotes names with letters, digits, underscores and hyphens', () => {
    expect(quotedIdentifier('main')).toBe('`main`');
    expect(quotedIdentifier('my-catalog_2')).toBe('`my-catalog_2`');
  });

  it.each(['a`b', 'a.b', 'a b', 'a/b', '', 'x'.repeat(256)])('refuses %j', (bad) => {
    expect(() => quotedIdentifier(bad)).toThrow(ConfigError);
  });
});
