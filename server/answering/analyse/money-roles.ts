import { findMoneyMentions, parseMoney, type MoneyMention } from '../../../knowledge/text/money.js';
import { findCounts } from './counts.js';
import type { Language } from '../language/language.js';
import type { MessageClause } from './clauses.js';

/**
 * What a figure in a message is. Only the company's own amounts can become facts; a subsidy someone
 * received, a figure the user attributes to the policy, a tax line or a threshold never can.
 */
export type MoneyRole =
  /** An amount the company states about itself (spent, invested, earned). */
  | 'stated'
  /** An award or subsidy amount (补了200万, 奖励提高到300万, 能拿250万吗): a claim about the policy or money received. */
  | 'benefit'
  /** Money the company says it already received (省里补了40万、拿到了50万奖励): a fact about its past, not a claim about the policy. */
  | 'received'
  /** A limit being asked about (超过100万才能补吗). */
  | 'threshold'
  /** The tax line of an invoice. */
  | 'tax'
  /** Explicitly not the figure (不是三百万), or withdrawn by reference (刚才说的500万不算). */
  | 'negated';

export type TaxBasis = 'excluding-tax' | 'including-tax';

export interface ReadMoney extends MoneyMention {
  /** The clause it is in (index into the message's clauses). */
  clause: number;
  role: MoneyRole;
  basis?: TaxBasis;
  /**
   * Read off an invoice with no word for its tax basis (发票上写的565万、发票总额226万): the figure an invoice shows
   * first is its tax-inclusive total (价税合计) as often as its pre-tax amount, so the advisor asks which.
   */
  invoiceBasisUnclear?: boolean;
  /** A unit price times the number of units the message gives (每台50万 … 买了4台): `yuan` is the product. */
  units?: { count: number; measure: string; unitYuan: number };
  /** Said as a total (一共、合计). */
  total: boolean;
  /** Refers back to a figure already given (这500万、这笔). */
  anaphoric: boolean;
}

// Tax wording as invoices and people write it; 不含税 must be tried before 含税.
const EXCLUDING = /不含税|未税|税后|除税|不含增值税|去税|净价|ex-?vat|excluding vat|net of vat/;
const INCLUDING = /(?<![不未])含税|价税合计|税前|含增值税|including (?:\d+(?:\.\d+)?% )?vat|incl\.? (?:\d+(?:\.\d+)?% )?vat|gross/;
// 不含税金额 is the amount without tax, not a tax line; 进口环节增值税884,000元 (paid at customs) is one.
const TAX_LINE =
  /(?<![含除])(?:税额|税金|增值税额|进口环节增值税|增值税|进项税额?|销项税额?|税款)[）)]?(?:一栏|栏|合计|为|是|共|：|:|\s)*$/;
// On a VAT invoice 金额 is the amount before tax (金额 + 税额 = 价税合计): so read when a tax line is given too.
const INVOICE_AMOUNT = /(?<![含总])金额(?:一栏|栏|为|是|：|:|\s)*$/;
// Words right after a figure that make it rough: 出头、左右、上下、开外.
const ROUGH_AFTER = /^\s?(?:元)?(?:出头|左右|上下|开外|朝上|往上)/;
// A result the user worked out by a rate (按10%是200.1万、乘以5%等于2.5万): their claim, checked, never a fact.
const COMPUTED_BEFORE = /(?:按|乘以?|×|\*)\s?\d+(?:\.\d+)?\s?[%％](?:算|计算|来算)?(?:的话)?(?:就|应该|大概)?(?:是|为|等于|得|=)\s?$/;
// A figure said to replace another (改成、换成): in a case posed about the company's own figures, its new value.
const CHANGED_TO = /(?:改成|改为|换成|变成|变为|调成|调到)\s?$/;
// A figure put to the advisor as the user's own guess at the result (能的话就是10万吧、算下来应该是50万吗).
const GUESS_BEFORE = /(?:就是|也就是|应该是|应该有|估计是|估计有|那是|是不是|是否是|是|有)\s?$/;
const GUESS_AFTER = /^\s?(?:元)?(?:吧|吗|么|嘛|对吧|是吧|对不对|是不是|没错吧|[?？])/;
// An award or subsidy figure: the money words right after it, or a verb of giving / a limit right before it.
const BENEFIT_AFTER = /^\s?(?:元)?(?:的)?(?:补贴|补助|奖励|奖金|资助|扶持资金|一次性奖励)/;
const BENEFIT_BEFORE =
  /(?:补贴|补助|奖励|奖金|资助|补了|奖了|给了|补过|奖过|能拿|能补|能领|能给|能奖|可拿|可补|可领|给予|最高|最多|上限|封顶|给到|发到|补到|奖到|补|奖|拿|领)(?:是|为|了|到|有|个)?\s?$/;
