/**
 * Masks personal data users type into questions before the question reaches an info-level log line:
 * mobile and landline numbers, ID card numbers, e-mail addresses, and person names introduced the way
 * people introduce them (我叫张三, 联系人李四, 王经理). The Q&A log keeps the question as asked; logs don't.
 */
const PATTERNS: [RegExp, (match: string, ...groups: string[]) => string][] = [
  [/\b\d{17}[\dXx]\b/g, () => '[身份证号]'],
  [/(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)/g, () => '[手机号]'],
  [/(?<![\d-])0\d{2,3}[- ]?\d{7,8}(?!\d)/g, () => '[电话]'],
  [/[\w.+-]+@[\w-]+\.[\w.]+/g, () => '[邮箱]'],
  // A surname with a title (王经理) identifies no one; a full name after 我叫 / 联系人 does.
  [
    /(我叫|本人|联系人[:：]?|姓名[:：]?)([\u4e00-\u9fff])(?!经理|总|主任|局长|先生|女士|老师)([\u4e00-\u9fff]{1,2})(?=[，。,.！!？?\s]|先生|女士|经理|$)/g,
    (_m, lead: string, surname: string) => `${lead}${surname}*`,
  ],
];

export function maskPersonalData(text: string): string {
  let out = text;
  for (const [pattern, replace] of PATTERNS) out = out.replace(pattern, replace as (substring: string, ...args: string[]) => string);
  return out;
}
