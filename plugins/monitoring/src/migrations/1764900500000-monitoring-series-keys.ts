import { Table, type MigrationInterface, type QueryRunner, type TableColumnOptions } from 'typeorm';

/**
 * Samples and rollups keyed by a small integer per series instead of the server's or the app's
 * 36-character id, repeated in every row (at 200 servers x 30 days, most of the database was
 * those ids). Two key tables map ids to integers: `metric_series` (a server) and
 * `container_series` (an installed app, with its server, which the container tables no longer
 * carry). Migrated in place: the four tables are renamed aside, created again keyed by the
 * integer, their rows copied over (rollups in key order, so the pages fill up), and the old ones
 * dropped. Watermarks are per table and stay as they are.
 *
 * Portable on purpose (issue 24 runs every migration on PostgreSQL): TypeORM's schema API, plain
 * `INSERT … SELECT … JOIN`, `ALTER TABLE … RENAME TO` (TypeORM's own renameTable would copy
 * each table on SQLite), identifiers double-quoted. The new tables' primary keys are named so
 * that they do not collide with those of the renamed tables on a database that names them.
 * The shapes are written out here, not taken from the entities, which will change again.
 * Metric values become integers in fixed units on the way ({@link STORED_UNITS}): CPU percent,
 * load and latency were floats, and every REAL takes 8 bytes in SQLite.
 */
export class MonitoringSeriesKeys1764900500000 implements MigrationInterface {
  name = 'MonitoringSeriesKeys1764900500000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(keyTable('metric_series', [uuid('serverId', { isUnique: true })]));
    await q.createTable(keyTable('container_series', [uuid('installationId', { isUnique: true }), uuid('serverId')], [{ name: 'IDX_container_series_server', columnNames: ['serverId'] }]));
    for (const table of Object.keys(SHAPES)) await q.query(`ALTER TABLE ${quote(table)} RENAME TO ${quote(`${table}_v1`)}`);
    for (const [table, shape] of Object.entries(SHAPES)) await q.createTable(byInteger(table, shape));

    // Every id that has rows gets its integer, in id order.
    await q.query(`INSERT INTO "metric_series" ("serverId") SELECT k."serverId" FROM (${idsOf(['metric_samples_v1', 'metric_rollups_v1'], ['serverId'])}) k ORDER BY k."serverId"`);
    await q.query(
      `INSERT INTO "container_series" ("installationId", "serverId") SELECT k."installationId", MAX(k."serverId") FROM (${idsOf(['container_samples_v1', 'container_rollups_v1'], ['installationId', 'serverId'])}) k GROUP BY k."installationId" ORDER BY k."installationId"`,
    );
    for (const [table, shape] of Object.entries(SHAPES)) {
      const keys = shape.series === 'metric_series' ? 'serverId' : 'installationId';
      const copied = ['ts', ...(shape.rollup ? ['resolution'] : []), ...shape.values.map((c) => c.name)];
      const order = shape.rollup ? `k."id", o."resolution", o."ts"` : 'o."id"';
      await q.query(
        `INSERT INTO ${quote(table)} ("seriesId", ${copied.map(quote).join(', ')}) SELECT k."id", ${copied.map((c) => toStored(c, `o.${quote(c)}`)).join(', ')} FROM ${quote(`${table}_v1`)} o JOIN ${quote(shape.series)} k ON k.${quote(keys)} = o.${quote(keys)} ORDER BY ${order}`,
      );
    }
    for (const table of Object.keys(SHAPES)) await q.query(`DROP TABLE ${quote(`${table}_v1`)}`);
  }

  /** Back to the ids in every row, the same way round. */
  async down(q: QueryRunner): Promise<void> {
    for (const table of Object.keys(SHAPES)) await q.query(`ALTER TABLE ${quote(table)} RENAME TO ${quote(`${table}_v2`)}`);
    for (const [table, shape] of Object.entries(SHAPES)) await q.createTable(byUuid(table, shape));
    for (const [table, shape] of Object.entries(SHAPES)) {
      const ids = shape.series === 'metric_series' ? ['serverId'] : ['installationId', 'serverId'];
      const copied = ['ts', ...(shape.rollup ? ['resolution'] : []), ...shape.values.map((c) => c.name)];
      const order = shape.rollup ? `o."seriesId", o."resolution", o."ts"` : 'o."id"';
      await q.query(
        `INSERT INTO ${quote(table)} (${[...ids, ...copied].map(quote).join(', ')}) SELECT ${[...ids.map((c) => `k.${quote(c)}`), ...copied.map((c) => fromStored(c, `o.${quote(c)}`))].join(', ')} FROM ${quote(`${table}_v2`)} o JOIN ${quote(shape.series)} k ON k."id" = o."seriesId" ORDER BY ${order}`,
      );
    }
    for (const table of Object.keys(SHAPES)) await q.query(`DROP TABLE ${quote(`${table}_v2`)}`);
    await q.dropTable('container_series');
    await q.dropTable('metric_series');
  }
}

