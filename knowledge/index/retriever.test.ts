import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openKnowledgeBase, type KnowledgeBase } from '../knowledge-base.js';
import type { Clause, DocumentMeta, PolicyDocument } from '../types.js';
import { buildBm25 } from './bm25.js';
import type { Embedder } from './embedder.js';
import {
  createRetriever,
  DEFAULT_ADAPTIVE_FUSION,
  hitConfidence,
  jurisdictionCues,
  jurisdictionOf,
  searchConfidence,
  SOFT_MATCH_MAX_CLAUSES,
  type AdaptiveFusion,
} from './retriever.js';
import { createTokenizer } from './tokenize.js';
import { buildVectorIndex } from './vector-index.js';
import { createWordVectorEmbedder, readWordVectors } from './word-vectors.js';

const open = (embedder?: Embedder) =>
  openKnowledgeBase({ distDir: mkdtempSync(path.join(tmpdir(), 'retriever-')), rebuild: 'always', ...(embedder ? { embedder } : {}) });

describe('retrieval with soft matching and adaptive fusion (the embedded default)', () => {
  let kb: KnowledgeBase;
  beforeAll(async () => {
    kb = await open();
  });

  it('ranks a question worded like its clause as before, with full confidence', async () => {
    const hits = await kb.retriever.search('创客中国大赛一等奖奖金多少', { k: 3 });
    expect(hits[0]!.clause.id).toBe('item-3');
    expect(hits[0]!.confidence).toBe(1);
    expect(searchConfidence(hits)).toBe(1);
    for (const hit of hits) expect(hit.confidence).toBeGreaterThanOrEqual(0);
  });

  it('keeps clauses a question names above everything else', async () => {
    const hits = await kb.retriever.search('第19条', { k: 3 });
    expect(hits[0]!.matchedBy.reference).toBe(true);
    expect(hits[0]!.clause.id).toBe('item-19');
  });

  it('gives an unrelated request a low confidence', async () => {
    expect(searchConfidence(await kb.retriever.search('今天股市大盘怎么走', { k: 3 }))).toBeLessThan(0.3);
    expect(searchConfidence([])).toBe(0);
  });

  it('lists where the soft and the character channels ranked a hit', async () => {
    const hits = await kb.retriever.search('公司想上市找谁辅导', { k: 3 });
    expect(hits[0]!.clause.id).toBe('item-8');
    expect(hits[0]!.matchedBy.softRank).toBeGreaterThanOrEqual(1);
    expect(hits[0]!.matchedBy.characterRank).toBeGreaterThanOrEqual(1);
  });
});

describe('clause roles: a question for a clause’s role finds it by its drafting formula', () => {
  let kb: KnowledgeBase;
  beforeAll(async () => {
    kb = await open();
  });

  // Written for this test: each shares no content word with its clause, only the role it asks for.
  it.each<[string, string, string]>([
    ['中小企业促进法当初图个啥，想解决什么', 'sme-promotion-law-2017', 'art-1'],
    ['中小企业促进法的立法初衷是什么', 'sme-promotion-law-2017', 'art-1'],
    ['促进法哪一天开始生效', 'sme-promotion-law-2017', 'art-61'],
    ['河南那个办法依据的是什么', 'henan-sme-measures-2008', 'art-1'],
  ])('%s → %s %s, ranked higher than without roles', async (question, docId, clauseId) => {
    const rankIn = (hits: { clause: { docId: string; id: string } }[]) =>
      hits.findIndex((h) => h.clause.docId === docId && h.clause.id === clauseId);
    const hits = await kb.retriever.search(question, { k: 5 });
    const at = rankIn(hits);
    expect(at).toBeGreaterThanOrEqual(0);
    expect(hits[at]!.matchedBy.role).toBeDefined();
    const without = rankIn(await kb.retrieverWith({ roles: false }).search(question, { k: 50 }));
    expect(without < 0 || at < without || at === 0).toBe(true);
  });

  it('leaves a question that asks for no role as it was', async () => {
    const question = '创客中国大赛一等奖奖金多少';
    const withRoles = (await kb.retriever.search(question, { k: 5 })).map((h) => `${h.clause.docId}:${h.clause.id}`);
    const without = (await kb.retrieverWith({ roles: false }).search(question, { k: 5 })).map((h) => `${h.clause.docId}:${h.clause.id}`);
    expect(withRoles).toEqual(without);
  });
});

describe('without neighbour lists', () => {
  it('fuses BM25 and vectors by reciprocal rank alone, with no confidence', async () => {
    const kb = await open();
    const plain = createWordVectorEmbedder({ tokenizer: kb.tokenizer, model: readWordVectors(), neighbours: false });
    const base = await open(plain);
    const hits = await base.retriever.search('创客中国大赛一等奖奖金多少', { k: 3 });
    expect(hits[0]!.clause.id).toBe('item-3');
    expect(hits[0]!.confidence).toBeUndefined();
    expect(hits[0]!.score).toBeLessThan(1);
  });
});

describe('hitConfidence', () => {
  it('takes the stronger evidence, within 0..1', () => {
    expect(hitConfidence({ bm25Strength: 16, soft: 0.1 })).toBe(1);
    expect(hitConfidence({ bm25Strength: 0, soft: 0.4 })).toBeCloseTo(0.4, 9);
    expect(hitConfidence({ bm25Strength: 2, soft: -1 }, 8)).toBeCloseTo(0.25, 9);
    expect(SOFT_MATCH_MAX_CLAUSES).toBeGreaterThan(1_000);
  });
});

