import { QueryTypes, type Sequelize } from 'sequelize';
import type { ModelCtor } from 'sequelize-typescript';

/** PostgreSQL udt_name for each Sequelize type key (undefined: not compared). */
const UDT_BY_TYPE: Record<string, string | undefined> = {
  STRING: 'varchar',
  CHAR: 'bpchar',
  TEXT: 'text',
  CITEXT: 'citext',
  INTEGER: 'int4',
  BIGINT: 'int8',
  SMALLINT: 'int2',
  BOOLEAN: 'bool',
  DATE: 'timestamptz',
  DATEONLY: 'date',
  UUID: 'uuid',
  JSON: 'json',
  JSONB: 'jsonb',
  DECIMAL: 'numeric',
  DOUBLE: 'float8',
  FLOAT: 'float8',
  REAL: 'float4',
  INET: 'inet',
  BLOB: 'bytea',
  TSVECTOR: 'tsvector',
};

interface TypeLike {
  key?: string;
  type?: TypeLike;
}

function expectedUdt(type: TypeLike): string | undefined {
  if (type.key === 'ARRAY' && type.type) {
    const inner = expectedUdt(type.type);
    return inner ? `_${inner}` : undefined;
  }
  return type.key ? UDT_BY_TYPE[type.key] : undefined;
}

interface ColumnRow {
  column_name: string;
  udt_name: string;
  data_type: string;
  is_nullable: 'YES' | 'NO';
}

interface IndexRow {
  indexname: string;
  constraint_backed: boolean;
}

function tableNameOf(model: ModelCtor): string {
  const name = model.getTableName() as string | { tableName: string };
  return typeof name === 'string' ? name : name.tableName;
}

/**
 * Compares the models with the migrated tables and lists every difference: missing or extra
 * tables' columns, column types and nullability, and indexes the model declares but the
 * database lacks (or the database has but no model declares). Migrations are the only source
 * of schema, so any difference is a bug in one or the other.
 */
export async function findSchemaDrift(sequelize: Sequelize, models: ModelCtor[]): Promise<string[]> {
  const problems: string[] = [];
  for (const model of models) {
    const table = tableNameOf(model);
    const columns = await sequelize.query<ColumnRow>(
      `SELECT column_name, udt_name, data_type, is_nullable FROM information_schema.columns
        WHERE table_schema = 'public' AND table_name = :table`,
      { type: QueryTypes.SELECT, replacements: { table } },
    );
    if (columns.length === 0) {
      problems.push(`${table}: table does not exist (model ${model.name})`);
      continue;
    }
    const byName = new Map(columns.map((c) => [c.column_name, c]));
    const modelled = new Set<string>();
    for (const [attribute, definition] of Object.entries(model.getAttributes())) {
      const column = (definition as { field?: string }).field ?? attribute;
      modelled.add(column);
      const actual = byName.get(column);
      if (!actual) {
        problems.push(`${table}.${column}: column missing (model ${model.name}.${attribute})`);
        continue;
      }
      const udt = expectedUdt(definition.type as unknown as TypeLike);
      const isEnum = (definition.type as unknown as TypeLike).key === 'ENUM';
      if (isEnum ? actual.data_type !== 'USER-DEFINED' && actual.udt_name !== 'text' : udt && udt !== actual.udt_name) {
        problems.push(`${table}.${column}: type is ${actual.udt_name}, model says ${udt ?? 'enum'}`);
      }
      const notNull = definition.allowNull === false || definition.primaryKey === true;
      if (notNull !== (actual.is_nullable === 'NO')) {
        problems.push(`${table}.${column}: ${actual.is_nullable === 'NO' ? 'NOT NULL' : 'nullable'} in the database, ${notNull ? 'NOT NULL' : 'nullable'} in the model`);
      }
    }
    for (const column of byName.keys()) {
      if (!modelled.has(column)) problems.push(`${table}.${column}: column not in model ${model.name}`);
    }

    const indexes = await sequelize.query<IndexRow>(
      `SELECT i.relname AS indexname,
              EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid) AS constraint_backed
         FROM pg_index x
         JOIN pg_class i ON i.oid = x.indexrelid
         JOIN pg_class t ON t.oid = x.indrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE n.nspname = 'public' AND t.relname = :table`,
      { type: QueryTypes.SELECT, replacements: { table } },
    );
    const declared = new Set(
      ((model.options as { indexes?: Array<{ name?: string }> }).indexes ?? []).map((i) => i.name).filter(Boolean) as string[],
    );
    const existing = new Set(indexes.map((i) => i.indexname));
    for (const name of declared) {
      if (!existing.has(name)) problems.push(`${table}: index ${name} declared by ${model.name} but missing`);
    }
    for (const index of indexes) {
      if (!index.constraint_backed && !declared.has(index.indexname)) {
        problems.push(`${table}: index ${index.indexname} exists but ${model.name} does not declare it`);
      }
    }
  }
  return problems;
}
