import { describe, expect, it } from 'vitest';
import { buildConfig, type RawInputs } from '../../../src/config.js';
import { ConfigError } from '../../../src/errors.js';
import { CLI_LABELS } from '../../../src/cli/inputs.js';

const RAW: RawInputs = {
  month: '2024-05',
  engine: 'databricks',
  warehouse: 's3://lake/athlete',
  databricksHost: 'dbc-a1b2c3d4-e5f6.cloud.databricks.com',
  databricksHttpPath: '/sql/1.0/warehouses/abc123',
  databricksToken: 'dapi-test',
};
const NOW = new Date('2024-07-15T00:00:00Z');
const build = (raw: RawInputs) => buildConfig(raw, CLI_LABELS, { now: NOW, needStrava: false });

describe('Databricks settings', () => {
  it('puts tables at LOCATION under the warehouse unless told managed', () => {
    expect(build(RAW).databricks?.tableLocation).toBe('external');
    expect(build({ ...RAW, databricksTableLocation: 'managed' }).databricks?.tableLocation).toBe(
      'managed',
    );
  });

  it('refuses an unknown table location, naming the input', () => {
    expect(() => build({ ...RAW, databricksTableLocation: 'volume' })).toThrow(
      'DATABRICKS_TABLE_LOCATION "volume" is not a table location.',
    );
  });

  it('refuses a local-folder warehouse, which a SQL warehouse cannot read', () => {
    const err = (() => {
      try {
        build({ ...RAW, warehouse: './lakehouse' });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).line).toContain('--warehouse "./lakehouse" is a local folder');
  });

  it('takes a catalog with hyphens, bare or back-quoted, as its bare name', () => {
    expect(build({ ...RAW, databricksCatalog: 'my-catalog' }).databricks?.catalog).toBe(
      'my-catalog',
    );
    expect(build({ ...RAW, databricksCatalog: '`my-catalog`' }).databricks?.catalog).toBe(
      'my-catalog',
    );
    expect(build({ ...RAW, databricksCatalog: '`main`' }).databricks?.catalog).toBe('main');
    expect(build(RAW).databricks?.catalog).toBe('main');
  });

  it.each(['my.catalog', 'my catalog', '`a`b`', 'a/b', '``', '1abc', '-cat'])(
    'refuses the catalog %j, naming the input',
    (bad) => {
      expect(() => build({ ...RAW, databricksCatalog: bad })).toThrow(
        `DATABRICKS_CATALOG "${bad}" is not a valid catalog name.`,
      );
    },
  );

  it('keeps the schema to letters, digits and underscores', () => {
    expect(() => build({ ...RAW, databricksSchema: 'my-schema' })).toThrow(
      'DATABRICKS_SCHEMA "my-schema" is not a valid identifier.',
    );
  });
});
