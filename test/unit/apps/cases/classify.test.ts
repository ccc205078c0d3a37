/** The case classifier: learns separable categories, ranks the right one high, saves and loads exactly, refuses bad input. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Prng } from '../../../../src/demo/prng.ts';
import { loadClassifier, taxonomyLexicon, trainClassifier, type Classifier, type Example } from '../../../../src/apps/cases/classify/index.ts';

const TOPICS: Record<string, string[]> = {
  城乡建设: ['道路施工', '小区物业', '路灯损坏', '违章建筑', '拆迁安置', '下水道堵塞', '燃气管道', '占道经营'],
  教育文体: ['学校招生', '老师体罚', '学生课业', '幼儿园收费', '课外培训', '体育场馆', '图书馆开放', '教师编制'],
  卫生计生: ['医院挂号', '医生态度', '患者住院', '药品价格', '手术费用', '疫苗接种', '计划生育', '社区诊所'],
  交通运输: ['公交线路', '出租车拒载', '驾驶证考试', '高速收费', '货车超载', '公路养护', '客运班车', '网约车管理'],
};
const FILLER = ['尊敬的领导', '您好', '请尽快处理', '希望有关部门', '关注一下', '这个问题', '已经很久了', '谢谢'];

function messages(perCategory: number, seed: number): Example[] {
  const rnd = new Prng(seed);
  const pick = (xs: string[]) => rnd.pick(xs);
  const out: Example[] = [];
  for (const [category, terms] of Object.entries(TOPICS)) {
    for (let i = 0; i < perCategory; i++) {
      out.push({ title: `关于${pick(terms)}的问题`, text: `${pick(FILLER)}，${pick(terms)}，${pick(FILLER)}，${pick(terms)}，${pick(FILLER)}。`, category });
    }
  }
  return out;
}

const train = messages(25, 1);
const held = messages(15, 2);
let model: Classifier;

test('learns separable categories: unseen messages right, the right category always in the top 3', () => {
  model = trainClassifier(train);
  assert.deepEqual([...model.categories].sort(), Object.keys(TOPICS).sort());
  let right = 0;
  for (const m of held) {
    const p = model.predict(m);
    if (p.category === m.category) right++;
    assert.ok(p.candidates.some((c) => c.category === m.category), `${m.title}: ${JSON.stringify(p.candidates)}`);
  }
  assert.ok(right / held.length >= 0.95, `top-1 ${right}/${held.length}`);
});

test('confidences are sane: three candidates best first, in [0, 1], summing to at most 1, the first the prediction', () => {
  for (const m of [...held.slice(0, 20), { text: '' }, { title: '无关', text: 'hello world 123' }]) {
    const p = model.predict(m);
    assert.equal(p.candidates.length, 3);
    assert.equal(new Set(p.candidates.map((c) => c.category)).size, 3);
    assert.equal(p.category, p.candidates[0]!.category);
    assert.equal(p.confidence, p.candidates[0]!.confidence);
    let sum = 0;
    for (const [i, c] of p.candidates.entries()) {
      assert.ok(model.categories.includes(c.category));
      assert.ok(c.confidence >= 0 && c.confidence <= 1, String(c.confidence));
      if (i) assert.ok(c.confidence <= p.candidates[i - 1]!.confidence);
      sum += c.confidence;
    }
    assert.ok(sum <= 1 + 1e-9, String(sum));
  }
  // a clear message is confident; text without any known term is not
  assert.ok(model.predict({ title: '医院挂号难', text: '医院挂号，医生态度差，药品价格高' }).confidence > 0.5);
  assert.ok(model.predict({ text: 'hello world' }).confidence < 0.5);
});

test('two categories give two candidates', () => {
  const two = trainClassifier(train.filter((e) => e.category === '城乡建设' || e.category === '教育文体'));
  const p = two.predict({ text: '学校招生不公平' });
  assert.equal(p.candidates.length, 2);
  assert.equal(p.category, '教育文体');
});

test('a model saved as JSON and loaded again predicts exactly the same', () => {
  const again = loadClassifier(JSON.parse(JSON.stringify(model.toJSON())));
  assert.deepEqual(again.categories, model.categories);
  for (const m of held) assert.deepEqual(again.predict(m), model.predict(m));
  // training is deterministic too
  const twice = trainClassifier(train);
  for (const m of held.slice(0, 10)) assert.deepEqual(twice.predict(m), model.predict(m));
});

test('a bad model is refused with a clear error', () => {
  const good = JSON.parse(JSON.stringify(model.toJSON())) as Record<string, unknown>;
  const bad = /not a valid classifier model/;
  assert.throws(() => loadClassifier(null), bad);
  assert.throws(() => loadClassifier('not json'), bad);
  assert.throws(() => loadClassifier([]), bad);
  assert.throws(() => loadClassifier({ ...good, format: 'something else' }), /format/);
  assert.throws(() => loadClassifier({ ...good, version: 99 }), /version/);
  assert.throws(() => loadClassifier({ ...good, categories: ['only one'] }), /categories/);
  assert.throws(() => loadClassifier({ ...good, terms: (good.terms as string[]).slice(1) }), /idf holds/);
  assert.throws(() => loadClassifier({ ...good, lr: (good.lr as string).slice(0, 40) }), /lr/);
  assert.throws(() => loadClassifier({ ...good, lrBias: [1, 2] }), /lrBias/);
  assert.throws(() => loadClassifier({ ...good, nbShare: 2 }), /nbShare/);
  const { nb: _nb, ...noNb } = good;
  assert.throws(() => loadClassifier(noNb), /nb must be/);
});

test('no examples, one category, or an example without a category: an error that says so', () => {
  assert.throws(() => trainClassifier([]), /no training examples/);
  assert.throws(() => trainClassifier(train.filter((e) => e.category === '城乡建设')), /at least 2 categories/);
  assert.throws(() => trainClassifier([...train, { text: '没有类别', category: '' }]), /no text or no category/);
});

test('the taxonomy: level 1 → its level-2 and level-3 names; its terms guide the model where cases are few', () => {
  const csv = '\ufefflevel1,level2,level3\n"城乡建设","城市建设和市政管理","路灯照明"\n"城乡建设","城市建设和市政管理","其他"\n"教育文体","教育","校车安全"\n"环境保护","环境污染","噪声污染"\n';
  const lex = taxonomyLexicon(csv);
  assert.deepEqual(lex, { 城乡建设: ['城市建设和市政管理', '路灯照明'], 教育文体: ['教育', '校车安全'], 环境保护: ['环境污染', '噪声污染'] });
  assert.throws(() => taxonomyLexicon('a,b\n1,2\n'), /level1/);

  const few: Example[] = [
    { title: '请尽快处理', text: '尊敬的领导，我们这里的问题已经很久了', category: '城乡建设' },
    { title: '希望关注', text: '您好，这个情况希望有关部门关注一下', category: '教育文体' },
  ];
  const withLex = trainClassifier(few, { lexicon: lex });
  // a category of the taxonomy without any case is not one of the model's
  assert.deepEqual([...withLex.categories].sort(), ['城乡建设', '教育文体'].sort());
  assert.equal(withLex.predict({ text: '校车安全没有保障' }).category, '教育文体');
  assert.equal(withLex.predict({ text: '路灯照明坏了' }).category, '城乡建设');
});
