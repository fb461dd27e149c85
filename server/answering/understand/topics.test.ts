import { readingContextOf } from './reading-context.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openKnowledgeBase } from '../../../knowledge/knowledge-base.js';
import { readFacts } from './read-facts.js';
import { findTopics, hintedTopics } from './topics.js';
import { readText, type ReadingContext } from './understand.js';

/** The reading context the advisor builds, over the Zhengzhou base. */
let ctx: ReadingContext;
beforeAll(async () => {
  const knowledge = await openKnowledgeBase({ distDir: mkdtempSync(path.join(tmpdir(), 'topics-kb-')) });
  ctx = readingContextOf(knowledge);
});

/** The awards a message is about, by topic id, with the facts it states (as readTurn does). */
function topicsOf(message: string): string[] {
  const reading = readText(message, ctx);
  const facts = readFacts(reading.clauses, reading.money, ctx.terms, ctx.lang, { asOf: '2026-06-01' });
  return findTopics(reading.clauses, ctx.terms, facts.stated).map((t) => t.topic.id);
}
function hintsOf(message: string): string[] {
  return hintedTopics(readText(message, ctx).clauses, ctx.terms).map((t) => t.topic.id);
}

describe('class 2 — "how much" without personal facts: the award a question names is found from its words alone', () => {
  it.each([
    ['设备补助最高多少', ['equipment']],
    ['买设备市里最多补多少钱', ['equipment']],
    ['新认定小巨人奖励多少', ['recognition']],
    ['评上省级专精特新有一次性奖励吗', ['recognition']],
    ['创客中国二等奖给多少钱', ['contest']],
    ['创客大赛一二三等奖各奖多少', ['contest']],
    ['特色产业集群能奖多少', ['cluster']],
    ['What is the maximum equipment subsidy?', ['equipment']],
    ['How much is the one-off award for a newly recognised little giant?', ['recognition']],
    ['新認定國家級小巨人獎勵多少', ['recognition']],
    ['新上了一条生产线，能不能拿点补助', ['equipment']],
  ])('%s → %j', (message, topics) => {
    expect(topicsOf(message)).toEqual(topics);
  });
});

describe('class 8 — overview questions: a message about several awards names each of them', () => {
  it.each([
    ['我们今年新认定为小巨人，设备投了800万，还拿了创客中国三等奖', ['equipment', 'contest', 'recognition']],
    ['小巨人买设备能补多少，新认定又能奖多少', ['equipment', 'recognition']],
    ['我们集群被认定为省级特色产业集群，创客大赛也拿了一等奖', ['contest', 'cluster']],
  ])('%s → %j', (message, topics) => {
    expect(topicsOf(message)).toEqual(topics);
  });

  it.each(['我们能申请哪些补贴', '这个方案里有哪些奖励', '有啥钱可以领'])('a plain overview question “%s” names no award', (message) => {
    expect(topicsOf(message)).toEqual([]);
  });
});

describe('class 9 — facts taken wrongly: a stated fact points to the award that reads it', () => {
  it.each([
    // An investment is read only by the equipment subsidy, with no equipment word needed in the clause.
    ['不含税投了450万', ['equipment']],
    ['省里的补贴没拿过', ['equipment']],
    ['我们是牵头申报单位', ['cluster']],
    ['我们拿了二等奖', ['contest']],
  ])('%s → %j', (message, topics) => {
    expect(topicsOf(message)).toEqual(topics);
  });

  it.each([
    // A status alone is read by several awards: it names none of them.
    ['我们是省级专精特新', []],
    ['我们是小巨人', []],
  ])('%s → %j', (message, topics) => {
    expect(topicsOf(message)).toEqual(topics);
  });

  it('another speaker’s lines in a pasted chat point to nothing', () => {
    expect(topicsOf('张三：我们设备投了1200万\n李四：你好\n（我是李四）在吗')).toEqual([]);
  });
});

describe('class 4 — a rumour stated as fact: a rumour about an award is still about that award', () => {
  it.each([
    ['听说现在新认定小巨人奖300万了', ['recognition']],
    ['网上说设备补贴比例提到了20%', ['equipment']],
    ['群里说创客中国一等奖奖金提高到了10万', ['contest']],
    ['据说集群奖励国家级给了200万，真的假的', ['cluster']],
  ])('%s → %j', (message, topics) => {
    expect(topicsOf(message)).toEqual(topics);
  });
});

describe('class 6 — everyday words: a word that may mean several awards is only a hint', () => {
  it.each([
    ['我们刚被认定了，能奖多少', ['recognition', 'cluster']],
    ['We were newly recognised this year', ['recognition', 'cluster']],
  ])('%s hints at %j', (message, topics) => {
    expect(topicsOf(message)).toEqual([]);
    expect(hintsOf(message)).toEqual(topics);
  });

  it.each(['明天郑州天气怎么样', '我想注册一家公司', '帮我写一个Python爬虫'])('“%s” names and hints at no award', (message) => {
    expect(topicsOf(message)).toEqual([]);
    expect(hintsOf(message)).toEqual([]);
  });
});
