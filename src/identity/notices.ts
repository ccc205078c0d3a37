import { type Caller, type Ctx, isUuid, newId, notFound } from '../kernel/index.ts';
import { paged, type Queryable } from '../control/index.ts';

export interface Notice {
  id: string;
  kind: string;
  title: string;
  body: string;
  objectType: string | null;
  objectId: string | null;
  /** Repeats folded into this notice while it was unread. */
  count: number;
  createdAt: string;
  updatedAt: string;
  readAt: string | null;
}

interface Row {
  id: string; kind: string; title: string; body: string; object_type: string | null; object_id: string | null; count: number;
  created_at: Date; updated_at: Date; read_at: Date | null;
}

const toNotice = (r: Row): Notice => ({
  id: r.id, kind: r.kind, title: r.title, body: r.body, objectType: r.object_type, objectId: r.object_id, count: Number(r.count),
  createdAt: new Date(r.created_at).toISOString(), updatedAt: new Date(r.updated_at).toISOString(), readAt: r.read_at ? new Date(r.read_at).toISOString() : null,
});

export interface NoticeInput {
  kind: string;
  title: string;
  body: string;
  objectType: string;
  objectId: string;
  /** The department whose officers are told (null: only the admins). */
  departmentId: string | null;
  /** Tell every admin too (default true). */
  admins?: boolean;
}

/**
 * Raise a notice to the department's data officers and (unless `admins: false`) every admin. While a recipient has an
 * unread notice of the same kind about the same object, repeats update it (count, text) instead
 * of piling up.
 */
export async function raiseNotice(q: Queryable, n: NoticeInput): Promise<number> {
  const users = await q.query<{ id: string }>(
    `SELECT id FROM users WHERE NOT disabled AND (($2 AND role = 'admin') OR (role = 'officer' AND department_id = $1))`,
    [n.departmentId, n.admins ?? true],
  );
  for (const u of users) {
    const bumped = await q.query(
      `UPDATE notices SET count = count + 1, title = $4, body = $5, updated_at = now()
        WHERE user_id = $1 AND kind = $2 AND object_id = $3 AND read_at IS NULL RETURNING id`,
      [u.id, n.kind, n.objectId, n.title, n.body],
    );
    if (bumped.length) continue;
    await q.query(
      `INSERT INTO notices (id, user_id, kind, title, body, object_type, object_id, department_id) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`,
      [newId(), u.id, n.kind, n.title, n.body, n.objectType, n.objectId, n.departmentId],
    );
  }
  return users.length;
}

/** The caller's own notices (站内通知). */
export const notices = {
  async list(ctx: Ctx, caller: Caller, q: { unread?: boolean; limit: number; offset: number }) {
    if (!caller.id) return { items: [] as Notice[], total: 0, unread: 0, limit: q.limit, offset: q.offset };
    const where = `WHERE user_id = $1${q.unread ? ' AND read_at IS NULL' : ''}`;
    const [page, unread] = await Promise.all([
      paged(ctx.db, `SELECT * FROM notices ${where}`, [caller.id], 'updated_at DESC, id DESC', q, toNotice),
      ctx.db.one<{ n: number }>('SELECT count(*)::int AS n FROM notices WHERE user_id = $1 AND read_at IS NULL', [caller.id]),
    ]);
    return { ...page, unread: Number(unread?.n ?? 0) };
  },

  async markRead(ctx: Ctx, caller: Caller, id: string): Promise<Notice> {
    const r = isUuid(id) && caller.id
      ? await ctx.db.one<Row>('UPDATE notices SET read_at = coalesce(read_at, now()) WHERE id = $1 AND user_id = $2 RETURNING *', [id, caller.id])
      : undefined;
    if (!r) throw notFound('notice', id);
    return toNotice(r);
  },

  async markAllRead(ctx: Ctx, caller: Caller): Promise<{ marked: number }> {
    if (!caller.id) return { marked: 0 };
    const rows = await ctx.db.query('UPDATE notices SET read_at = now() WHERE user_id = $1 AND read_at IS NULL RETURNING id', [caller.id]);
    return { marked: rows.length };
  },
};
