import { readingContextOf } from './reading-context.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openKnowledgeBase } from '../../../knowledge/knowledge-base.js';
import type { FactValue } from '../../calculator/facts.js';
import type { FactsRead, ReadFactsOptions } from './read-facts.js';
import { readText, readTurn, type ReadingContext } from './understand.js';

/** The reading context the advisor builds, over the Zhengzhou base. */
let ctx: ReadingContext;
beforeAll(async () => {
  const knowledge = await openKnowledgeBase({ distDir: mkdtempSync(path.join(tmpdir(), 'read-facts-kb-')) });
  ctx = readingContextOf(knowledge);
});

const ASKED = '2026-06-01';
function factsRead(message: string, options: Partial<ReadFactsOptions> = {}): FactsRead {
  return readTurn(readText(message, ctx), ctx, { asOf: ASKED, ...options }).facts;
}
/** The value the message states for a fact (the last statement), or undefined. */
function stated(message: string, factId: string, options: Partial<ReadFactsOptions> = {}): FactValue | undefined {
  return factsRead(message, options)
    .stated.filter((s) => s.factId === factId)
    .at(-1)?.value;
}

describe('class 1 — money as people write it: the investment the clause names, to the yuan', () => {
  it.each([
    ['我们是省级专精特新，设备投资2,500,000 元', 2_500_000],
    ['设备花了350个w', 3_500_000],
    ['今年设备软件一共投了1.2kw', 12_000_000],
    ['设备购置款（不含税）人民币贰佰叁拾万元整', 2_300_000],
    ['我們買設備花了伍佰萬', 5_000_000],
    ['We spent 4.5 million yuan on equipment excluding VAT', 4_500_000],
    // Items are added up; a total wins over its items; a repeat is not counted twice.
    ['我们买了两台设备，一台150万，一台250万', 4_000_000],
    ['设备一共投了600万，其中数控机床400万，检测仪器200万', 6_000_000],
    // Each invoice with its own VAT rate: each made tax-exclusive by its own.
    ['设备价税合计1130万（13%），软件价税合计106万（6%），不含税是多少', 10_000_000 + 1_000_000],
    // A total whose parts are not all this fact: only the parts it names (the rent is no equipment).
    ['项目总投入1000万（都是不含税），其中设备680万、工业软件120万、厂房租金200万', 8_000_000],
    ['设备300万（不含税）、软件100万（不含税）、装修50万，合计450万', 4_000_000],
    ['我们设备投了500万，这500万都是不含税的', 5_000_000],
    // The after-tax figure is used when both are given.
    ['设备含税565万，税额65万，不含税500万', 5_000_000],
    ['设备含税135.6万，税后120万', 1_200_000],
    ['设备发票：不含税金额 4,000,000.00 元，税额 520,000.00 元', 4_000_000],
    // A correction in the same message: what follows it counts.
    ['设备投了500万，说错了，是800万', 8_000_000],
  ])('%s → investment %d', (message, yuan) => {
    expect(stated(message, 'investmentYuan')).toBe(yuan);
  });
});

