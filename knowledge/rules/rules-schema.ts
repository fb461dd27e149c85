import { z } from 'zod';
import { frameProblem } from './frames.js';

/**
 * The rule language: one YAML file per policy under knowledge/rules/, validated with these schemas.
 * Every constant lives here as data so that it can be checked against the clause it cites; no award needs code.
 *
 * Money is integer yuan and percentages are integer percent: money math never touches floats.
 */

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, 'not a real calendar date');

const identifier = z.string().regex(/^[a-z][A-Za-z0-9]*$/, 'expected a camelCase identifier such as investmentYuan');
const slug = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'expected a lowercase id such as item-19');
const chinese = z.string().trim().min(1, 'must not be empty');
const yuan = z.int().min(0, 'an amount in yuan must be ≥ 0');

export const ValidityWindowSchema = z
  .strictObject({ from: isoDate, to: isoDate })
  .refine((w) => w.from <= w.to, { message: '`from` must not be after `to`' });
export type RuleValidity = z.infer<typeof ValidityWindowSchema>;

export const CitationSchema = z.strictObject({ docId: slug, clauseId: slug });
export type Citation = z.infer<typeof CitationSchema>;

/** `date`: a calendar day (YYYY-MM-DD), for rules whose amount depends on when something happened. */
export const FactTypeSchema = z.enum(['enum', 'boolean', 'money', 'year', 'integer', 'date']);
export type FactType = z.infer<typeof FactTypeSchema>;

/**
 * A way people say something, as groups of alternatives that must all occur in one clause
 * (`省里|省财政 + 补贴|补助`): see frames.ts.
 */
