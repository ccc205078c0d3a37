/**
 * Comments and attachments on a work order: whoever sees the order may add them (not once it is
 * closed). Attachments are kept at <dataDir>/workorders/<order id>/<attachment id> — never under a
 * name the user gave — after their content is checked (files.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { type Caller, type Ctx, newId, notFound, problem } from '../../kernel/index.ts';
import { attachmentMaxBytes, nameFor, safeFileName, sniff, extensionOf, SNIFF_BYTES } from './files.ts';
import { addEvent, type OrderRow, visibleOrder } from './store.ts';
import type { WorkOrderAttachment, WorkOrderComment } from './timeline.ts';

/** The longest comment. */
export const COMMENT_MAX = 2000;

const dirOf = (ctx: Ctx, orderId: string) => path.join(ctx.config.dataDir, 'workorders', orderId);

function audit(ctx: Ctx, tx: Parameters<Ctx['audit']['append']>[0], caller: Caller, action: string, r: OrderRow, details: Record<string, unknown>) {
  return ctx.audit.append(tx, caller, { action: `workorder.${action}`, objectType: 'workorder', objectId: r.id, departmentId: r.department_id, details: { code: r.code, ...details } });
}

/** An order the caller may add to: one they see, not closed. */
async function writable(ctx: Ctx, caller: Caller, orderId: string): Promise<OrderRow> {
  const r = await visibleOrder(ctx.db, caller, orderId);
  if (r.status === 'closed') throw problem('conflict', '工单已关闭 / the work order is closed');
  return r;
}

export const workOrderNotes = {
  async comment(ctx: Ctx, caller: Caller, orderId: string, text: string): Promise<WorkOrderComment> {
    const r = await writable(ctx, caller, orderId);
    const t = (text ?? '').trim();
    if (!t || t.length > COMMENT_MAX) throw problem('validation', `text: 评论须为 1–${COMMENT_MAX} 字 / 1–${COMMENT_MAX} characters`, [{ field: 'text', message: `1–${COMMENT_MAX} characters` }]);
    const id = newId();
    const author = caller.displayName || caller.username;
    const at = new Date();
    await ctx.db.transaction(async (tx) => {
      await tx.query('INSERT INTO workorder_comments (id, order_id, author_id, author_name, text, created_at) VALUES ($1,$2,$3,$4,$5,$6)', [id, orderId, caller.id, author, t, at.toISOString()]);
      await addEvent(tx, { id: newId(), orderId, actor: caller, action: 'comment', from: null, to: null, note: t.slice(0, 200) });
      await audit(ctx, tx, caller, 'comment', r, { comment: id });
    });
    return { id, at: at.toISOString(), author, text: t };
  },

  /** Check that the caller may attach to the order, before the upload is read. */
  async attachable(ctx: Ctx, caller: Caller, orderId: string): Promise<void> {
    await writable(ctx, caller, orderId);
  },

  /** Keep an uploaded file: size-checked, content-sniffed, stored under a new id. */
  async attach(ctx: Ctx, caller: Caller, orderId: string, upload: { filename: string; data: Buffer }): Promise<WorkOrderAttachment> {
    const r = await writable(ctx, caller, orderId);
    const max = attachmentMaxBytes();
    if (upload.data.length > max) throw problem('payload-too-large', `附件超过 ${max} 字节上限 / the attachment is over the ${max}-byte limit`);
    if (!upload.data.length) throw problem('validation', 'file: 文件为空 / the file is empty', [{ field: 'file', message: 'empty' }]);
    const safe = safeFileName(upload.filename);
    const kind = sniff(upload.data.subarray(0, SNIFF_BYTES), extensionOf(safe));
    if (!kind) throw problem('unsupported-media-type', '附件类型不允许（仅 PDF、图片、文本/CSV、XLSX、DOCX）/ attachment type not allowed (PDF, PNG, JPEG, GIF, WEBP, text/CSV, XLSX, DOCX)');
    const name = nameFor(safe, kind);
    if (!name) throw problem('unsupported-media-type', `文件扩展名与内容不符 / the file's extension does not match its content (${kind.type})`);
    const id = newId();
    const dir = dirOf(ctx, orderId);
    const file = path.join(dir, id);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(file, upload.data, { flag: 'wx' });
    const author = caller.displayName || caller.username;
    const at = new Date();
    try {
      await ctx.db.transaction(async (tx) => {
        await tx.query('INSERT INTO workorder_attachments (id, order_id, name, size, type, author_id, author_name, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)',
          [id, orderId, name, upload.data.length, kind.type, caller.id, author, at.toISOString()]);
        await addEvent(tx, { id: newId(), orderId, actor: caller, action: 'attach', from: null, to: null, note: name });
        await audit(ctx, tx, caller, 'attach', r, { attachment: id, name, size: upload.data.length, type: kind.type });
      });
    } catch (err) {
      fs.rmSync(file, { force: true });
      throw err;
    }
    return { id, name, size: upload.data.length, type: kind.type, at: at.toISOString(), author };
  },

  /** An attachment to download, for those who see the order. */
  async attachment(ctx: Ctx, caller: Caller, orderId: string, attachmentId: string): Promise<{ name: string; type: string; size: number; file: string }> {
    const r = await visibleOrder(ctx.db, caller, orderId);
    const a = await ctx.db.one<{ name: string; type: string; size: string | number }>('SELECT name, type, size FROM workorder_attachments WHERE id = $1 AND order_id = $2', [attachmentId, orderId]);
    const file = path.join(dirOf(ctx, orderId), attachmentId);
    if (!a || !fs.existsSync(file)) throw notFound('workOrderAttachment', attachmentId);
    await ctx.audit.record(caller, { action: 'workorder.download', objectType: 'workorder', objectId: r.id, departmentId: r.department_id, details: { code: r.code, attachment: attachmentId, name: a.name } });
    return { name: a.name, type: a.type, size: Number(a.size), file };
  },
};
