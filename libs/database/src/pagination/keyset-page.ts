import { literal, Op, type Model, type ModelStatic, type Transaction, type WhereOptions } from 'sequelize';

/**
 * Position of the last row of a page in (created_at, id) keyset order. `createdAt` is the
 * database's own text to the microsecond, UTC: a JS Date keeps only milliseconds, and rows
 * created by SQL now() within one millisecond would be skipped or repeated across pages.
 * (Encoded into the API's opaque cursors by `encodeCursor` in @app/common.)
 */
export interface KeysetPosition {
  createdAt: string;
  id: string;
}

/** Select this (as `cursorCreatedAt`) to build a KeysetPosition from a row. */
export const KEYSET_CREATED_AT_SQL = `to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * The keyset condition after a position in newest-first order, as a row comparison so that a
 * (..., created_at DESC, id DESC) index serves it. Bind :afterCreatedAt and :afterId.
 */
export const KEYSET_AFTER_SQL = '(created_at, id) < (CAST(:afterCreatedAt AS timestamptz), CAST(:afterId AS uuid))';

/** The same in oldest-first order. */
export const KEYSET_AFTER_ASCENDING_SQL = '(created_at, id) > (CAST(:afterCreatedAt AS timestamptz), CAST(:afterId AS uuid))';

export interface KeysetPageQuery {
  /** The list's own conditions (ANDed with the keyset condition). */
  where: WhereOptions[];
  /** The page size: `limit + 1` rows are read, so that `toPage` (@app/common) knows whether a next page exists. */
  limit: number;
  /** The last position of the previous page (the decoded cursor); none for the first page. */
  after?: KeysetPosition;
  /** `newest-first` (the default): created_at DESC, id DESC; `oldest-first`: both ascending. */
  order?: 'newest-first' | 'oldest-first';
  transaction?: Transaction;
}

/**
 * One keyset page of a model with `created_at` and `id` columns: the rows after `after` in
 * (created_at, id) order, `limit + 1` of them, each with its position for the next cursor. The
 * one place that writes the after-cursor condition, the ordering and the extra row, so every
 * list pages the same way (and a (..., created_at, id) index serves each).
 */
export async function findKeysetPage<M extends Model>(model: ModelStatic<M>, query: KeysetPageQuery): Promise<Array<{ row: M; position: KeysetPosition }>> {
  const newestFirst = (query.order ?? 'newest-first') === 'newest-first';
  const direction = newestFirst ? 'DESC' : 'ASC';
  const conditions = [...query.where];
  if (query.after) conditions.push(literal(newestFirst ? KEYSET_AFTER_SQL : KEYSET_AFTER_ASCENDING_SQL));
  const rows = await model.findAll({
    attributes: { include: [[literal(KEYSET_CREATED_AT_SQL), 'cursorCreatedAt']] },
    where: { [Op.and]: conditions },
    ...(query.after ? { replacements: { afterCreatedAt: query.after.createdAt, afterId: query.after.id } } : {}),
    order: [
      ['createdAt', direction],
      ['id', direction],
    ],
    limit: query.limit + 1,
    transaction: query.transaction,
  });
  return rows.map((row) => ({ row, position: { createdAt: row.get('cursorCreatedAt') as string, id: row.get('id') as string } }));
}
