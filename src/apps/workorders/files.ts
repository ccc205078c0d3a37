/**
 * What a work-order attachment may be, judged by its first bytes (never by its name alone): PDF,
 * PNG, JPEG, GIF, WEBP, plain text / CSV, XLSX and DOCX. Executables, scripts, HTML, SVG and XML
 * are refused, and so is a name whose extension does not match the content.
 */
import path from 'node:path';

/** Largest attachment (GOVHUB_WORKORDER_ATTACHMENT_MAX_BYTES, default 10 MB). */
export function attachmentMaxBytes(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.GOVHUB_WORKORDER_ATTACHMENT_MAX_BYTES);
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : 10 * 1024 * 1024;
}

/** How many leading bytes the sniffing reads. */
export const SNIFF_BYTES = 64 * 1024;

export interface Kind {
  type: string;
  extensions: string[];
}

const KINDS = {
  pdf: { type: 'application/pdf', extensions: ['pdf'] },
  png: { type: 'image/png', extensions: ['png'] },
  jpeg: { type: 'image/jpeg', extensions: ['jpg', 'jpeg'] },
  gif: { type: 'image/gif', extensions: ['gif'] },
  webp: { type: 'image/webp', extensions: ['webp'] },
  text: { type: 'text/plain; charset=utf-8', extensions: ['txt', 'csv'] },
  xlsx: { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', extensions: ['xlsx'] },
  docx: { type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', extensions: ['docx'] },
} satisfies Record<string, Kind>;

const starts = (b: Buffer, sig: number[] | string, at = 0) => {
  const s = typeof sig === 'string' ? Buffer.from(sig, 'latin1') : Buffer.from(sig);
  return b.length >= at + s.length && b.subarray(at, at + s.length).equals(s);
};

/** Markup a browser would render or run, looked for in a text's head. */
const MARKUP = /<\s*(!doctype|html|head|body|script|svg|iframe|object|embed|\?xml|meta|a\s|img\s|style)/i;

function isPlainText(head: Buffer): boolean {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(head.length === SNIFF_BYTES ? head.subarray(0, head.length - 4) : head);
  } catch {
    return false;
  }
  // control characters other than tab, new line, form feed and carriage return mark binary content
  if (/[\u0000-\u0008\u000b\u000e-\u001f\u007f]/.test(text)) return false;
  const lead = text.replace(/^\uFEFF/, '').trimStart();
  return !lead.startsWith('#!') && !lead.startsWith('<') && !MARKUP.test(text);
}

/** The kind of content `head` (the first bytes) is, if it is one that is allowed. */
export function sniff(head: Buffer, extension: string): Kind | null {
  if (starts(head, '%PDF-')) return KINDS.pdf;
  if (starts(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return KINDS.png;
  if (starts(head, [0xff, 0xd8, 0xff])) return KINDS.jpeg;
  if (starts(head, 'GIF87a') || starts(head, 'GIF89a')) return KINDS.gif;
  if (starts(head, 'RIFF') && starts(head, 'WEBP', 8)) return KINDS.webp;
  if (starts(head, [0x50, 0x4b, 0x03, 0x04])) {
    // an Office Open XML package names its parts' types in [Content_Types].xml
    if (!head.includes('[Content_Types].xml')) return null;
    if (extension === 'xlsx') return KINDS.xlsx;
    if (extension === 'docx') return KINDS.docx;
    return null;
  }
  if (head.length && isPlainText(head)) return KINDS.text;
  return null;
}

/**
 * A safe name to show and offer on download: the last path segment only, without control
 * characters or path separators, no leading dots, at most 120 characters.
 */
export function safeFileName(name: string): string {
  const last = path.posix.basename(name.replace(/\\/g, '/'));
  const clean = last.replace(/[\u0000-\u001f\u007f"<>|:*?/]+/g, '_').replace(/^[.\s]+/, '').trim();
  const short = clean.length > 120 ? clean.slice(clean.length - 120) : clean;
  return short || 'attachment';
}

export const extensionOf = (name: string) => {
  const m = /\.([A-Za-z0-9]{1,10})$/.exec(name);
  return m ? m[1]!.toLowerCase() : '';
};

/** The name's extension must be one of the kind's (a name without one gets the kind's first). */
export function nameFor(name: string, kind: Kind): string | null {
  const ext = extensionOf(name);
  if (!ext) return `${name}.${kind.extensions[0]}`;
  return kind.extensions.includes(ext) ? name : null;
}

/** `Content-Disposition: attachment` with an ASCII fallback and the UTF-8 name (RFC 6266 / 5987). */
export function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