describe('class 1 — money as people write it: a pre-tax, tax-only or rough figure is never the after-tax investment', () => {
  it.each([
    ['设备含税565万', 'pre-tax', 5_650_000],
    ['设备价税合计339万元', 'pre-tax', 3_390_000],
    ['设备税前500万', 'pre-tax', 5_000_000],
    ['采购设备发票：价税合计 5,650,000 元', 'pre-tax', 5_650_000],
    ['设备 450万（含增值税）', 'pre-tax', 4_500_000],
    ['设备发票税额52万', 'tax-only', 520_000],
    ['设备大概两三百万', 'approximate', 2_000_000],
    ['设备投了一百多万', 'approximate', 1_000_000],
  ])('%s → issue %s on %d, no investment', (message, kind, yuan) => {
    const read = factsRead(message);
    expect(read.stated.filter((s) => s.factId === 'investmentYuan')).toEqual([]);
    expect(read.issues).toEqual([expect.objectContaining({ factId: 'investmentYuan', kind, yuan })]);
  });

  // The user's own tax line or VAT rate turns an inclusive figure into the after-tax one, and says how.
  it.each<[string, number, RegExp]>([
    ['设备发票价税合计565万元，其中税额65万元', 5_000_000, /565万.*−.*65万/],
    ['设备采购合同含税金额1695万元，税率13%', 15_000_000, /÷ 1\.13/],
    ['设备一千一百三十万 含税的 十三个点的票', 10_000_000, /÷ 1\.13/],
    ['软件价税合计106万，6%的票', 1_000_000, /÷ 1\.06/],
    // Two invoices, each with its own 金额 (before tax on a VAT invoice) and 税额.
    [
      '发票1：金额 3,000,000.00 税额 390,000.00 价税合计 3,390,000.00\n发票2：金额 1,500,000.00 税额 195,000.00 价税合计 1,695,000.00\n都是生产设备',
      4_500_000,
      /./,
    ],
    // A voucher: the credit is the debit plus input VAT, their inclusive total, not a second item.
    ['借：固定资产—生产设备 6,400,000.00\n应交税费—应交增值税（进项税额）832,000.00\n贷：银行存款 7,232,000.00', 6_400_000, /./],
  ])('%s → %d', (message, yuan, said) => {
    const s = factsRead(message).stated.find((x) => x.factId === 'investmentYuan');
    expect(s?.value).toBe(yuan);
    expect(s?.said).toMatch(said);
  });

  it('a rate that is not a VAT rate, or a tax line for only one of two inclusive figures, derives nothing', () => {
    expect(factsRead('设备含税1200万，税率20%').issues).toEqual([expect.objectContaining({ kind: 'pre-tax' })]);
    expect(factsRead('设备A价税合计113万，设备B价税合计226万，A的税额13万').issues).toEqual([expect.objectContaining({ kind: 'pre-tax' })]);
  });

  it('two bare figures with nothing that lists them are not added: the advisor asks', () => {
    expect(factsRead('设备花了480万，发票开了500万').issues).toEqual([
      expect.objectContaining({ factId: 'investmentYuan', kind: 'several' }),
    ]);
    // Listed items are added; one figure written twice is one figure.
    expect(stated('三张设备发票不含税金额分别是1,200,000.00、850,000.00、2,350,000.00元', 'investmentYuan')).toBe(4_400_000);
    expect(stated('设备款壹佰伍拾万元整（1,500,000.00元）', 'investmentYuan')).toBe(1_500_000);
  });

  it('a range keeps both ends in its issue', () => {
    expect(factsRead('设备投了100-200万').issues).toEqual([
      expect.objectContaining({ kind: 'approximate', yuan: 1_000_000, upToYuan: 2_000_000 }),
    ]);
  });
});

describe('class 9 — facts taken wrongly: a figure that is not the company’s is never taken as the investment', () => {
  it.each([
    ['听说别人设备投了2000万'],
    ['隔壁公司设备投了3000万'],
    ['设备补贴最高200万'],
    ['设备超过100万才能补吗'],
    ['省里补了100万'],
    ['设备不是三百万'],
    ['网上说设备投了1000万就能拿100万'],
  ])('%s → no investment', (message) => {
    expect(stated(message, 'investmentYuan')).toBeUndefined();
  });

  it.each([
    ['隔壁公司设备投了3000万拿了200万，我们设备投了600万', 6_000_000],
    ['听说别人设备投了2000万，我们设备投了600万', 6_000_000],
    ['设备不含税400万，税额52万', 4_000_000],
    ['我们设备投了1000万，省里补了100万', 10_000_000],
    ['设备不是三百万，是五百万', 5_000_000],
    ['设备投了500万，听说能补100万', 5_000_000],
  ])('%s → only the company’s own figure: %d', (message, yuan) => {
    expect(stated(message, 'investmentYuan')).toBe(yuan);
  });

  it.each([
    ['我们是省级专精特新，设备投了500万', ['level', 'investmentYuan']],
    ['我们今年新认定为国家级小巨人，买设备花了1200万', ['level', 'nationalRecognitionYear', 'investmentYuan']],
    ['省里的补贴没拿过，设备不含税300万', ['investmentYuan', 'provincialEquipmentSubsidyReceived']],
    ['我们在创客中国郑州分赛拿了二等奖', ['contestPrize']],
    ['我们牵头申报的集群新认定为省级特色产业集群', ['clusterLevel', 'clusterApplicant']],
  ])('every fact of “%s” is traceable to the user’s own words', (message, factIds) => {
    const reading = readText(message, ctx);
    const read = readTurn(reading, ctx, { asOf: ASKED }).facts;
    expect(new Set(read.stated.map((s) => s.factId))).toEqual(new Set(factIds));
    for (const s of read.stated) {
      expect(s.said.length).toBeGreaterThan(0);
      expect(reading.text, `${s.factId}: “${s.said}”`).toContain(s.said);
    }
  });
});

