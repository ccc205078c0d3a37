/** Chinese personal names: weighted common surnames, given-name characters, typo pairs. */
import { Prng, Weighted } from './prng.ts';

// Share of the population in per mille (approximate, national surveys).
const SURNAMES: Array<[string, number]> = [
  ['王', 71], ['李', 70], ['张', 67], ['刘', 54], ['陈', 45], ['杨', 31], ['黄', 22], ['赵', 20], ['吴', 18], ['周', 17],
  ['徐', 13], ['孙', 13], ['马', 11], ['朱', 11], ['胡', 10], ['郭', 9.7], ['何', 8.7], ['高', 8.7], ['林', 8.6], ['罗', 8.6],
  ['郑', 8], ['梁', 7], ['谢', 6], ['宋', 6], ['唐', 6], ['许', 5], ['韩', 5], ['冯', 5], ['邓', 5], ['曹', 5],
  ['彭', 4.5], ['曾', 4.5], ['肖', 4.5], ['田', 4], ['董', 4], ['袁', 4], ['潘', 4], ['于', 4], ['蒋', 3.8], ['蔡', 3.7],
  ['余', 3.7], ['杜', 3.5], ['叶', 3.3], ['程', 3.3], ['苏', 3], ['魏', 3], ['吕', 3], ['丁', 3], ['任', 3], ['沈', 3],
  ['姚', 2.7], ['卢', 2.7], ['姜', 2.6], ['崔', 2.6], ['钟', 2.5], ['谭', 2.5], ['陆', 2.4], ['汪', 2.3], ['范', 2.3], ['金', 2.3],
  ['石', 2.2], ['廖', 2.2], ['贾', 2.1], ['夏', 2.1], ['韦', 2], ['付', 2], ['方', 2], ['白', 2], ['邹', 1.9], ['孟', 1.8],
  ['熊', 1.8], ['秦', 1.7], ['邱', 1.7], ['江', 1.7], ['尹', 1.6], ['薛', 1.6], ['闫', 1.6], ['段', 1.5], ['雷', 1.5], ['侯', 1.5],
  ['龙', 1.4], ['史', 1.4], ['陶', 1.3], ['黎', 1.3], ['贺', 1.3], ['顾', 1.2], ['毛', 1.2], ['郝', 1.2], ['龚', 1.2], ['邵', 1.2],
  ['万', 1.1], ['钱', 1.1], ['严', 1.1], ['覃', 1], ['武', 1], ['戴', 1], ['莫', 1], ['孔', 1], ['向', 1], ['汤', 1],
  ['欧阳', 0.2], ['司马', 0.05], ['诸葛', 0.03], ['上官', 0.03],
];

const MALE = '伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林阳建亮成峰文国东海志兵毅晨博轩睿泽豪然天航嘉哲铭昊翔宏德荣彬振杨星远新光瑞'.split('');
const FEMALE = '芳娜敏静丽艳娟霞秀玲英萍红燕梅琳雪婷倩洁颖慧莉丹晶欣怡雨佳萱涵诗琪悦妍思婉彤蕾琴云莹玉兰凤洋璐瑶薇丝淑清月婧珊'.split('');

/** Homophones / look-alikes a clerk types by mistake (all in GBK). */
export const TYPO_PAIRS: Record<string, string> = {
  伟: '玮', 磊: '垒', 军: '君', 勇: '永', 杰: '洁', 涛: '滔', 斌: '彬', 明: '铭', 刚: '钢', 平: '萍',
  辉: '晖', 鹏: '朋', 华: '桦', 飞: '菲', 波: '博', 宇: '雨', 浩: '皓', 凯: '恺', 健: '建', 俊: '骏',
  旭: '煦', 宁: '凝', 林: '琳', 阳: '杨', 峰: '锋', 文: '雯', 东: '冬', 志: '智', 兵: '冰', 晨: '辰',
  博: '波', 睿: '瑞', 泽: '择', 豪: '浩', 芳: '方', 娜: '纳', 敏: '民', 静: '婧', 丽: '莉', 艳: '燕',
  娟: '鹃', 霞: '侠', 秀: '绣', 玲: '铃', 英: '瑛', 萍: '苹', 红: '虹', 琳: '霖', 婷: '亭', 倩: '茜',
  洁: '杰', 颖: '莹', 慧: '惠', 晶: '菁', 欣: '馨', 怡: '宜', 雨: '语', 佳: '嘉', 琪: '淇', 悦: '月',
  妍: '研', 思: '丝', 彤: '桐', 蕾: '雷', 琴: '勤', 云: '芸', 莹: '颖', 玉: '钰', 兰: '岚', 凤: '风',
  强: '蔷', 超: '钞', 帆: '凡', 龙: '隆', 建: '健', 成: '诚', 国: '帼', 海: '孩', 毅: '义', 轩: '萱',
  天: '添', 航: '杭', 嘉: '佳', 哲: '喆', 铭: '明', 昊: '浩', 翔: '祥', 宏: '洪', 德: '得', 荣: '容',
  彬: '斌', 振: '震', 杨: '阳', 星: '兴', 远: '源', 新: '欣', 光: '广', 瑞: '睿', 梅: '媚', 燕: '艳',
  雪: '薛', 丹: '单', 萱: '轩', 涵: '含', 诗: '施', 婉: '宛', 洋: '阳', 璐: '露', 瑶: '遥', 薇: '微',
  丝: '思', 淑: '书', 清: '青', 月: '悦', 婧: '静', 珊: '姗', 亮: '靓', 帅: '率', 然: '燃',
};

const surnameTable = new Weighted(SURNAMES);

export function drawSurname(rng: Prng): string {
  return surnameTable.draw(rng);
}

/** Given name of one or two characters; older generations more often have one. */
export function drawGivenName(rng: Prng, male: boolean, birthYear: number): string {
  const chars = male ? MALE : FEMALE;
  const single = rng.chance(birthYear < 1980 ? 0.35 : birthYear < 2000 ? 0.2 : 0.12);
  const a = rng.pick(chars);
  if (single) return a;
  let b = rng.pick(rng.chance(0.15) ? (male ? FEMALE : MALE) : chars);
  if (b === a && rng.chance(0.7)) b = rng.pick(chars);
  return a + b;
}

/** Replace one given-name character with its look-alike; null when no character has one. */
export function typoName(rng: Prng, name: string, surnameLength: number): string | null {
  const chars = [...name];
  const positions: number[] = [];
  for (let i = surnameLength; i < chars.length; i++) if (TYPO_PAIRS[chars[i]!]) positions.push(i);
  if (positions.length === 0) return null;
  const i = rng.pick(positions);
  chars[i] = TYPO_PAIRS[chars[i]!]!;
  return chars.join('');
}