interface Shape {
  series: 'metric_series' | 'container_series';
  /** A rollup table (key, resolution, ts; WITHOUT ROWID) rather than raw samples (a generated id, indexed by key and ts). */
  rollup: boolean;
  values: TableColumnOptions[];
}

const quote = (name: string) => `"${name}"`;
const nullable = (name: string, type: string): TableColumnOptions => ({ name, type, isNullable: true });
const uuid = (name: string, extra: Partial<TableColumnOptions> = {}): TableColumnOptions => ({ name, type: 'varchar', length: '36', ...extra });
const generatedId = (primaryKeyConstraintName?: string): TableColumnOptions => ({ name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment', primaryKeyConstraintName });
const idsOf = (tables: string[], columns: string[]) => tables.map((t) => `SELECT ${columns.map(quote).join(', ')} FROM ${quote(t)}`).join(' UNION ');

function keyTable(name: string, columns: TableColumnOptions[], indices: Array<{ name: string; columnNames: string[] }> = []): Table {
  return new Table({ name, columns: [generatedId(), ...columns], indices });
}

/** The four tables' value columns, as release 0.1 made them (floats for CPU, load, latency and byte averages); {@link byInteger} stores them all as integers. */
const SHAPES: Record<string, Shape> = {
  metric_samples: {
    series: 'metric_series',
    rollup: false,
    values: [
      nullable('cpuPercent', 'float'),
      nullable('memTotalBytes', 'bigint'),
      nullable('memUsedBytes', 'bigint'),
      nullable('diskTotalBytes', 'bigint'),
      nullable('diskUsedBytes', 'bigint'),
      nullable('dockerDiskTotalBytes', 'bigint'),
      nullable('dockerDiskUsedBytes', 'bigint'),
      nullable('load1', 'float'),
      nullable('load5', 'float'),
      nullable('load15', 'float'),
      nullable('uptimeSeconds', 'bigint'),
      nullable('latencyMs', 'float'),
    ],
  },
  metric_rollups: {
    series: 'metric_series',
    rollup: true,
    values: [
      { name: 'samples', type: 'integer' },
      { name: 'cpuPercentSamples', type: 'integer' },
      nullable('cpuPercentMin', 'float'),
      nullable('cpuPercentAvg', 'float'),
      nullable('cpuPercentMax', 'float'),
      nullable('memUsedBytesAvg', 'float'),
      nullable('memUsedBytesMax', 'bigint'),
      nullable('memTotalBytesMax', 'bigint'),
      nullable('diskUsedBytesAvg', 'float'),
      nullable('diskUsedBytesMax', 'bigint'),
      nullable('diskTotalBytesMax', 'bigint'),
      nullable('dockerDiskUsedBytesAvg', 'float'),
      nullable('dockerDiskUsedBytesMax', 'bigint'),
      nullable('dockerDiskTotalBytesMax', 'bigint'),
      nullable('load1Avg', 'float'),
      nullable('load1Max', 'float'),
      nullable('latencyMsAvg', 'float'),
      nullable('latencyMsMax', 'float'),
    ],
  },
  container_samples: {
    series: 'container_series',
    rollup: false,
    values: [nullable('cpuPercent', 'float'), nullable('memBytes', 'bigint')],
  },
  container_rollups: {
    series: 'container_series',
    rollup: true,
    values: [
      { name: 'samples', type: 'integer' },
      { name: 'cpuPercentSamples', type: 'integer' },
      nullable('cpuPercentMin', 'float'),
      nullable('cpuPercentAvg', 'float'),
      nullable('cpuPercentMax', 'float'),
      nullable('memBytesAvg', 'float'),
      nullable('memBytesMax', 'bigint'),
    ],
  },
};

/**
 * Metric values as integers in a fixed unit (SQLite: 1–4 bytes for small integers, 8 for any REAL;
 * at 200 servers x 30 days the 5-minute rollups' floats were most of what the keys left).
 * Written out here rather than taken from metrics/metric-codec.ts, which may change after this
 * migration is released: CPU percent in hundredths, load in hundredths, latency in tenths of a
 * millisecond, bytes in KiB (what /proc/meminfo and df report), uptime in seconds as it was.
 */
const STORED_UNITS: Array<{ pattern: RegExp; type: 'integer' | 'bigint'; per?: number; of?: number }> = [
  { pattern: /^(cpuPercent|load1|load5|load15)(Min|Avg|Max)?$/, type: 'integer', per: 100 },
  { pattern: /^latencyMs(Min|Avg|Max)?$/, type: 'integer', per: 10 },
  { pattern: /Bytes(Min|Avg|Max)?$/, type: 'bigint', of: 1024 },
];
const storedUnit = (column: string) => STORED_UNITS.find((u) => u.pattern.test(column));

/** A value column as this migration stores it: an integer type for a scaled metric. */
function asStored(column: TableColumnOptions): TableColumnOptions {
  const unit = storedUnit(column.name);
  return unit ? { ...column, type: unit.type } : column;
}

/** A release 0.1 value as stored now (rounded half away from zero, as the rollups round). */
function toStored(column: string, expr: string): string {
  const unit = storedUnit(column);
  if (!unit) return expr;
  return unit.per ? `ROUND(${expr} * ${unit.per})` : `ROUND(${expr} / ${unit.of}.0)`;
}

/** A stored value back to release 0.1's (down()). */
function fromStored(column: string, expr: string): string {
  const unit = storedUnit(column);
  if (!unit) return expr;
  return unit.per ? `(${expr} * 1.0 / ${unit.per})` : `(${expr} * ${unit.of})`;
}

/** A table keyed by `seriesId` (this migration's shape). */
function byInteger(name: string, shape: Shape): Table {
  const pk = `PK_${name}_by_series`;
  if (shape.rollup) {
    return new Table({
      name,
      withoutRowid: true,
      columns: [
        { name: 'seriesId', type: 'integer', isPrimary: true, primaryKeyConstraintName: pk },
        { name: 'resolution', type: 'integer', isPrimary: true, primaryKeyConstraintName: pk },
        { name: 'ts', type: 'bigint', isPrimary: true, primaryKeyConstraintName: pk },
        ...shape.values.map(asStored),
      ],
    });
  }
  return new Table({
    name,
    columns: [generatedId(pk), { name: 'seriesId', type: 'integer' }, { name: 'ts', type: 'bigint' }, ...shape.values.map(asStored)],
    indices: [{ name: `IDX_${name}_series_ts`, columnNames: ['seriesId', 'ts'] }],
  });
}

/** A table keyed by ids, as release 0.1 made it (for down()). */
function byUuid(name: string, shape: Shape): Table {
  const container = shape.series === 'container_series';
  const key = container ? 'installationId' : 'serverId';
  if (shape.rollup) {
    return new Table({
      name,
      withoutRowid: true,
      columns: [
        uuid(key, { isPrimary: true }),
        { name: 'resolution', type: 'integer', isPrimary: true },
        { name: 'ts', type: 'bigint', isPrimary: true },
        ...(container ? [uuid('serverId')] : []),
        ...shape.values,
      ],
      indices: container ? [{ name: 'IDX_container_rollups_server', columnNames: ['serverId'] }] : [],
    });
  }
  return new Table({
    name,
    columns: [generatedId(), ...(container ? [uuid('installationId')] : []), uuid('serverId'), { name: 'ts', type: 'bigint' }, ...shape.values],
    indices: container
      ? [
          { name: 'IDX_container_samples_installation_ts', columnNames: ['installationId', 'ts'] },
          { name: 'IDX_container_samples_ts', columnNames: ['ts'] },
        ]
      : [{ name: 'IDX_metric_samples_server_ts', columnNames: ['serverId', 'ts'] }],
  });
}
