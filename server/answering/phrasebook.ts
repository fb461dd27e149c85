/**
 * How people phrase things, mapped to the policy's words, and what the advisor does not cover.
 * Plain data: extend it when the Q&A log shows a phrasing the advisor missed.
 */

/** Colloquial or abbreviated forms → the policy's term; appended to the question so both are searched. */
export const COLLOQUIALISMS: [RegExp, string][] = [
  [/省专精特新|省级专精(?!特新)|省专精/g, '省级专精特新中小企业'],
  [/国家级专精特新(?!“?小巨人)|国家专精特新/g, '国家级专精特新“小巨人”企业'],
  [/(?<!“)小巨人/g, '国家级专精特新“小巨人”企业'],
  [/设备补贴|设备补助|买设备|设备奖补/g, '设备、软件投资补助'],
  [/创客大赛|创客比赛|创新创业大赛/g, '“创客中国”中小企业创新创业大赛郑州市分赛'],
  [/集群奖/g, '中小企业特色产业集群一次性奖励'],
];

/** English phrasings (foreign staff, copied texts) → Chinese terms, so the same rules apply. */
export const ENGLISH_GLOSSARY: [RegExp, string][] = [
  [/\bnational(?:-level)?\s+little\s+giants?\b|\blittle\s+giants?\b/gi, '国家级专精特新“小巨人”企业'],
  [/\bprovincial(?:-level)?\s+(?:srdi|specialized|specialised)[\w\s,-]*?(?:sme|enterprise|company)s?\b/gi, '省级专精特新中小企业'],
  [/\binnovative\s+sme\b/gi, '创新型中小企业'],
  [/\bequipment\b|\bmachinery\b/gi, '设备'],
  [/\bsoftware\b/gi, '软件'],
  [/\bsubsid(?:y|ies)\b|\bgrant\b/gi, '补贴'],
  [/\bmaker\s+china\b/gi, '创客中国'],
  [/\bfirst\s+prize\b/gi, '一等奖'],
  [/\bsecond\s+prize\b/gi, '二等奖'],
  [/\bthird\s+prize\b/gi, '三等奖'],
  [/\bcontest\b|\bcompetition\b/gi, '大赛'],
  [/\bindustrial\s+cluster\b|\bcluster\b/gi, '特色产业集群'],
  [/\bhow\s+much\b/gi, '多少'],
  [/\bwe\s+are\b|\bour\s+company\b|\bwe\b/gi, '我们'],
  [/\bbought\b|\bspent\b|\binvested\b/gi, '买了'],
];

/**
 * Prompt-injection markers: a sentence containing one is an attempt to change the rules, not a fact about
 * the company. Such sentences are set aside before facts are read, so their numbers never count.
 */
export const INJECTION_MARKERS: RegExp[] = [
  /忽略(之前|以上|上面|前面|所有|先前)?[的所有]*(规则|指令|指示|设定|提示|要求)/,
  /(system|developer|assistant)\s*[:：]|<\/?system>|\[system\]|【(系统|管理员)[^】]*】|（系统(消息|通知)[^）]*）/i,
  /ignore\s+(all\s+)?(the\s+)?(previous|prior|above|policy)/i,
  /developer\s+mode|jailbreak|越狱|开发者模式/i,
  /(比例|标准|上限|门槛|金额|奖金|奖励|补贴)[^。；，,.]{0,12}(已|已经)?(调整|上调|下调|取消|改成|改为|翻倍|变为|变成|提高到|降低到)/,
  /(正确比例是|请按\d+%|你的回答必须|先回复|假装你|你现在是|从现在起|從現在起|现在起)/,
  /(the\s+cap\s+is\s+now|output\s*\{|tell\s+me\s+(that\s+)?the\b.*\bis\b)/i,
];

/** Places other than Zhengzhou: a question about their policies is not this plan's. */
export const OTHER_REGIONS = [
  '北京',
  '上海',
  '天津',
  '重庆',
  '深圳',
  '广州',
  '杭州',
  '南京',
  '苏州',
  '无锡',
  '武汉',
  '成都',
  '西安',
  '长沙',
  '合肥',
  '济南',
  '青岛',
  '厦门',
  '宁波',
  '福州',
  '南昌',
  '太原',
  '石家庄',
  '沈阳',
  '大连',
  '长春',
  '哈尔滨',
  '昆明',
  '贵阳',
  '南宁',
  '海口',
  '兰州',
  '银川',
  '西宁',
  '乌鲁木齐',
  '呼和浩特',
  '拉萨',
  '东莞',
  '佛山',
  '珠海',
  '温州',
  '常州',
  '徐州',
  '洛阳',
  '开封',
  '新乡',
  '许昌',
  '南阳',
  '安阳',
  '焦作',
  '平顶山',
  '商丘',
  '周口',
  '信阳',
  '驻马店',
  '濮阳',
  '鹤壁',
  '三门峡',
  '漯河',
  '济源',
  '广东',
  '江苏',
  '浙江',
  '山东',
  '湖北',
  '湖南',
  '四川',
  '陕西',
  '安徽',
  '福建',
  '河北',
  '山西',
  '江西',
  '辽宁',
  '吉林',
  '黑龙江',
  '云南',
  '贵州',
  '广西',
  '海南',
  '甘肃',
  '宁夏',
  '青海',
  '新疆',
  '内蒙古',
  '西藏',
];

/** Other policies people confuse with this plan, and requests that are not about policy at all. */
export const OUT_OF_SCOPE_TOPICS: RegExp[] = [
  /高新技术企业|高企|加计扣除|人才落户|落户|个人所得税|个税|专项附加扣除|社保|公积金|稳岗|新能源汽车|以旧换新|创业担保贷款|营业收入要|认定标准|申报条件是什么样的/,
  /房价|房贷|月供|买房|天气|气温|下雨|股票|股市|股价|概念股|炒股|比特币|基金净值|彩票|菜谱|做饭|电影|旅游|翻译成|写一(个|段|篇|份)|作文|总结|爬虫|代码|编程/,
  /系统提示|提示词|prompt|原样输出|你的设定|骗取|套取|造假|伪造|虚报|批准给我/i,
  /\b(weather|javascript|python|function|code|stock|bitcoin|recipe|poem)\b/i,
];

/** Greetings, thanks and questions about the assistant itself. */
export const SMALLTALK =
  /^(你好|您好|你们好|hi|hello|嗨|哈喽|在吗|在不在|有人吗|早上好|上午好|下午好|晚上好|早|谢谢|谢谢你|谢谢您|多谢|感谢|感谢你|辛苦了|辛苦|好的|好|ok|嗯|嗯嗯|收到|明白了|知道了|再见|拜拜|你是谁|你是什么|你叫什么|你是机器人吗|你能做什么|你能帮我做什么|你会什么|你可以做什么|怎么用|怎么使用|帮助)$/i;

/** Words of the question itself, not its topic: left out when judging whether a question is on topic. */
export const QUESTION_FILLER = new Set(
  '这个 那个 这些 那些 时候 什么 什么样 怎么 怎么样 怎样 回事 怎么回事 意思 啥意思 还是 不是 是不是 可以 能不能 能否 能补 能奖 能拿 能领 能给 能贷 多少钱 多少 几万 市里 省里 今年 去年 明年 现在 目前 一共 投了 买了 花了 一下 请问 问下 告诉 知道 大家 然后 另外 这样 那样 有没有 有没 就是 只是 一家 一个 已经 还有 如果 要是 the what how that'.split(
    ' ',
  ),
);
