import type { DataSource, ObjectLiteral, SelectQueryBuilder } from 'typeorm';

/** Stands in for a named parameter while the query is built once; never sent to the database. */
const placeholder = (name: string) => `\u0000tomo-compiled-select:${name}`;

/**
 * A select that TypeORM's query builder writes once, then runs as plain SQL with new values.
 *
 * Why: building the SQL (aliases, escaping, parameter replacement) costs far more CPU than SQLite
 * takes to answer a lookup by key, and some lookups run on every authenticated request (`/me`,
 * the login's factor check). The SQL is still TypeORM's, in the driver's dialect, so queries stay
 * as portable as the builder's. Only scalar parameters (`= :name`): a list (`IN (:...ids)`)
 * changes the SQL with its length.
 */
export function compileSelect<Row, K extends string>(
  dataSource: DataSource,
  names: readonly K[],
  build: (params: Record<K, string>) => SelectQueryBuilder<ObjectLiteral>,
): (values: Record<K, unknown>) => Promise<Row[]> {
  let compiled: { sql: string; slots: Array<{ name: K } | { value: unknown }> } | undefined;
  const compile = () => {
    const byPlaceholder = new Map(names.map((n) => [placeholder(n), n]));
    const [sql, parameters] = build(Object.fromEntries(names.map((n) => [n, placeholder(n)])) as Record<K, string>).getQueryAndParameters();
    // Each bound value is either one of ours (filled in per call) or a constant the builder was given.
    const slots = parameters.map((p: unknown) => {
      const name = typeof p === 'string' ? byPlaceholder.get(p) : undefined;
      return name ? { name } : { value: p };
    });
    return { sql, slots };
  };
  return async (values) => {
    // Built on first use: the entity metadata exists only once the data source is initialised.
    compiled ??= compile();
    const parameters = compiled.slots.map((s) => ('name' in s ? values[s.name] : s.value));
    return (await dataSource.query(compiled.sql, parameters)) as Row[];
  };
}