// A figure something changed to (涨到300万、上限改成1000万): an award's in a clause about one or its limit, or in hearsay; the
// company's own otherwise (产值升到1亿、营收增加到2亿).
const CHANGED_BEFORE =
  /(?:提高到|提高至|提到|调整为|调到|改为|改成|变成|变为|涨到|涨至|涨了|升到|升至|增加到|增加至|增至|加到|翻倍到)(?:是|为|了|到|有|个)?\s?$/;
// 算下来、算出来 introduce a result: an award's only in a clause about one (营收算下来120万 is the company's own).
const RESULT_OF_BENEFIT_BEFORE = /(?:算出来|算下来)(?:是|为|有)?\s?$/;
// Received, said in the past tense: the company got it (补了、拿到、已到账), unless the clause is hearsay.
const RECEIVED_BEFORE =
  /(?:补了|奖了|给了|补过|奖过|拿了|拿到了?|拿过|领了|领到了?|领过|获得了|得了|到账了?|拨了|拨付了|发了|兑现了|received|got)(?:有|个)?\s?$/;
// 已经领了50万: said as done, received money whatever the clause names.
const ALREADY_BEFORE = /(?:已经|已|早就|之前|去年就)\s?(?:领|拿|获得|得|到账|收到)/;
// 区里给了10万: a giver named before the verb makes it money received, whatever the clause names.
const GIVER_BEFORE = /(?:区里|市里|省里|县里|政府|财政|上面|国家)(?:已经|已|也)?(?:给了|拨了|发了|奖了|补了)\s?$/;
// 拿了500万的设备: a figure followed by what it bought is a purchase, not money received.
const PURCHASE_AFTER = /^\s?(?:元)?(?:的|买|购|投)/;
// 拿了、得了 are received money only in a clause about a subsidy or award (拿了500万的设备 is a purchase).
const BENEFIT_CLAUSE = /补|奖|资助|扶持|subsid|award|grant/;
// 每两千万、每满1000万: a unit of a rate (per 20M), never an amount of the company's.
const THRESHOLD_BEFORE =
  /(?:超过|超|达到|突破|迈上|跨过|满|高于|低于|不足|不到|没到|快到|差[^，。\d]{0,4}到|门槛|起点|每|每满|每增加|每实现)(?:是|为)?\s?$/;
const THRESHOLD_AFTER = /^(?:的)?(?:以上|以下|以内|起|门槛|起点)/;
const NEGATED_BEFORE = /(?:不是|并非|而不是|并不是|不对)\s?$/;
// A figure taken back by what follows it: "刚才说的500万不算", "那300万是错的", "500万作废".
const WITHDRAWN_AFTER =
  /^\s?(?:元)?(?:的)?(?:那笔|这笔|那个|这个)?(?:不算|不对|作废|不作数|错了|说错了|是错的|有误|不用算|要去掉|去掉|删掉)/;