describe('class 9 — facts taken wrongly: a negation is read as such', () => {
  it.each<[string, string, FactValue]>([
    ['省里的补贴没拿过', 'provincialEquipmentSubsidyReceived', false],
    ['省财政的设备补助我们一直没领过', 'provincialEquipmentSubsidyReceived', false],
    ['省里的设备补助已经拿过了', 'provincialEquipmentSubsidyReceived', true],
    ['资质没过期', 'statusValid', true],
    ['我们的资质已经过期了', 'statusValid', false],
    ['小巨人证书到期了', 'statusValid', false],
    ['我们是牵头申报单位', 'clusterApplicant', true],
    ['我们只是集群里的成员企业', 'clusterApplicant', false],
    ['我们没获奖', 'contestPrize', 'none'],
  ])('%s → %s = %s', (message, factId, value) => {
    expect(stated(message, factId)).toBe(value);
  });

  it.each([
    ['我们还不是省级专精特新', 'provincial'],
    ['其实我们并不是小巨人', 'national'],
    ['小巨人是我搞错了', 'national'],
  ])('%s denies level %s and states none', (message, value) => {
    const read = factsRead(message);
    expect(read.denied).toEqual([expect.objectContaining({ factId: 'level', value })]);
    expect(read.stated.filter((s) => s.factId === 'level')).toEqual([]);
  });
});

describe('class 9 — facts taken wrongly: statuses, prizes and years', () => {
  it.each<[string, string, FactValue]>([
    ['我们是省级专精特新', 'level', 'provincial'],
    ['我们是国家级小巨人', 'level', 'national'],
    ['我们是创新型中小企业', 'level', 'innovative'],
    ['我们就是普通企业，没有资质', 'level', 'none'],
    ['We are a provincial SRDI company', 'level', 'provincial'],
    ['我們是省級專精特新', 'level', 'provincial'],
    ['我们在创客中国郑州分赛拿了二等奖', 'contestPrize', 'second'],
    ['我们拿了创客大赛第一名', 'contestPrize', 'first'],
    ['集群被认定为国家级特色产业集群', 'clusterLevel', 'national'],
    ['我们2025年新认定为省级专精特新', 'provincialRecognitionYear', 2025],
    ['我们去年评上了小巨人', 'nationalRecognitionYear', 2025],
    ['我们是省级专精特新，2024年认定的', 'provincialRecognitionYear', 2024],
    // The status in the option's own everyday words, not a short name.
    ['我们今年刚评上省里的专精特新', 'provincialRecognitionYear', 2026],
    // An event said to have just happened, with no year: this year.
    ['我们才评上省级的专精特新', 'provincialRecognitionYear', 2026],
    ['我们最近被认定为省级专精特新', 'provincialRecognitionYear', 2026],
  ])('%s → %s = %s', (message, factId, value) => {
    expect(stated(message, factId)).toBe(value);
  });

  it.each([
    ['我们去年评上了小巨人，前年认定了省级专精特新', 2025, 2024],
    ['我们2025年新认定为省级专精特新，同一年又新认定为国家级小巨人', 2025, 2025],
  ])('%s → national %d, provincial %d', (message, national, provincial) => {
    expect(stated(message, 'nationalRecognitionYear')).toBe(national);
    expect(stated(message, 'provincialRecognitionYear')).toBe(provincial);
  });

  it.each([
    ['是不是省级专精特新才能申请', 'level'],
    ['一、二、三等奖各奖多少', 'contestPrize'],
    ['省级和国家级集群分别奖多少', 'clusterLevel'],
  ])('a general question “%s” states no %s of the company', (message, factId) => {
    expect(stated(message, factId)).toBeUndefined();
  });
});

