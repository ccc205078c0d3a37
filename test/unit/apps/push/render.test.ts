import assert from 'node:assert/strict';
import { test } from 'node:test';
import { render } from '../../../../src/apps/push/index.ts';

test('{{field}} takes the row\'s column; missing ones are empty; long text is cut', () => {
  const row = { xm: '张*', nl: 81, csrq: new Date('1943-05-01T00:00:00Z'), 'b.jzdz': '福田区', x: null };
  assert.equal(render('{{xm}}，您好：您今年 {{ nl }} 岁', row, 100), '张*，您好：您今年 81 岁');
  assert.equal(render('生于 {{csrq}}，住 {{b.jzdz}}{{x}}{{nope}}', row, 100), '生于 1943-05-01，住 福田区');
  assert.equal(render('{{xm}}'.repeat(10), row, 5), '张*张*…');
  assert.equal(render('{{ {{xm}} }}', row, 100), '{{ 张* }}', 'only whole placeholders are replaced');
});