const ANAPHORA_BEFORE = /(?:这|那|上述|以上)(?:笔|批|个)?\s?$/;
// A figure an invoice is said to show (发票上写的、发票金额、发票总额、开票、票面) with no word for which line it is.
const INVOICE_FIGURE_BEFORE = /(?:发票|票面|开票|专票|普票)[^，。；\d]{0,8}$/;
// What introduces a result worked out (六个就是四万八、加起来一共是10万、那就等于2万).
const RESULT_BEFORE = /(?:就是|那就是|也就是|就有|一共是|总共是|加起来是|等于|算下来是)\s?$/;
// Nothing but a list separator between two figures (、 和 及 与 /, a unit left after the first).
const LIST_SEPARATOR = /^\s?(?:元|万元|万)?\s?(?:[、,，/]|和|及|与|以及)\s?$/;
// Financial numerals (壹佰玖拾万捌仟元整): the way cheques, contracts and invoices write a figure out in full.
const FINANCIAL_NUMERALS = /[壹贰叁肆伍陆柒捌玖拾佰仟]/;

/**
 * The same amount written out in words and in digits in one clause (价税合计（大写）壹佰玖拾万捌仟元整（小写）
 * ¥1,908,000.00; 人民币壹佰万元整（¥1,000,000.00）) is one figure: only the first is kept.
 */
function withoutSpelledOutRepeats(mentions: MoneyMention[]): MoneyMention[] {
  return mentions.filter((m, i) => {
    const previous = mentions[i - 1];
    if (!previous || previous.yuan !== m.yuan) return true;
    return FINANCIAL_NUMERALS.test(previous.text) === FINANCIAL_NUMERALS.test(m.text);
  });
}

/** A clause by its index in the message (the clauses read may be a subset: hidden segments left out). */
function clauseAt(clauses: readonly MessageClause[], index: number): MessageClause {
  return clauses.find((c) => c.index === index)!;
}

/** The amounts a figure puts in the user's words: itself, the top of its range, the unit price of a product. */
export function amountsSaid(m: ReadMoney): number[] {
  return [m.yuan, ...(m.upToYuan !== undefined ? [m.upToYuan] : []), ...(m.units ? [m.units.unitYuan] : [])];
}