describe('class 3 — follow-ups: a case posed, a correction, a short reply', () => {
  it.each<[string, string, FactValue]>([
    ['如果我们是小巨人呢', 'level', 'national'],
    ['那要是设备投了3000万呢', 'investmentYuan', 30_000_000],
    ['假如我们去年评上了小巨人', 'nationalRecognitionYear', 2025],
  ])('%s → %s = %s, for this question only', (message, factId, value) => {
    const s = factsRead(message).stated.find((x) => x.factId === factId);
    expect(s).toMatchObject({ value, hypothetical: true });
  });

  it.each<[string, string, FactValue]>([
    // A short name denied before it withdraws what was known of it (还不是X、并不是X、也不是X).
    ['不对，我们还不是国家级', 'level', 'national'],
    ['其实并不是小巨人', 'level', 'national'],
  ])('%s → %s %s withdrawn', (message, factId, value) => {
    const read = factsRead(message, { correctable: [factId], known: new Map([[factId, value]]) });
    expect(read.denied).toContainEqual(expect.objectContaining({ factId, value }));
  });

  it('a fact about a status (the year it came) says the company has it, when what was known was just denied', () => {
    const read = factsRead('不对不对，我们还不是国家级，是今年新评上的省级', {
      correctable: ['level'],
      known: new Map<string, FactValue>([['level', 'national']]),
    });
    expect(read.stated.find((s) => s.factId === 'level')?.value).toBe('provincial');
    expect(read.stated.find((s) => s.factId === 'provincialRecognitionYear')?.value).toBe(2026);
  });

  it.each<[string, string, FactValue]>([
    // A short name the company says it has: 我们是X的、去年评的X.
    ['我们是省级的，设备投了500万', 'level', 'provincial'],
    ['我们去年12月评的省级', 'level', 'provincial'],
    ['公司属于国家级', 'level', 'national'],
  ])('%s → %s = %s', (message, factId, value) => {
    expect(stated(message, factId)).toBe(value);
  });

  it('a short name that starts a longer term, or is asked about, is not the company’s', () => {
    expect(stated('我们是省级的集群', 'level')).toBeUndefined();
    expect(stated('是省级的才能申请吗', 'level')).toBeUndefined();
  });

  it('a case posed with a changed figure of the company’s is that figure, for this question only', () => {
    const s = factsRead('如果改成2600万呢', { contextFacts: ['investmentYuan'], known: new Map([['investmentYuan', 18_000_000]]) }).stated;
    expect(s.find((x) => x.factId === 'investmentYuan')).toMatchObject({ value: 26_000_000, hypothetical: true });
  });

  it('a figure added to the one known, with the total asked, is their sum and says so', () => {
    const s = factsRead('再加一套MES软件不含税300万呢 一共多少', { known: new Map([['investmentYuan', 8_500_000]]) }).stated;
    expect(s.find((x) => x.factId === 'investmentYuan')).toMatchObject({ value: 11_500_000, said: expect.stringContaining('850万') });
  });

  it('an award named only to be denied takes back the facts only it reads, known or said in the message', () => {
    const read = factsRead('那个一等奖是我们区里自己办的比赛，不是创客中国郑州分赛', { known: new Map([['contestPrize', 'first']]) });
    expect(read.denied).toContainEqual(expect.objectContaining({ factId: 'contestPrize', value: 'first' }));
    expect(read.stated.find((s) => s.factId === 'contestPrize')).toBeUndefined();
  });

  it('naming what a figure was for and taking it back withdraws the figure', () => {
    const read = factsRead('设备那个不算了，采购合同取消了', { known: new Map([['investmentYuan', 22_000_000]]) });
    expect(read.denied).toContainEqual(expect.objectContaining({ factId: 'investmentYuan', value: 22_000_000 }));
  });

  it('a statement of fact is not a supposition', () => {
    expect(factsRead('我们是省级专精特新，设备投了500万').stated.every((s) => !s.hypothetical)).toBe(true);
  });

  it.each<[string, Partial<ReadFactsOptions>, string, FactValue]>([
    // A bare figure in a conversation about the investment.
    ['不对，是800万', { contextFacts: ['investmentYuan'] }, 'investmentYuan', 8_000_000],
    ['哦不，我是说250万', { contextFacts: ['investmentYuan'] }, 'investmentYuan', 2_500_000],
    // The short reply to the question asked last.
    ['800万', { pending: 'investmentYuan' }, 'investmentYuan', 8_000_000],
    ['省级', { pending: 'level' }, 'level', 'provincial'],
    ['是省级的，不是国家级', { pending: 'level' }, 'level', 'provincial'],
    ['没有', { pending: 'provincialEquipmentSubsidyReceived' }, 'provincialEquipmentSubsidyReceived', false],
    ['是的，拿过', { pending: 'provincialEquipmentSubsidyReceived' }, 'provincialEquipmentSubsidyReceived', true],
    ['2025年', { pending: 'nationalRecognitionYear' }, 'nationalRecognitionYear', 2025],
    ['二等奖', { pending: 'contestPrize' }, 'contestPrize', 'second'],
    // A correction by a short name changes the conversation's fact.
    ['不好意思，说错了，是省级的', { correctable: ['level'], known: new Map([['level', 'national']]) }, 'level', 'provincial'],
    // 同一年 takes the year already known.
    ['同一年又评上了小巨人', { known: new Map([['provincialRecognitionYear', 2025]]) }, 'nationalRecognitionYear', 2025],
  ])('%s (%j) → %s = %s', (message, options, factId, value) => {
    expect(stated(message, factId, options)).toBe(value);
  });

  it('a bare figure with nothing asked and no conversation is nobody’s investment', () => {
    expect(stated('不对，是800万', 'investmentYuan')).toBeUndefined();
  });

  it('part of a figure already given that is not equipment comes off it, and says where it came from', () => {
    const s = factsRead('这500万里有100万其实是厂房装修', { known: new Map([['investmentYuan', 5_000_000]]) }).stated.find(
      (x) => x.factId === 'investmentYuan',
    );
    expect(s?.value).toBe(4_000_000);
    expect(s?.said).toContain('500万');
    expect(s?.said).toContain('100万');
  });
});

