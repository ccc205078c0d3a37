import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { API_TYPES_FILE, apiTypes } from '../../../scripts/api-types.ts';

test('web/src/api-types.ts is what the OpenAPI document generates (run `npm run api-types` after changing a route schema)', async () => {
  const committed = fs.readFileSync(API_TYPES_FILE, 'utf8');
  const fresh = await apiTypes();
  assert.ok(fresh.includes('Dataset: {') && fresh.includes('Problem: {'), 'shared schemas are named components');
  assert.equal(committed, fresh, 'web/src/api-types.ts is stale: run `npm run api-types`');
});