/** Every figure in the message's clauses, with what it is. */
export function readMoney(clauses: readonly MessageClause[], lang: Language): ReadMoney[] {
  const out: ReadMoney[] = [];
  for (const clause of clauses) {
    const text = clause.text;
    const found = findMoneyMentions(text);
    const extra = labelledFigures(text, clauses, clause).filter(
      (f) => !found.some((m) => f.index < m.index + m.text.length && m.index < f.index + f.text.length),
    );
    const mentions = withoutSpelledOutRepeats([...found, ...extra].sort((a, b) => a.index - b.index));
    mentions.forEach((m, i) => {
      const before = text.slice(Math.max(0, m.index - 10), m.index);
      const end = m.index + m.text.length;
      const after = text.slice(end, end + 8);
      // The window of one figure stops at its neighbours: 不含税 before the second figure is not the first's.
      const prevEnd = i > 0 ? mentions[i - 1]!.index + mentions[i - 1]!.text.length : 0;
      const nextStart = i + 1 < mentions.length ? mentions[i + 1]!.index : text.length;
      // A figure that opens its clause takes its label from the clause before, when that one has no figure of
      // its own (税额 | 520,000元; 价税合计 | 5,650,000元).
      const label = i === 0 && text.slice(0, m.index).trim() === '' ? labelBefore(clauses, clause) : '';
      const ownBefore = label + text.slice(Math.max(prevEnd, m.index - 10), m.index);
      const ownAfter = text.slice(end, Math.min(nextStart, end + 8));
      let role: MoneyRole = 'stated';
      if (TAX_LINE.test(ownBefore)) role = 'tax';
      else if (NEGATED_BEFORE.test(before) || WITHDRAWN_AFTER.test(ownAfter)) role = 'negated';
      else if (THRESHOLD_BEFORE.test(before) || THRESHOLD_AFTER.test(after)) role = 'threshold';
      else if (
        RECEIVED_BEFORE.test(before) &&
        (BENEFIT_CLAUSE.test(text) ||
          ALREADY_BEFORE.test(before) ||
          // Of the company's own (区里给了10万、运营单位拿了20万), not another's (隔壁拿了200万 stays a claim).
          (!clause.otherParty && (GIVER_BEFORE.test(before) || !PURCHASE_AFTER.test(ownAfter)))) &&
        !clause.hearsay &&
        !clause.question
      )
        role = 'received';
      else if (BENEFIT_AFTER.test(after) || BENEFIT_BEFORE.test(before)) role = 'benefit';
      else if (
        CHANGED_BEFORE.test(before) &&
        (BENEFIT_CLAUSE.test(text) || /上限|封顶|额度|标准|\bcap\b|\blimit\b/.test(text) || clause.hearsay)
      )
        role = 'benefit';
      else if (RESULT_OF_BENEFIT_BEFORE.test(before) && BENEFIT_CLAUSE.test(text)) role = 'benefit';
      else if (GUESS_BEFORE.test(ownBefore) && GUESS_AFTER.test(ownAfter)) role = 'benefit';
      else if (COMPUTED_BEFORE.test(ownBefore)) role = 'benefit';
      // "如果改成2600万呢": a case posed with a changed figure of the company's, not a changed award.
      if (role === 'benefit' && clause.hypothetical && !BENEFIT_CLAUSE.test(text) && CHANGED_TO.test(before)) role = 'stated';
      const read: ReadMoney = {
        ...m,
        clause: clause.index,
        role,
        // 价税合计 names a tax basis, not a total of several items.
        total: lang.total.test(ownBefore.replace(/价税合计/g, '')),
        anaphoric: ANAPHORA_BEFORE.test(before),
      };
      // English words are longer: "including 13% VAT" after the figure is still its basis.
      const basisAfter = /^\s?[a-z]/i.test(ownAfter) ? text.slice(end, Math.min(nextStart, end + 48)) : ownAfter;
      const basis = basisNear(ownBefore, basisAfter);
      if (basis) read.basis = basis;
      else if (role === 'stated' && INVOICE_FIGURE_BEFORE.test(label + text.slice(Math.max(prevEnd, m.index - 12), m.index)))
        read.invoiceBasisUnclear = true;
      if (!m.approximate && lang.approximate.test(ownBefore.slice(-4))) read.approximate = true;
      // 一千万出头、五百万左右: the word after the figure makes it rough too.
      if (!m.approximate && ROUGH_AFTER.test(ownAfter)) read.approximate = true;
      out.push(read);
    });
  }
  unitPriceTimesCount(out, clauses);
  // A figure said again that was a claim where first said (能拿600万 … 是600万吗) is that claim again.
  for (const m of out) {
    if (m.role === 'stated' && out.some((o) => o !== m && o.role === 'benefit' && o.yuan === m.yuan)) m.role = 'benefit';
  }
  // The user working out a claimed rate (是不是每个补八千，六个就是四万八): the result of a claim is a claim.
  for (const m of out) {
    if (m.role !== 'stated') continue;
    const clause = clauseAt(clauses, m.clause);
    if (!RESULT_BEFORE.test(clause.text.slice(Math.max(0, m.index - 8), m.index))) continue;
    // After a claimed figure, or a question or hearsay about what is paid (是不是每个补八千) in the same sentence.
    const claimBefore =
      out.some((o) => o.role === 'benefit' && o.clause <= m.clause && clauseAt(clauses, o.clause).sentence === clause.sentence) ||
      clauses.some(
        (c) =>
          c.index < m.clause &&
          c.index >= m.clause - 2 &&
          c.sentence === clause.sentence &&
          (c.question || c.hearsay) &&
          BENEFIT_CLAUSE.test(c.text),
      );
    if (claimBefore) m.role = 'benefit';
  }
  const taxes = out.filter((m) => m.role === 'tax');
  // Invoice arithmetic: a figure that is another plus a tax line is their tax-inclusive total (金额 + 税额 =
  // 价税合计; 借 设备 640万 + 进项税 83.2万 = 贷 银行存款 723.2万), never a second item to add.
  for (const tax of taxes) {
    for (const a of out) {
      const totals = out.filter((o) => o !== a && o.role === 'stated' && a.role === 'stated' && o.yuan === a.yuan + tax.yuan);
      for (const b of totals) {
        b.basis = 'including-tax';
        delete b.invoiceBasisUnclear;
        a.basis ??= 'excluding-tax';
        delete a.invoiceBasisUnclear;
      }
    }
  }
  if (taxes.length > 0) {
    for (const m of out) {
      if (m.role !== 'stated' || m.basis) continue;
      const clause = clauseAt(clauses, m.clause);
      const before = (m.index === 0 ? labelBefore(clauses, clause) : '') + clause.text.slice(Math.max(0, m.index - 8), m.index);
      if (INVOICE_AMOUNT.test(before)) m.basis = 'excluding-tax';
    }
  }
  // A clause that only names the basis ("不含税的") qualifies the figure of the clause before it.
  for (const clause of clauses) {
    const basis = basisNear(clause.text, '');
    if (!basis || findMoneyMentions(clause.text).length > 0) continue;
    const previous = out.filter((m) => m.clause < clause.index && m.clause >= clause.index - 2 && m.basis === undefined).at(-1);
    const next = out.find((m) => m.clause > clause.index && m.clause <= clause.index + 2 && m.basis === undefined);
    const target = next ?? previous;
    if (target) target.basis = basis;
  }
  // A basis named before a list of figures holds for the whole list (价税合计分别为113万、56.5万、33.9万).
  for (let i = 1; i < out.length; i++) {
    const [previous, m] = [out[i - 1]!, out[i]!];
    if (m.basis || !previous.basis || previous.clause !== m.clause || previous.role !== m.role) continue;
    const between = clauseAt(clauses, m.clause).text.slice(previous.index + previous.text.length, m.index);
    if (LIST_SEPARATOR.test(between)) m.basis = previous.basis;
  }
  for (const m of out) if (m.basis) delete m.invoiceBasisUnclear;
  return out;
}

