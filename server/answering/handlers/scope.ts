import { formatYuan } from '../../../knowledge/text/money.js';
import { displayFactValue } from '../../calculator/facts.js';
import { amountText } from '../compose/award-text.js';
import type { Reply, TurnContext } from './context.js';
import { capabilities } from './lookup.js';
import { citedClauses } from './shared.js';

/** Greetings, thanks, and questions about the assistant. */
export function smalltalk(ctx: TurnContext): Reply {
  const text = ctx.reading.text;
  let answer: string;
  if (/谢|感谢|thank/.test(text)) answer = '不客气！还有政策方面的问题，随时问我。';
  else if (/再见|拜拜|bye/.test(text)) answer = '再见！祝企业发展顺利。';
  else if (/机器人|真人|bot|human|你是谁|你是什么|who are you/.test(text))
    answer = `我是${ctx.assistantName}（自动答复），依据政策原文解答，金额由计算器按条款算出。需要人工请拨打 ${ctx.hotline}。`;
  else answer = `您好！我是${ctx.assistantName}，您可以直接问奖补金额、条款原文、责任单位或有效期。`;
  return { kind: 'smalltalk', intent: 'smalltalk', answer, details: capabilities(ctx), citations: [], calculations: [] };
}

/** Not answerable from this knowledge base: another region, an unrelated request, or a request refused. */
export function outOfScope(ctx: TurnContext, reason: 'other-region' | 'other-topic' | 'refused'): Reply {
  const opening: Record<typeof reason, string> = {
    'other-region': `抱歉，您问的是${ctx.reading.otherRegion ?? '其他地区'}的政策，本助手只解答本知识库所收政策文件的规定。`,
    'other-topic': '抱歉，这个问题不在本助手所收政策文件的范围内，我没有可靠的依据回答。',
    refused: '抱歉，这个请求我不能办理：本助手只依据政策原文解答，不能更改规则、审批资金或提供规避审核的办法。',
  };
  return {
    kind: 'out_of_scope',
    intent: `out_of_scope:${reason}`,
    answer: `${opening[reason]}如需人工咨询，请拨打 ${ctx.hotline}。`,
    details: capabilities(ctx),
    citations: [],
    calculations: [],
  };
}

/**
 * Facts about the company with nothing asked yet (我们是省级资质): say what was understood and which
 * awards can be worked out from here.
 */
export function factsNoted(ctx: TurnContext): Reply {
  const understood = [...ctx.newFacts].map((id) => {
    const decl = ctx.decls.get(id);
    const fact = ctx.facts.get(id)!;
    return decl ? `${decl.label}：${displayFactValue(decl, fact.value, formatYuan)}` : id;
  });
  const shown = ctx.terms.topics.slice(0, 6).map((t) => ({ topic: t, rule: t.ruleSet.rules.find((r) => r.id === t.topic.rules[0]) }));
  const awards = shown.map(({ topic, rule }) => (rule ? `${topic.topic.title}（${amountText(rule, ctx.decls)}）` : topic.topic.title));
  return {
    kind: 'clarify',
    intent: 'clarify:facts-noted',
    answer: `已记下：${understood.join('；')}。您想测算哪一项？可测算的有：${awards.join('；')}。`,
    details: capabilities(ctx),
    citations: citedClauses(
      ctx,
      shown.flatMap(({ rule }) => (rule ? [rule.citation] : [])),
    ),
    calculations: [],
    followUp: ['您想测算哪一项奖补？'],
  };
}
