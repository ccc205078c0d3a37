/**
 * Traditional → simplified characters for enterprise names and addresses.
 *
 * No converter library ships with govhub (opencc-js is not a dependency), so this is a small
 * built-in table of the traditional characters that occur in company names, addresses and
 * people's names of the mainland, Hong Kong and Taiwan registrations seen in department data:
 * organisation forms, industry words, place names and the common trade-name characters. A
 * character not in the table is kept as it is; one-to-many conversions (e.g. 乾, 髮/發) are
 * not attempted.
 */
const TRADITIONAL =
  '責貿業實發電龍興達豐紡織機設備裝飾築屬醫藥術網絡訊資產開區縣鎮號務諮詢範團體戶農專員營辦處際環車運輸貨創匯滙億萬寶廠衛聯陽傳藝場圖書學養雲數據計劃師鐵鋼銀誠遠莊園貝飛馬鳳廳館飯飲灣亞歐來長風時間義蘇閩臺紅綠藍黃銷經濟價個總協會為與獨夥並廣東華門廈國際盛園礦產漢東莞瀋陽蘭廣場華僑儀錶電器氣優質軟體硬體記錄線縫製鞋織綢緞棉麗點燈鏡鐘錶鑽鑄鍛鋁銅錫鋅鎳鎂鏈輪軌橋樑樓廈層磚窯陶瓷漆塗膠紙筆墨畫廣播視聽響樂團隊護齒療檢測驗認證標準質量監審計稅務報關險擔貸幣證券託銷售貿買賣換購庫運輸郵遞遞貨櫃碼頭港灣島嶼鄉村鎮區縣廳處線網絡務營銷順達興隆鴻運富貴榮華錦繡輝煌聖傑偉強劉陳張楊黃趙吳鄭馮鄧許蔣韓曹曾蕭錢葉蘇盧顧陸嚴龔賀譚賈鄒閻戴範薛謝羅鍾鄺鄔鍾恆澤進齊晉濱勝寧鑫東匯餘鎔銳揚頤謙';
const SIMPLIFIED =
  '责贸业实发电龙兴达丰纺织机设备装饰筑属医药术网络讯资产开区县镇号务咨询范团体户农专员营办处际环车运输货创汇汇亿万宝厂卫联阳传艺场图书学养云数据计划师铁钢银诚远庄园贝飞马凤厅馆饭饮湾亚欧来长风时间义苏闽台红绿蓝黄销经济价个总协会为与独伙并广东华门厦国际盛园矿产汉东莞沈阳兰广场华侨仪表电器气优质软体硬体记录线缝制鞋织绸缎棉丽点灯镜钟表钻铸锻铝铜锡锌镍镁链轮轨桥梁楼厦层砖窑陶瓷漆涂胶纸笔墨画广播视听响乐团队护齿疗检测验认证标准质量监审计税务报关险担贷币证券托销售贸买卖换购库运输邮递递货柜码头港湾岛屿乡村镇区县厅处线网络务营销顺达兴隆鸿运富贵荣华锦绣辉煌圣杰伟强刘陈张杨黄赵吴郑冯邓许蒋韩曹曾萧钱叶苏卢顾陆严龚贺谭贾邹阎戴范薛谢罗钟邝邬钟恒泽进齐晋滨胜宁鑫东汇余镕锐扬颐谦';

const MAP = new Map<string, string>();
{
  const t = [...TRADITIONAL];
  const s = [...SIMPLIFIED];
  if (t.length !== s.length) throw new Error(`t2s table: ${t.length} traditional vs ${s.length} simplified characters`);
  t.forEach((ch, i) => {
    if (ch !== s[i]) MAP.set(ch, s[i]!);
  });
}

const TRADITIONAL_RE = new RegExp(`[${[...MAP.keys()].join('')}]`, 'gu');

/** Replace the traditional characters of the table with their simplified forms. */
export function toSimplified(s: string): string {
  return s.replace(TRADITIONAL_RE, (ch) => MAP.get(ch) ?? ch);
}

/** Number of characters the table converts (shown in the documentation). */
export const T2S_SIZE = MAP.size;

const REVERSE = new Map([...MAP].map(([t, s]) => [s, t] as const));

/** Simplified → traditional for the characters of the table (to write test data as a Hong Kong or Taiwan clerk would). */
export function toTraditional(s: string): string {
  return [...s].map((ch) => REVERSE.get(ch) ?? ch).join('');
}