/** Measure words of things bought or booked one by one (台 machines, 套 systems, 个 booths, 件, 张, 辆 …). */
const MEASURES = ['台', '套', '个', '件', '张', '部', '辆', '只', '款', '批', '项'];
// 每台50万、每个摊位费1.2万、单价80万 (一台150万 is an item of a list, not a price per unit): a price per unit, its measure word named or (单价) implied.
const PER_UNIT_BEFORE = new RegExp(`(?:每|单)(${MEASURES.join('|')})[^\\d，。；]{0,6}$|(单价)[^\\d，。；]{0,4}$`);

/**
 * A unit price with the number of units in its sentence (买了4台机床，每台50万; 订了3个摊位，每个摊位1.2万) is the
 * price of them all: the figure becomes their product, with the count kept for the answer to show. Only when the
 * sentence gives one count of that measure (for 单价, of any): two different counts leave the figure as it is.
 */
function unitPriceTimesCount(out: ReadMoney[], clauses: readonly MessageClause[]): void {
  for (const m of out) {
    if (m.role !== 'stated') continue;
    const clause = clauseAt(clauses, m.clause);
    const per = PER_UNIT_BEFORE.exec(clause.text.slice(Math.max(0, m.index - 10), m.index));
    if (!per) continue;
    const measures = per[1] ? [per[1]] : MEASURES;
    const sentence = clauses.filter((c) => c.sentence === clause.sentence);
    const counts = sentence.flatMap((c) =>
      findCounts(c.text, measures).filter(
        (n) => n.value > 1 && !out.some((o) => o.clause === c.index && n.start < o.index + o.text.length && o.index < n.end),
      ),
    );
    const values = [...new Set(counts.map((n) => n.value))];
    if (values.length !== 1) continue;
    const measure = measures.find((u) => counts[0]!.text.endsWith(u)) ?? measures[0]!;
    m.units = { count: values[0]!, measure, unitYuan: m.yuan };
    m.yuan *= values[0]!;
  }
}

/** Grouped digits with no unit (1,500,000) that an amount label or a tax basis introduces: a figure off an invoice or a table. */
const GROUPED_FIGURE = /(?<![\d.,])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d万元亿wkWK])/g;
// Grouped with two decimals (6,400,000.00): written as money in ledgers and vouchers, whatever its label.
const LEDGER_FIGURE = /^\d{1,3}(?:,\d{3})+\.\d{2}$/;
const AMOUNT_LABEL = /(?:不含税|含税|未税|税后|税前|价税合计|税额|金额|总额|合计|小计|总价|单价|投资|投入|费用|价款|价格)[^\d]{0,4}$/;