describe('counts, days and areas of a second base: read by the fact’s declared unit, whatever the base', () => {
  /** The reading context over the 鹿城 base, whose awards count patents, square metres and months. */
  let lucheng: ReadingContext;
  beforeAll(async () => {
    const knowledge = await openKnowledgeBase({ base: 'lucheng', distDir: mkdtempSync(path.join(tmpdir(), 'read-facts-lc-')) });
    lucheng = readingContextOf(knowledge);
  });
  const read = (message: string, options: Partial<ReadFactsOptions> = {}) =>
    new Map(readTurn(readText(message, lucheng), lucheng, { asOf: '2020-06-01', ...options }).facts.stated.map((s) => [s.factId, s.value]));

  it('an everyday matter a base’s own documents speak of is not unrelated to that base, and is to another', () => {
    // 鹿城's documents guarantee executives' children school places (入学); Zhengzhou's never speak of 划片.
    expect(readText('高管子女公办小学入学有什么政策', lucheng).unrelated).toBe(false);
    expect(readText('孩子上小学怎么划片', ctx).unrelated).toBe(true);
    expect(readText('孩子上小学怎么划片', lucheng).unrelated).toBe(true);
  });

  it.each<[string, Record<string, FactValue>]>([
    // Chinese and Arabic numerals with the unit of what is counted; each count to the fact its clause names.
    ['我们今年拿到三件发明专利授权', { inventionPatentCount: 3 }],
    ['发明专利2件；实用新型5件；外观设计4件', { inventionPatentCount: 2, utilityModelPatentCount: 5, designPatentCount: 4 }],
    ['新登记了十二件软件著作权', { softwareCopyrightCount: 12 }],
    // A day in a clause about the grant.
    ['授权公告日2019-03-12', { patentGrantDate: '2019-03-12' }],
    ['证书是2019年5月10日下来的', { patentGrantDate: '2019-05-10' }],
  ])('%s → %j', (message, expected) => {
    const facts = read(message);
    for (const [id, value] of Object.entries(expected)) expect(facts.get(id), id).toBe(value);
  });

  it.each<[string, Record<string, FactValue>]>([
    // A short name (市级) that the words of one fact already read is that fact's, not also another's option.
    ['不对，我们那个技术中心只是市级的，省级还没评上', { enterpriseTechCentreLevel: 'city' }],
    ['我们的企业技术中心是省级的', { enterpriseTechCentreLevel: 'provincial' }],
  ])('%s → %j and nothing else of the same short name', (message, expected) => {
    const facts = read(message);
    for (const [id, value] of Object.entries(expected)) expect(facts.get(id), id).toBe(value);
    expect(facts.get('techUpgradeProjectType')).toBeUndefined();
  });

  it.each<[string, number]>([
    // One VAT rate for all the invoices listed, their basis named once before the list.
    ['技改设备发票三张（税率均为13%），价税合计分别为1,130,000.00元、565,000.00元、339,000.00元', 1_800_000],
    ['设备两张发票都是13%的税率，含税113万和226万', 3_000_000],
  ])('%s → the after-tax investment %d', (message, yuan) => {
    expect(read(message).get('equipmentInvestmentYuan')).toBe(yuan);
  });

  it.each<[string, Record<string, FactValue>]>([
    // A case posed in a question (要是、如果) is the case to work out.
    ['那要是去香港参展呢？一样两个展位', { exhibitionDestination: 'abroad', boothCount: 2 }],
    ['如果去上海参展呢', { exhibitionDestination: 'outsideProvince' }],
    // Where the fair is, by the place's level relative to the district.
    ['我们去杭州参加展会，订了3个标准展位', { exhibitionDestination: 'outsideCity', boothCount: 3 }],
  ])('%s → %j', (message, expected) => {
    const facts = read(message);
    for (const [id, value] of Object.entries(expected)) expect(facts.get(id), id).toBe(value);
  });

  it('parts listed before their total, one of them not this fact (基建), count without it', () => {
    const facts = read(
      '市级工业设计中心购置明细：设计软件 不含税400,000.00；快速成型设备 不含税800,000.00；展厅装修（基建）300,000.00；合计1,500,000.00',
    );
    expect(facts.get('designCentreEquipmentYuan')).toBe(1_200_000);
  });

  it('非 before a yes phrase says no (规上企业（非首次小升规）)', () => {
    expect(read('规上企业（非首次小升规），租厂房生产').get('firstTimeAboveScale')).toBe(false);
  });

  it('an area that several awards could read goes to the award the message is about', () => {
    const facts = read('我们是规上的软件信息服务企业，租了五百平方，一年房租补助能拿多少');
    expect(facts.get('softwareOfficeAreaSqm')).toBe(500);
    expect(facts.get('softwareOfficeRentMonths')).toBe(12);
    // Not the office area of another award that is not in play.
    expect(facts.get('fundOfficeRentAreaSqm')).toBeUndefined();
  });

  it.each<[string, Record<string, FactValue>]>([
    // The noun said in an earlier clause, the number later: the one fact of that unit the award in play reads.
    ['我们是规上企业，租厂房生产，亩均税收一百二十万，租了五千平方，租了一整年', { factoryRentAreaSqm: 5000, factoryRentMonths: 12 }],
    // Two numbers, two facts: the second goes to the other fact its words name, not over the first.
    ['限上零售企业，原有直营连锁门店15家，今年又新设了4家直营门店', { directChainStoreCount: 15, newChainStoreCount: 4 }],
    // The words over a pause of one spoken sentence; a rate in words.
    ['我们是新纳入限上的餐饮企业 去年营业额两千五百万 增长百分之七十', { commerceGrowthPercent: 70 }],
  ])('%s → %j', (message, expected) => {
    const facts = read(message);
    for (const [id, value] of Object.entries(expected)) expect(facts.get(id), id).toBe(value);
  });

  it('the same area with no award in play is nobody’s: the advisor asks rather than guess', () => {
    const facts = read('租了五百平方');
    expect([...facts.keys()].filter((id) => id.endsWith('AreaSqm'))).toEqual([]);
  });
});
