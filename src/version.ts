/** The tool's version, recorded in run records and Delta commitInfo. Kept in step with package.json by a unit test. */
export const VERSION = '0.1.0';
