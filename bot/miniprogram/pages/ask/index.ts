import { DISCLAIMER } from '../../config';
import { api, type Answer } from '../../utils/api';
import { formatYuan, randomId } from '../../utils/format';

interface CitationView {
  key: string;
  label: string;
  title: string;
  quote: string;
  open: boolean;
}

interface ChatItem {
  id: string;
  role: 'user' | 'advisor' | 'error';
  /** The short answer, read first. */
  text: string;
  /** Formula, conditions checked, assumptions, validity: folded under the answer until tapped. */
  details: string;
  detailsOpen: boolean;
  amounts: { key: string; title: string; amount: string }[];
  total: string;
  citations: CitationView[];
  answerId: string;
  /** '' until rated; then what the buttons area shows. */
  feedback: string;
}

/** A message that is only text: the user's question, or why no answer came. */
function plainItem(role: 'user' | 'error', text: string): ChatItem {
  return {
    id: randomId(role === 'user' ? 'q' : 'e'),
    role,
    text,
    details: '',
    detailsOpen: false,
    amounts: [],
    total: '',
    citations: [],
    answerId: '',
    feedback: '',
  };
}

const EXAMPLES = ['我们是省级专精特新，买了500万设备，市里能补多少？', '创客中国大赛获奖怎么奖励？', '第19条讲的是什么？'];

function advisorItem(answer: Answer): ChatItem {
  const eligible = answer.calculations.filter((c) => c.eligible);
  return {
    id: randomId('a'),
    role: 'advisor',
    text: answer.answer,
    details: answer.details.trim(),
    detailsOpen: false,
    amounts: eligible.map((c) => ({ key: c.ruleId, title: c.title, amount: formatYuan(c.amountYuan) })),
    // A total only says something when more than one award adds up.
    total: eligible.length > 1 && answer.totalYuan !== undefined ? formatYuan(answer.totalYuan) : '',
    citations: answer.citations.map((c) => ({
      key: `${c.docId}:${c.clauseId}`,
      label: c.label,
      title: c.title,
      quote: c.quote,
      open: false,
    })),
    answerId: answer.answerId ?? '',
    feedback: '',
  };
}

// A page built with Component() (supported by WeChat for pages) so miniprogram-simulate can render it in tests.
Component({
  data: {
    messages: [] as ChatItem[],
    input: '',
    sending: false,
    sessionId: '',
    examples: EXAMPLES,
    disclaimer: DISCLAIMER,
  },

  lifetimes: {
    attached() {
      this.setData({ sessionId: randomId('mp') });
    },
  },

  methods: {
    onInput(e: WechatMiniprogram.Input) {
      this.setData({ input: e.detail.value });
    },

    onExample(e: WechatMiniprogram.TouchEvent) {
      this.setData({ input: String(e.currentTarget.dataset.text ?? '') });
      return this.onSend();
    },

    async onSend() {
      const question = this.data.input.trim();
      if (!question || this.data.sending) return;
      const mine = plainItem('user', question);
      this.setData({ messages: [...this.data.messages, mine], input: '', sending: true });
      const result = await api.ask(question, this.data.sessionId);
      const reply: ChatItem = result.ok ? advisorItem(result.data) : plainItem('error', result.message);
      this.setData({ messages: [...this.data.messages, reply], sending: false });
    },

    onToggleDetails(e: WechatMiniprogram.TouchEvent) {
      const i = Number(e.currentTarget.dataset.i);
      const item = this.data.messages[i];
      if (!item || !item.details) return;
      this.setData({ [`messages[${i}].detailsOpen`]: !item.detailsOpen });
    },

    onToggleCitation(e: WechatMiniprogram.TouchEvent) {
      const i = Number(e.currentTarget.dataset.i);
      const j = Number(e.currentTarget.dataset.j);
      const citation = this.data.messages[i]?.citations[j];
      if (!citation) return;
      this.setData({ [`messages[${i}].citations[${j}].open`]: !citation.open });
    },

    async onFeedback(e: WechatMiniprogram.TouchEvent) {
      const i = Number(e.currentTarget.dataset.i);
      const helpful = e.currentTarget.dataset.helpful === 'yes';
      const item = this.data.messages[i];
      if (!item || !item.answerId || item.feedback) return;
      this.setData({ [`messages[${i}].feedback`]: '提交中…' });
      const result = await api.feedback(item.answerId, helpful);
      this.setData({ [`messages[${i}].feedback`]: result.ok ? '感谢您的反馈！' : '反馈没有提交成功，请稍后再试' });
    },

    onRestart() {
      this.setData({ messages: [], input: '', sessionId: randomId('mp') });
    },
  },
});
