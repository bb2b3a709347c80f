// The catalog reader serves `lms-admin migrate check` and `generate` as well as the tests.
export * from '../../db/migration-authoring/catalog';
