import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanCode, enterpriseKeys, keysFromCode, regNoCheckDigit, validOrgCode, validRegNo } from '../../../../src/entity/enterprise/index.ts';

// Expected values are worked out by hand: published USCCs of real companies, the organisation
// code 12345678 (Σ weights = 201, 201 mod 11 = 3, check 11 - 3 = 8) and the registration
// number 11010800000001 (MOD 11,10 runs to P = 5, so the check digit is 6).

describe('USCC', () => {
  test('a valid USCC gives itself, its organisation code (characters 9–17) and its area', () => {
    assert.deepEqual(keysFromCode('91330100716105852F'), { uscc: '91330100716105852F', org_code: '716105852', reg_no: null, area: '330100', operator_id: null });
    assert.equal(keysFromCode('914403001922038216', 'uscc').org_code, '192203821');
  });
  test('full-width, lower case, spaces and hyphens are cleaned', () => {
    assert.equal(keysFromCode('９１３３０１００７１６１０５８５２ｆ').uscc, '91330100716105852F');
    assert.equal(keysFromCode(' 913301007161-05852f ').org_code, '716105852');
    assert.equal(cleanCode('９１ 3301-00'), '91330100');
  });
  test('a wrong check character gives no key at all', () => {
    assert.deepEqual(keysFromCode('91330100716105852E'), keysFromCode(''));
    assert.equal(keysFromCode('91330100716105852E', 'uscc').org_code, null);
  });
});

describe('organisation code', () => {
  test('with or without the hyphen', () => {
    assert.equal(validOrgCode('12345678-8'), '123456788');
    assert.equal(validOrgCode('123456788'), '123456788');
    assert.equal(keysFromCode('12345678-8', 'org_code').org_code, '123456788');
    assert.equal(keysFromCode('１２３４５６７８－８').org_code, '123456788');
  });
  test('a wrong check character is rejected', () => {
    assert.equal(validOrgCode('12345678-9'), null);
    assert.equal(keysFromCode('12345678-9', 'org_code').org_code, null);
  });
});

describe('registration number (工商注册号)', () => {
  test('MOD 11,10 check digit', () => {
    assert.equal(regNoCheckDigit('11010800000001'), '6');
    assert.equal(validRegNo('110108000000016'), '110108000000016');
    assert.equal(validRegNo('110108000000017'), null);
  });
  test('the first six digits are the registering authority area; an unknown area is rejected', () => {
    assert.deepEqual(keysFromCode('110108000000016', 'reg_no'), { uscc: null, org_code: null, reg_no: '110108000000016', area: '110108', operator_id: null });
    assert.equal(validRegNo('990108000000016'), null);
  });
});

describe('taxpayer id (纳税人识别号)', () => {
  test('18 characters: the USCC', () => {
    assert.equal(keysFromCode('91330100716105852F', 'taxpayer_id').org_code, '716105852');
  });
  test('old 15 characters: area code + organisation code', () => {
    assert.deepEqual(keysFromCode('330106123456788', 'taxpayer_id'), { uscc: null, org_code: '123456788', reg_no: null, area: '330106', operator_id: null });
    assert.equal(keysFromCode('330106123456789', 'taxpayer_id').org_code, null);
  });
  test('20 characters: the operator ID number + 2 digits', () => {
    assert.equal(keysFromCode('11010519491231002X01', 'taxpayer_id').operator_id, '11010519491231002X');
    assert.equal(keysFromCode('11010519491231002101', 'taxpayer_id').operator_id, null);
  });
  test('a 15-character value of unknown kind is read by whichever check passes', () => {
    assert.equal(keysFromCode('330106123456788').org_code, '123456788');
    assert.equal(keysFromCode('110108000000016').reg_no, '110108000000016');
  });
  test('a 15-character value that passes both checks is ambiguous and gives no key, unless its column says what it is', () => {
    // area 330106 + organisation code 10000098-0 (Σ = 3 + 36 + 16 = 55, 55 mod 11 = 0, check 0) also passes MOD 11,10
    assert.deepEqual(keysFromCode('330106100000980'), keysFromCode(''));
    assert.equal(keysFromCode('330106100000980', 'taxpayer_id').org_code, '100000980');
    assert.equal(keysFromCode('330106100000980', 'reg_no').reg_no, '330106100000980');
  });
});

test('a record with several codes: every key that can be derived', () => {
  const k = enterpriseKeys({ uscc: null, taxpayer_id: '330106123456788', reg_no: '110108000000016', org_code: '12345678-9' });
  assert.deepEqual(k, { uscc: null, org_code: '123456788', reg_no: '110108000000016', area: '330106', operator_id: null });
});
