import { DISCLAIMER } from '../../config';
import { api, type CalculateResponse, type Clause, type FactInput } from '../../utils/api';
import { formatYuan, metMark, STATUS_TEXT } from '../../utils/format';

/**
 * The calculator form, generated from GET /v1/calculator/inputs, so a new fact in the rules shows up
 * here without a release. Values are sent as typed ("500万", "5,000,000", "五百万"): the service reads
 * money the same way everywhere and names the fields it cannot read (invalidFacts), so the page holds
 * no money parser of its own that could disagree with it.
 */

interface FieldView {
  id: string;
  type: string;
  label: string;
  question: string;
  placeholder: string;
  /** For choices (enum, yes/no): what the picker shows and what is sent. */
  optionLabels: string[];
  optionValues: string[];
  index: number;
  /** For typed values (money, year). */
  value: string;
  error: string;
}

interface ResultItem {
  ruleId: string;
  title: string;
  status: string;
  eligible: boolean;
  amount: string;
  formula: string;
  conditions: { key: string; text: string; detail: string }[];
  reasons: string[];
  citationLabel: string;
  citationText: string;
  open: boolean;
}

interface ResultView {
  total: string;
  summary: string;
  items: ResultItem[];
  /** Facts that would let more awards be calculated, as one line. */
  missing: string;
}

const PICKED = ['enum', 'boolean'];

function fieldOf(input: FactInput): FieldView {
  const options =
    input.type === 'boolean'
      ? [
          { value: 'true', label: '是' },
          { value: 'false', label: '否' },
        ]
      : (input.options ?? []);
  return {
    id: input.id,
    type: PICKED.includes(input.type) ? 'choice' : input.type === 'money' ? 'money' : 'text',
    label: input.label,
    question: input.question,
    placeholder: input.type === 'money' ? '如 500万、5,000,000 或 五百万' : input.type === 'year' ? '如 2025' : '',
    optionLabels: options.map((o) => o.label),
    optionValues: options.map((o) => o.value),
    index: -1,
    value: '',
    error: '',
  };
}

/** Clause texts for citations, fetched once per document. */
const clauseCache: Record<string, Record<string, Clause>> = {};
async function clausesOf(docId: string): Promise<Record<string, Clause>> {
  const cached = clauseCache[docId];
  if (cached) return cached;
  const result = await api.policy(docId);
  const byId: Record<string, Clause> = {};
  if (result.ok) {
    for (const c of result.data.clauses) byId[c.clauseId] = c;
    clauseCache[docId] = byId;
  }
  return byId;
}

async function resultView(response: CalculateResponse): Promise<ResultView> {
  const docIds = response.results.map((r) => r.citation.docId).filter((d, i, all) => all.indexOf(d) === i);
  const clauses: Record<string, Record<string, Clause>> = {};
  for (const docId of docIds) clauses[docId] = await clausesOf(docId);
  return {
    total: formatYuan(response.totalYuan),
    summary: response.summary,
    missing: response.followUp.map((f) => f.label).join('、'),
    items: response.results.map((r) => {
      const clause = clauses[r.citation.docId]?.[r.citation.clauseId];
      return {
        ruleId: r.ruleId,
        title: r.title,
        status: STATUS_TEXT[r.status] ?? r.status,
        eligible: r.eligible,
        amount: r.eligible ? `最高 ${formatYuan(r.amountYuan)}` : '—',
        formula: r.formula,
        conditions: r.conditions.map((c, i) => ({ key: `${c.factId}-${i}`, text: `${metMark(c.met)} ${c.description}`, detail: c.detail })),
        reasons: r.reasons,
        citationLabel: clause ? `${clause.label} ${clause.heading}` : r.citation.clauseId,
        citationText: clause ? clause.text : '',
        open: false,
      };
    }),
  };
}

Component({
  data: {
    loading: true,
    loadError: '',
    fields: [] as FieldView[],
    submitting: false,
    formError: '',
    result: null as ResultView | null,
    disclaimer: DISCLAIMER,
  },

  lifetimes: {
    attached() {
      void this.loadInputs();
    },
  },

  methods: {
    async loadInputs() {
      this.setData({ loading: true, loadError: '' });
      const result = await api.calculatorInputs();
      if (result.ok) this.setData({ loading: false, fields: result.data.inputs.map(fieldOf) });
      else this.setData({ loading: false, loadError: result.message });
    },

    onPick(e: WechatMiniprogram.PickerChange) {
      const i = Number(e.currentTarget.dataset.i);
      this.setData({ [`fields[${i}].index`]: Number(e.detail.value), [`fields[${i}].error`]: '' });
    },

    onText(e: WechatMiniprogram.Input) {
      const i = Number(e.currentTarget.dataset.i);
      this.setData({ [`fields[${i}].value`]: e.detail.value, [`fields[${i}].error`]: '' });
    },

    async onSubmit() {
      if (this.data.submitting) return;
      const facts: Record<string, string | boolean> = {};
      for (const f of this.data.fields) {
        if (f.type === 'choice' && f.index >= 0) {
          const value = f.optionValues[f.index];
          if (value !== undefined) facts[f.id] = value === 'true' ? true : value === 'false' ? false : value;
        } else if (f.type !== 'choice' && f.value.trim()) {
          facts[f.id] = f.value.trim();
        }
      }
      if (Object.keys(facts).length === 0) {
        this.setData({ formError: '请至少填写一项企业情况', result: null });
        return;
      }
      this.setData({ submitting: true, formError: '' });
      const response = await api.calculate(facts);
      if (!response.ok) {
        this.setData({ submitting: false, formError: response.message, result: null });
        return;
      }
      const invalid = response.data.invalidFacts;
      if (invalid.length > 0) {
        // The service could not read these values: say so next to each field, and show no amounts.
        const update: Record<string, string> = {};
        this.data.fields.forEach((f, i) => {
          const problem = invalid.find((p) => p.factId === f.id);
          update[`fields[${i}].error`] = problem ? problem.problem : '';
        });
        this.setData({ ...update, submitting: false, formError: '请修改标红的项目后再测算', result: null });
        return;
      }
      this.setData({ submitting: false, result: await resultView(response.data) });
    },

    onToggleCitation(e: WechatMiniprogram.TouchEvent) {
      const i = Number(e.currentTarget.dataset.i);
      const item = this.data.result?.items[i];
      if (!item) return;
      this.setData({ [`result.items[${i}].open`]: !item.open });
    },

    onReset() {
      this.setData({
        fields: this.data.fields.map((f) => ({ ...f, index: -1, value: '', error: '' })),
        formError: '',
        result: null,
      });
    },
  },
});