function labelledFigures(text: string, clauses: readonly MessageClause[], clause: MessageClause): MoneyMention[] {
  const out: MoneyMention[] = [];
  for (const m of text.matchAll(GROUPED_FIGURE)) {
    const before = text.slice(Math.max(0, m.index - 8), m.index) || labelBefore(clauses, clause);
    if (!AMOUNT_LABEL.test(before) && !LEDGER_FIGURE.test(m[0])) continue;
    const yuan = parseMoney(m[0]);
    if (yuan !== null) out.push({ text: m[0], index: m.index, yuan });
  }
  return out;
}

/** The text of the clause just before `clause` in its sentence, when it holds no figure: a label such as 税额. */
function labelBefore(clauses: readonly MessageClause[], clause: MessageClause): string {
  const previous = clauses[clause.index - 1];
  if (!previous || previous.sentence !== clause.sentence || findMoneyMentions(previous.text).length > 0) return '';
  return previous.text.slice(-10);
}

/** The tax basis named nearest to a figure: the closest of the words before it and right after it. */
function basisNear(before: string, after: string): TaxBasis | undefined {
  // Where the last marker ends: the distance to the figure is counted from there.
  const lastEnd = (re: RegExp, text: string): number => {
    let at = -1;
    for (const m of text.matchAll(new RegExp(re.source, 'g'))) at = m.index + m[0].length;
    return at;
  };
  const ex = lastEnd(EXCLUDING, before);
  const inc = lastEnd(INCLUDING, before);
  const beforeBasis: { basis: TaxBasis; distance: number } | undefined =
    ex < 0 && inc < 0
      ? undefined
      : ex >= inc
        ? { basis: 'excluding-tax', distance: before.length - ex }
        : { basis: 'including-tax', distance: before.length - inc };
  const exAfter = after.search(EXCLUDING);
  const incAfter = after.search(INCLUDING);
  const afterBasis: { basis: TaxBasis; distance: number } | undefined =
    exAfter < 0 && incAfter < 0
      ? undefined
      : exAfter >= 0 && (incAfter < 0 || exAfter <= incAfter)
        ? { basis: 'excluding-tax', distance: exAfter }
        : { basis: 'including-tax', distance: incAfter };
  if (beforeBasis && afterBasis) return beforeBasis.distance <= afterBasis.distance + 2 ? beforeBasis.basis : afterBasis.basis;
  return (beforeBasis ?? afterBasis)?.basis;
}

/** Percentages a message attributes to the policy (按20%补, 补一半): claims to check against the clause. */
export function readPercentClaims(clauses: readonly MessageClause[]): number[] {
  const out: number[] = [];
  for (const clause of clauses) {
    // A rate of the company (出租率85%、增速20%) is a fact about it, not a claim about the policy's rate.
    if (!clause.hearsay && !BENEFIT_CLAUSE.test(clause.text) && !/比例|按/.test(clause.text)) continue;
    for (const m of clause.text.matchAll(/(\d+(?:\.\d+)?)\s?%|百分之([一二三四五六七八九十]+)/g)) {
      const value = m[1] !== undefined ? Number(m[1]) : chinesePercent(m[2]!);
      if (value !== undefined) out.push(value);
    }
    if (/补一半|一半/.test(clause.text)) out.push(50);
  }
  return out;
}

function chinesePercent(text: string): number | undefined {
  const digits = '零一二三四五六七八九';
  if (text === '十') return 10;
  const m = /^([一二三四五六七八九])?十([一二三四五六七八九])?$/.exec(text);
  if (m) return (m[1] ? digits.indexOf(m[1]) : 1) * 10 + (m[2] ? digits.indexOf(m[2]) : 0);
  const single = digits.indexOf(text);
  return single > 0 ? single : undefined;
}
