/**
 * Chinese surnames for recognising person names: the common single-character surnames (together
 * about 95% of the population in the national surname surveys) and the compound surnames still in
 * use. Rare surnames that are also everyday words at the start of category values (商, 中, 公, 党 …)
 * are left out on purpose: a name with such a surname is missed, a category is not taken for a name.
 */
const SINGLE =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖萧田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤' +
  '常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝' +
  '官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由';
const COMPOUND = ['欧阳', '司马', '诸葛', '上官', '东方', '皇甫', '慕容', '令狐', '夏侯', '尉迟', '公孙', '长孙', '宇文', '司徒', '端木', '独孤', '南宫', '西门', '轩辕', '呼延', '澹台', '钟离', '闻人', '万俟', '申屠'];

/** Single characters that start many category values; as surnames too rare to outweigh that. */
const AMBIGUOUS = new Set(['商', '公', '党', '国', '和', '平', '成', '明', '海', '全', '时', '原', '信', '由', '来', '门', '区', '南', '元', '利', '花', '富', '普', '干', '但', '衣', '计', '初', '位', '展', '相', '战', '危', '银', '玉', '智', '乐', '强', '容']);

export const SINGLE_SURNAMES: ReadonlySet<string> = new Set([...SINGLE].filter((c) => !AMBIGUOUS.has(c)));
export const COMPOUND_SURNAMES: readonly string[] = COMPOUND;