describe('jurisdictions a question points at', () => {
  it('reads the level and the place names of a jurisdiction', () => {
    expect(jurisdictionOf('郑州市')).toEqual({ level: 'city', places: ['郑州市', '郑州'] });
    expect(jurisdictionOf('河南省')).toEqual({ level: 'province', places: ['河南省', '河南'] });
    expect(jurisdictionOf('全国')).toEqual({ level: 'national', places: [] });
    expect(jurisdictionOf('温州市鹿城区')).toEqual({ level: 'district', places: ['温州市', '温州', '鹿城区', '鹿城'] });
  });

  it('finds them by place name or by the level of government, not by a grade', () => {
    const all = ['郑州市', '河南省', '全国'];
    expect([...jurisdictionCues('市里对新办的工厂有什么说法', all)]).toEqual(['郑州市']);
    expect([...jurisdictionCues('全省统一的标准在哪看', all)]).toEqual(['河南省']);
    expect([...jurisdictionCues('郑州的企业能申请吗', all)]).toEqual(['郑州市']);
    expect([...jurisdictionCues('国务院有没有统一规定', all)]).toEqual(['全国']);
    // 省级, 国家级: grades of an enterprise, not the province or the state.
    expect(jurisdictionCues('省级专精特新和国家级小巨人有什么区别', all).size).toBe(0);
  });
});

describe('the character and jurisdiction channels of the adaptive fusion', () => {
  // Two documents; the soft matcher and the vectors say nothing (all equal), so only BM25 over words and
  // bigrams, the characters and the jurisdiction can tell the clauses apart.
  const clause = (id: string, docId: string, order: number, text: string): Clause => ({
    id,
    docId,
    kind: 'article',
    label: id,
    aliases: [],
    path: [],
    heading: '',
    text,
    responsibleUnits: [],
    amountsYuan: [],
    order,
  });
  const meta = (id: string, jurisdiction: string): DocumentMeta => ({
    id,
    title: id,
    issuer: '',
    validity: { from: '2020-01-01' },
    jurisdiction,
    format: 'law-markdown',
  });
  const fair = clause('fair', 'province', 0, '鼓励企业参加展会，开拓国际市场。');
  const cityFair = clause('city-fair', 'city', 1, '鼓励企业参加展会，开拓国际市场。');
  const training = clause('training', 'city', 2, '组织企业经营管理人员培训。');
  const park = clause('park', 'city', 3, '支持建设产业园区，保障项目用地。');
  const clauses = [fair, cityFair, training, park];
  const documents: PolicyDocument[] = [
    { meta: meta('province', '河南省'), clauses: [fair] },
    { meta: meta('city', '郑州市'), clauses: [cityFair, training, park] },
  ];
  const tokenizer = createTokenizer({ words: [], synonyms: [] });
  const silent: Embedder = {
    id: 'silent',
    dimensions: 2,
    fusionWeight: 1,
    embed: async (texts) => texts.map(() => Float32Array.from([1, 0])),
    createSoftMatcher: (texts) => ({ size: texts.length, score: () => new Float64Array(texts.length) }),
  };
  const retriever = (weights: Partial<AdaptiveFusion['weights']> = {}) =>
    createRetriever({
      documents,
      clauses,
      bm25: buildBm25(clauses.map((c) => tokenizer.terms(c.text))),
      vectors: buildVectorIndex(
        clauses.map(() => Float32Array.from([1, 0])),
        2,
      ),
      embedder: silent,
      tokenizer,
      aliases: new Map(),
      primaryDocId: 'city',
      adaptive: { weights: { ...DEFAULT_ADAPTIVE_FUSION.weights, ...weights } },
    });
  const top = async (r: ReturnType<typeof retriever>, question: string) => (await r.search(question, { k: 4 }))[0]?.clause.id;

  it('finds a clause that shares only a character with the question (园 of 园区), and not without the channel', async () => {
    // No word or bigram of the question is in any clause: 园 is the only link to the park clause.
    expect(tokenizer.queryTerms('厂子想搬进园里').some((t) => clauses.some((c) => tokenizer.terms(c.text).includes(t.term)))).toBe(false);
    const hits = await retriever().search('厂子想搬进园里', { k: 4 });
    expect(hits[0]!.clause.id).toBe('park');
    expect(hits[0]!.matchedBy.characterRank).toBe(1);
    expect(await top(retriever({ characters: 0 }), '厂子想搬进园里')).not.toBe('park');
  });

  it('prefers the documents of the jurisdiction the question points at, and only when told to', async () => {
    expect(await top(retriever(), '市里帮不帮我们去国外参展')).toBe('city-fair');
    expect(await top(retriever(), '省里帮不帮我们去国外参展')).toBe('fair');
    expect(await top(retriever(), '河南帮不帮我们去国外参展')).toBe('fair');
    // Without the cue the two identical clauses tie, and document order decides.
    expect(await top(retriever({ jurisdiction: 0 }), '市里帮不帮我们去国外参展')).toBe('fair');
    expect(await top(retriever(), '帮不帮我们去国外参展')).toBe('fair');
  });
});
