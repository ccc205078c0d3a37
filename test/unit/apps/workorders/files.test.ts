import assert from 'node:assert/strict';
import { test } from 'node:test';
import { attachmentMaxBytes, contentDisposition, safeFileName, sniff } from '../../../../src/apps/workorders/index.ts';

const b = (s: string) => Buffer.from(s, 'latin1');
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(16)]);

test('allowed content is told by its first bytes', () => {
  assert.equal(sniff(b('%PDF-1.7\n...'), 'pdf')?.type, 'application/pdf');
  assert.equal(sniff(PNG, 'png')?.type, 'image/png');
  assert.equal(sniff(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]), 'jpg')?.type, 'image/jpeg');
  assert.equal(sniff(b('GIF89a\x01\x00'), 'gif')?.type, 'image/gif');
  assert.equal(sniff(b('RIFF\x10\x00\x00\x00WEBPVP8 '), 'webp')?.type, 'image/webp');
  assert.equal(sniff(Buffer.from('姓名,证件号码\n张三,1\n'), 'csv')?.type, 'text/plain; charset=utf-8');
  assert.equal(sniff(b('PK\x03\x04\x14\x00\x00\x00[Content_Types].xml'), 'xlsx')?.extensions[0], 'xlsx');
  assert.equal(sniff(b('PK\x03\x04\x14\x00\x00\x00[Content_Types].xml'), 'docx')?.extensions[0], 'docx');
});

test('executables, markup, scripts, plain zips and binary junk are refused', () => {
  assert.equal(sniff(b('MZ\x90\x00\x03\x00\x00\x00\x04\x00'), 'pdf'), null);
  assert.equal(sniff(b('\x7fELF\x02\x01\x01\x00'), 'pdf'), null);
  assert.equal(sniff(b('<!DOCTYPE html><html><script>alert(1)</script>'), 'png'), null);
  assert.equal(sniff(b('  <svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'), 'txt'), null);
  assert.equal(sniff(b('<?xml version="1.0"?><a/>'), 'txt'), null);
  assert.equal(sniff(b('hello\n<script>alert(1)</script>'), 'txt'), null);
  assert.equal(sniff(b('#!/bin/sh\nrm -rf /\n'), 'txt'), null);
  assert.equal(sniff(b('PK\x03\x04\x14\x00\x00\x00payload.exe'), 'xlsx'), null);
  assert.equal(sniff(b('PK\x03\x04\x14\x00\x00\x00[Content_Types].xml'), 'zip'), null);
  assert.equal(sniff(Buffer.from([0x00, 0x01, 0x02, 0x03]), 'txt'), null);
  assert.equal(sniff(Buffer.alloc(0), 'txt'), null);
});

test('file names lose their path, separators, control characters and leading dots', () => {
  assert.equal(safeFileName('../../etc/passwd'), 'passwd');
  assert.equal(safeFileName('..\\..\\windows\\win.ini'), 'win.ini');
  assert.equal(safeFileName('.htaccess'), 'htaccess');
  assert.equal(safeFileName('..'), 'attachment');
  assert.equal(safeFileName('a\u0000b\r\n"c".pdf'), 'a_b_c_.pdf');
  assert.equal(safeFileName('现场照片（一）.png'), '现场照片（一）.png');
  assert.equal(safeFileName(`${'x'.repeat(300)}.pdf`).length, 120);
});

test('downloads are attachments with a safe ASCII fallback and the UTF-8 name', () => {
  assert.equal(contentDisposition('现场.pdf'), `attachment; filename="__.pdf"; filename*=UTF-8''${encodeURIComponent('现场.pdf')}`);
});

test('the size limit comes from GOVHUB_WORKORDER_ATTACHMENT_MAX_BYTES, 10 MB by default', () => {
  assert.equal(attachmentMaxBytes({}), 10 * 1024 * 1024);
  assert.equal(attachmentMaxBytes({ GOVHUB_WORKORDER_ATTACHMENT_MAX_BYTES: '2048' }), 2048);
  assert.equal(attachmentMaxBytes({ GOVHUB_WORKORDER_ATTACHMENT_MAX_BYTES: 'x' }), 10 * 1024 * 1024);
});