export const FrameSchema = z
  .string()
  .trim()
  .min(1)
  .superRefine((s, ctx) => {
    const problem = frameProblem(s);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
const frames = z.array(FrameSchema).min(1);

export const FactOptionSchema = z.strictObject({
  value: identifier,
  label: chinese,
  /** Short replies that mean this option when the advisor has just asked for the fact (国家级, 小巨人). */
  aliases: z.array(chinese).optional(),
  /** How a message states this option by itself, anywhere in a clause (小巨人, 国家级 + 专精特新). */
  says: frames.optional(),
});
export type FactOption = z.infer<typeof FactOptionSchema>;

export const FactDeclarationSchema = z.strictObject({
  id: identifier,
  type: FactTypeSchema,
  /** Short Chinese name shown in forms and conditions. */
  label: chinese,
  /** The question to ask a user who has not given this fact yet. */
  question: chinese,
  /** Longer explanation for forms. */
  help: chinese.optional(),
  /** integer: what is counted (件、项、个月), shown after the number. */
  unit: chinese.optional(),
  /** Allowed values; required for `enum`, not allowed otherwise. */
  options: z.array(FactOptionSchema).min(1).optional(),
  /**
   * How people state the fact in a message. `boolean`: frames that state it holds (`yes`) or not (`no`);
   * a negated `yes` frame states `no`. `money`, `integer`, `year`: frames that mark a figure or a year in
   * the same clause as this fact (设备|软件|投资; 新认定|评上 + 小巨人). Enum facts use their options' `says`.
   */
  says: z.union([frames, z.strictObject({ yes: frames.optional(), no: frames.optional() })]).optional(),
  /** money, integer: a figure whose clause says one of these is not this fact (原材料, 厂房装修). */
  excludes: frames.optional(),
  /**
   * money: the tax basis the clause names. A figure stated on the other basis (含税/价税合计 against 税后)
   * is never used as this fact: the advisor says so and asks for the right one.
   */
  taxBasis: z.enum(['excluding-tax', 'including-tax']).optional(),
  /**
   * The usual case, assumed when the user has not said otherwise; `assumption` is printed with every answer
   * that relies on it and invites a correction.
   */
  default: z
    .strictObject({
      value: z.union([z.string(), z.boolean(), z.int()]),
      assumption: chinese,
      /** The assumption in a few words, for the first lines of an answer (资质在有效期内). */
      short: chinese,
    })
    .optional(),
  /** enum: the options are listed lowest to highest, and a company that names several holds the highest. */
  ranked: z.boolean().optional(),
  /**
   * year: the status this is the year of (level = national). With `events`, a clause that says an event
   * happened (新认定了), a year, and that status — by its own words or its short names (国家级) — states this
   * fact: "2026年新认定了省级和国家级".
   */
  about: z.strictObject({ fact: identifier, value: identifier }).optional(),
  /** year: words of the event whose year this is (新认定|评上|入选). */
  events: frames.optional(),
});
export type FactDeclaration = z.infer<typeof FactDeclarationSchema>;

/** What a condition is for, so the console can group them; does not change evaluation. */
const conditionRole = z.enum(['eligibility', 'threshold', 'non-duplication', 'validity']);

const conditionBase = {
  fact: identifier,
  /** What is checked, in Chinese, as a user should read it. */
  description: chinese,
  role: conditionRole.optional(),
  /** Why the award is not available when this condition fails (Chinese). Defaults to 不满足：{description}. */
  failReason: chinese.optional(),
  /** Added to the assumptions whenever this condition is checked with a known value. */
  note: chinese.optional(),
};

/** A constant to compare with: an integer (yuan, a count, a year, a percentage) or a day (date facts). */
const comparisonBase = { value: z.union([z.int(), isoDate]), boundaryAssumption: chinese.optional(), ...conditionBase };

export const ConditionSchema = z.discriminatedUnion('op', [
  /** The fact's value is one of `values` (enum option values, or booleans). */
  z.strictObject({ op: z.literal('in'), values: z.array(z.union([z.string(), z.boolean()])).min(1), ...conditionBase }),
  z.strictObject({ op: z.literal('equals'), value: z.union([z.string(), z.boolean(), z.int()]), ...conditionBase }),
  /**
   * Numeric comparison against a constant from the clause text. `boundaryAssumption` is reported when the
   * fact equals the constant exactly, since that is where wording such as 超 / 以上 is ambiguous.
   */
  z.strictObject({ op: z.literal('gt'), ...comparisonBase }),
  z.strictObject({ op: z.literal('gte'), ...comparisonBase }),
  z.strictObject({ op: z.literal('lt'), ...comparisonBase }),
  z.strictObject({ op: z.literal('lte'), ...comparisonBase }),
  /** A year fact lies within the years of the policy's validity and is not after the evaluation date. */
  z.strictObject({ op: z.literal('yearWithinValidity'), ...conditionBase }),
]);
export type Condition = z.infer<typeof ConditionSchema>;
export type ComparisonOp = 'gt' | 'gte' | 'lt' | 'lte';

/**
 * One band of a figure (an investment, a revenue): from `from` (inclusive unless `fromExclusive`) up to `to`
 * (exclusive unless `toInclusive`; open above when absent), as the policy defines its 以上 / 以下. A band
 * pays a percentage of the figure or a fixed amount.
 */
export const BandSchema = z
  .strictObject({
    from: z.int().min(0),
    fromExclusive: z.boolean().optional(),
    to: z.int().min(0).optional(),
    toInclusive: z.boolean().optional(),
    percent: z.int().min(1).max(100).optional(),
    yuan: yuan.optional(),
  })
  .refine((b) => (b.percent === undefined) !== (b.yuan === undefined), 'a band pays either `percent` or `yuan`')
  .refine((b) => b.to === undefined || b.to > b.from, '`to` must be above `from`');
export type Band = z.infer<typeof BandSchema>;

/** Percentage points added when a fact holds (再提高2个百分点); several stack. */
export const BonusPointsSchema = z
  .strictObject({
    fact: identifier,
    /** Points when the fact equals this value (a boolean true, an enum option). */
    value: z.union([z.string(), z.boolean()]).optional(),
    points: z.int().min(1).max(100).optional(),
    /** Points by an enum fact's option (国家级 3、省级 2、市级 1). */
    table: z.record(identifier, z.int().min(1).max(100)).optional(),
    description: chinese,
  })
  .refine((b) => (b.points === undefined) !== (b.table === undefined), 'a bonus has either `points` (with `value`) or a `table`');
export type BonusPoints = z.infer<typeof BonusPointsSchema>;

/** Yuan per unit by the date of a date fact: the first range that holds it (授权日在2019年4月30日前（含）…). */
export const DateRateSchema = z.strictObject({
  fact: identifier,
  ranges: z
    .array(z.strictObject({ onOrBefore: isoDate.optional(), after: isoDate.optional(), yuan }))
    .min(2)
    .refine((r) => r.every((x) => (x.onOrBefore === undefined) !== (x.after === undefined)), 'each range has `onOrBefore` or `after`'),
});

export const AmountSchema = z.discriminatedUnion('kind', [
  /**
   * The band a figure falls in decides its percentage (5%、6%、7%、8%) or fixed amount (5万、10万…); `rateBy`
   * replaces the band's percentage for special cases (进口设备 10%); `bonusPoints` add to it and stack;
   * `capYuan` limits the result. Percentages round down to whole yuan.
   */
  z.strictObject({
    kind: z.literal('bands'),
    fact: identifier,
    bands: z.array(BandSchema).min(1),
    rateBy: z.strictObject({ fact: identifier, rates: z.record(identifier, z.int().min(1).max(100)) }).optional(),
    bonusPoints: z.array(BonusPointsSchema).optional(),
    capYuan: yuan.optional(),
  }),
  /**
   * An amount per unit: per item of a count fact (每件1万元), or per `unitYuan` of a money fact (每实现2000万元
   * 奖2万元, whole units only); `yuan` fixed, `byDate`, or `shareOf` a money fact spread over the units (展位费
   * 80%: the fee of all units × 80% ÷ their number); at most `unitCapBy` an enum fact's amount per unit (赴区外、
   * 市外、省外、境外每个展位不超过5000、8000、12000、15000元); for at most `maxUnits` units (最多奖励4个标准展位);
   * never above the actual price per unit (`actualRate`); multiplied by the `times` facts (months); at most
   * `capYuan` (年补助金额不超过20万元).
   */
  z.strictObject({
    kind: z.literal('perUnit'),
    fact: identifier,
    unitYuan: yuan.min(1).optional(),
    yuan: yuan.optional(),
    byDate: DateRateSchema.optional(),
    shareOf: z.strictObject({ fact: identifier, percent: z.int().min(1).max(100) }).optional(),
    unitCapBy: z.strictObject({ fact: identifier, table: z.record(identifier, yuan) }).optional(),
    maxUnits: z.int().min(1).optional(),
    /**
     * A money fact: the actual price of one unit (租金每月每平方米16元). The rate paid is the lower of the standard
     * and it (最高20元/平方米•月，但不超过实际租赁成本); unknown, the standard is paid as the upper bound.
     */
    actualRate: identifier.optional(),
    times: z.array(identifier).optional(),
    capYuan: yuan.optional(),
  }),
  /**
   * Awards at each stage of a process, added up to the stage reached (辅导验收 100万、受理 100万、过会 200万、
   * 上市 100万): `stages` in order, the enum fact's value the furthest stage.
   */
  z.strictObject({
    kind: z.literal('staged'),
    fact: identifier,
    stages: z.array(z.strictObject({ value: identifier, yuan })).min(2),
  }),
  /** A fixed award (the policy's 不超过 upper bound). */
  z.strictObject({ kind: z.literal('fixed'), yuan, label: chinese.optional() }),
  /**
   * `percent` (integer) of a money fact, at most `capYuan`. Rounded down to whole yuan:
   * floor(base × percent / 100), never above what the policy allows.
   */
  z.strictObject({
    kind: z.literal('percentOf'),
    fact: identifier,
    percent: z.int().min(1).max(100),
    capYuan: yuan.optional(),
    rounding: z.literal('floor').default('floor'),
  }),
  /** An amount looked up by an enum fact's value (prize tiers, cluster levels). */
  z.strictObject({
    kind: z.literal('byFact'),
    fact: identifier,
    table: z.record(
      identifier,
      z.strictObject({
        yuan,
        /** How many such awards the clause grants (一等奖2名): informational, checked against the clause text. */
        places: z.int().min(1).optional(),
      }),
    ),
  }),
]);
export type Amount = z.infer<typeof AmountSchema>;

export const ExclusivitySchema = z.strictObject({
  /**
   * Rules sharing a group compete. `highest`: only the highest amount counts (从高、不重复 / 执行最高额、不重复
   * 享受), within one year when `yearFact` is given. `chooseOne`: the company chooses one of them (择一享受);
   * the calculator counts the higher and says the choice is the company's.
   */
  group: slug,
  principle: z.enum(['highest', 'chooseOne']),
  /** The year fact that places this award in a year; awards of the group in different years all count. */
  yearFact: identifier.optional(),
  description: chinese,
});
export type Exclusivity = z.infer<typeof ExclusivitySchema>;

export const RuleSchema = z.strictObject({
  id: slug,
  title: chinese,
  /** One line a caller hears in an overview: who qualifies, in the policy's words (defaults to the first eligibility condition). */
  summary: chinese.optional(),
  citation: CitationSchema,
  /** The words of the clause this rule implements, verbatim (normalised), checked against the cited clause. */
  quote: chinese,
  /**
   * What must hold besides the amount's own figures. May be empty when the amount decides by itself (a
   * band or stage table pays nothing below its first entry).
   */
  conditions: z.array(ConditionSchema),
  amount: AmountSchema,
  /** Always reported with the result: readings of the clause the calculation relies on. */
  assumptions: z.array(chinese).default([]),
  exclusivity: ExclusivitySchema.optional(),
  /** Overrides the rule set's validity for this rule. */
  validity: ValidityWindowSchema.optional(),
});
export type Rule = z.infer<typeof RuleSchema>;

export const TopicSchema = z.strictObject({
  id: slug,
  /** How the answer names the topic (设备、软件投资补助). */
  title: chinese,
  rules: z.array(slug).min(1),
  /** Words people use for it, as frames; any one in a question points to the topic. */
  says: frames,
  /**
   * Words that may mean this topic or another (认定了 may be a status or a cluster). When a question has
   * only hints, and they fit several topics, the advisor asks which one is meant.
   */
  hints: frames.optional(),
});
export type Topic = z.infer<typeof TopicSchema>;

export const RuleSetSchema = z.strictObject({
  version: z.literal(1),
  /** Policy id, also the file name. */
  id: slug,
  docId: slug,
  title: chinese,
  issuer: chinese,
  validity: ValidityWindowSchema,
  applicationWindow: ValidityWindowSchema.optional(),
  /** Readings that hold for every rule of the policy (e.g. amounts are the 不超过 upper bound). */
  assumptions: z.array(chinese).default([]),
  /**
   * The policy pays only the difference when an award (a recognition) is raised to a higher grade (同一奖项（认定）
   * 在低等次晋升到高等次时，只奖励差额部分), in its own words: what the company says it received for an award of
   * this policy is taken off that award's amount.
   */
  upgradeDifference: chinese.optional(),
  /** In the order a conversation should ask for them. */
  facts: z.array(FactDeclarationSchema).min(1),
  rules: z.array(RuleSchema).min(1),
  /**
   * What people ask about, and the rules that answer it. Every rule belongs to at least one topic, so every
   * award is reachable from a question.
   */
  topics: z.array(TopicSchema).min(1),
});
export type RuleSet = z.infer<typeof RuleSetSchema>;
