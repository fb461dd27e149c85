import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KnowledgeError } from '../errors.js';
import { computeWordNeighbours } from '../train/build-word-neighbours.js';
import { DEFAULT_TRAIN_OPTIONS, randomizedSvd, symmetricEigen, train, type Csr } from '../train/train-word-vectors.js';
import { createTokenizer } from './tokenize.js';
import {
  concatenateScaled,
  createSoftMatcher,
  createWordVectorEmbedder,
  decodeWordNeighbours,
  decodeWordVectors,
  DEFAULT_WORD_NEIGHBOURS_FILE,
  DEFAULT_WORD_VECTORS_FILE,
  encodeWordNeighbours,
  encodeWordVectors,
  indexWordVectors,
  NO_NEIGHBOUR,
  readWordNeighbours,
  readWordVectors,
  textVector,
  type WordVectorModel,
} from './word-vectors.js';

const tokenizer = createTokenizer({ words: [], synonyms: [] });

const cosine = (a: Float32Array, b: Float32Array): number => a.reduce((s, v, i) => s + v * b[i]!, 0);

/** A three-dimensional model: two words, two characters, no common component. */
function tinyModel(): Omit<WordVectorModel, 'checksum'> {
  return {
    header: {
      format: 1,
      dimensions: 3,
      words: 2,
      characters: 2,
      vocabularyBytes: 0,
      commonComponents: 1,
      totalCount: 30,
      training: { corpus: 'test', documents: 1, articles: 1, tokens: 30, options: {} },
    },
    words: ['补贴', '罚款'],
    characters: ['补', '款'],
    counts: Uint32Array.from([10, 20]),
    scales: Float32Array.from([0.01, 0.01, 0.01, 0.01]),
    vectors: Int8Array.from([100, 0, 0, 0, 100, 0, 50, 50, 0, 0, 0, 100]),
    common: Float32Array.from([0, 0, 1]),
  };
}

describe('word vector file format', () => {
  it('round-trips a model, with the checksum of the file', () => {
    const bytes = encodeWordVectors(tinyModel());
    const model = decodeWordVectors(bytes);
    expect(model.words).toEqual(['补贴', '罚款']);
    expect(model.characters).toEqual(['补', '款']);
    expect(Array.from(model.vectors)).toEqual(Array.from(tinyModel().vectors));
    expect(Array.from(model.counts)).toEqual([10, 20]);
    expect(model.checksum).toMatch(/^[0-9a-f]{64}$/);
  });

  it('rejects a truncated, extended or altered file', () => {
    const bytes = encodeWordVectors(tinyModel());
    const rejects = (buffer: Buffer) => {
      expect(() => decodeWordVectors(buffer)).toThrow(KnowledgeError);
      try {
        decodeWordVectors(buffer);
      } catch (error) {
        expect((error as KnowledgeError).code).toBe('index_corrupt');
      }
    };
    rejects(bytes.subarray(0, bytes.length - 1));
    rejects(bytes.subarray(0, 40));
    rejects(Buffer.concat([bytes, Buffer.from([0])]));
    const altered = Buffer.from(bytes);
    altered[altered.length - 40]! ^= 1;
    rejects(altered);
    rejects(Buffer.from('not a model at all, just some text padding it out well past the minimum length'));
  });

  it('rejects the shipped model cut short by one byte', () => {
    const bytes = readFileSync(DEFAULT_WORD_VECTORS_FILE);
    expect(() => decodeWordVectors(bytes.subarray(0, bytes.length - 1))).toThrow(/checksum/);
  });
});

describe('text vectors', () => {
  const lookup = indexWordVectors({ ...tinyModel(), checksum: 'x' });

  it('gives a word the model never saw the mean of its characters’ vectors', () => {
    expect(lookup.wordRow('补款')).toBeUndefined();
    const sum = new Float64Array(3);
    expect(lookup.addWord(sum, '补款', 1)).toBe(true);
    // 补 = (0.5, 0.5, 0), 款 = (0, 0, 1): the mean.
    expect(Array.from(sum).map((v) => Number(v.toFixed(6)))).toEqual([0.25, 0.25, 0.5]);
    expect(lookup.addWord(new Float64Array(3), '☃', 1)).toBe(false);
  });

  it('removes the common component and normalises; unknown text gives the zero vector', () => {
    const v = textVector(lookup, ['补款'], { sifA: 1, removeCommon: true });
    expect(v[2]).toBeCloseTo(0, 6);
    expect(Math.hypot(...v)).toBeCloseTo(1, 6);
    expect(Array.from(textVector(lookup, ['☃'], { sifA: 1, removeCommon: true }))).toEqual([0, 0, 0]);
  });

  it('weighs frequent words less (SIF)', () => {
    expect(lookup.weightOf('补贴', 0.1)).toBeGreaterThan(lookup.weightOf('罚款', 0.1));
    expect(lookup.weightOf('没见过', 0.1)).toBe(1);
  });

  it('concatenates two unit vectors into a unit vector whose cosine mixes theirs', () => {
    const a = Float32Array.from([1, 0]);
    const b = Float32Array.from([0, 1]);
    const ab = concatenateScaled(a, b, 0.3);
    expect(Math.hypot(...ab)).toBeCloseTo(1, 6);
    expect(cosine(ab, concatenateScaled(a, Float32Array.from([1, 0]), 0.3))).toBeCloseTo(0.3, 6);
  });
});

/** Four words in two dimensions: 补贴 ≈ 补助 (cos 0.8), 罚款 far from both, 境外 orthogonal to 补贴; characters 补 and 外. */
function neighbourModel(): WordVectorModel {
  const model: Omit<WordVectorModel, 'checksum'> = {
    header: {
      format: 1,
      dimensions: 2,
      words: 4,
      characters: 2,
      vocabularyBytes: 0,
      commonComponents: 0,
      totalCount: 40,
      training: { corpus: 'test', documents: 1, articles: 1, tokens: 40, options: {} },
    },
    words: ['补贴', '补助', '罚款', '境外'],
    characters: ['补', '外'],
    counts: Uint32Array.from([10, 10, 10, 10]),
    scales: Float32Array.from([0.01, 0.01, 0.01, 0.01, 0.01, 0.01]),
    // 补贴 (100, 0); 补助 (80, 60); 罚款 (-100, 0); 境外 (0, 100); 补 (100, 10); 外 (10, 100)
    vectors: Int8Array.from([100, 0, 80, 60, -100, 0, 0, 100, 100, 10, 10, 100]),
    common: new Float32Array(0),
  };
  return decodeWordVectors(encodeWordVectors(model));
}

describe('word neighbour lists', () => {
  const model = neighbourModel();
  const neighbours = decodeWordNeighbours(encodeWordNeighbours(computeWordNeighbours(model, { perRow: 2, minSimilarity: 0.3 })));

  it('keeps each row’s most similar words above the threshold, not the word itself', () => {
    const row = (r: number) => Array.from(neighbours.ids.subarray(r * 2, r * 2 + 2));
    expect(row(0)).toEqual([1, NO_NEIGHBOUR]); // 补贴: 补助 (0.8); 境外 is orthogonal, 罚款 opposite
    expect(row(3)).toEqual([1, NO_NEIGHBOUR]); // 境外: 补助 (0.6)
    expect(row(5)).toEqual([3, 1]); // 外: 境外, then 补助
    expect(neighbours.header.vectorsChecksum).toBe(model.checksum);
  });

  it('rejects a truncated or altered file', () => {
    const bytes = encodeWordNeighbours(computeWordNeighbours(model, { perRow: 2, minSimilarity: 0.3 }));
    expect(() => decodeWordNeighbours(bytes.subarray(0, bytes.length - 1))).toThrow(KnowledgeError);
    const altered = Buffer.from(bytes);
    altered[altered.length - 40]! ^= 1;
    expect(() => decodeWordNeighbours(altered)).toThrow(/checksum/);
  });

  it('ships lists computed from the shipped model', () => {
    const shipped = readWordNeighbours();
    const vectors = readWordVectors();
    expect(shipped.header.vectorsChecksum).toBe(vectors.checksum);
    expect(shipped.header.rows).toBe(vectors.header.words + vectors.header.characters);
    expect(readFileSync(DEFAULT_WORD_NEIGHBOURS_FILE).length).toBeLessThan(8_000_000);
  });
});

describe('soft matching', () => {
  const model = neighbourModel();
  const lookup = indexWordVectors(model);
  const neighbours = decodeWordNeighbours(encodeWordNeighbours(computeWordNeighbours(model, { perRow: 4, minSimilarity: 0.3 })));
  const words = { words: (text: string) => text.split(' ').filter((w) => w !== '') };
  const matcher = createSoftMatcher({
    lookup,
    neighbours,
    tokenizer: words,
    texts: ['补助 罚款', '罚款', '外资 补贴'],
    settings: { sifA: 1 },
  });

  it('matches a word to itself fully and to a similar word in part', () => {
    const exact = matcher.score(['补贴']);
    expect(exact[2]).toBeCloseTo(1, 6);
    // 补贴 → 补助 at cosine 0.8: (0.8 − 0.3) / 0.7, after int8 rounding of the stored cosine.
    expect(exact[0]).toBeCloseTo(0.5 / 0.7, 1);
    expect(exact[1]).toBe(0);
  });

  it('reaches clause words the model never saw through their characters', () => {
    // 外资 is not in the model: its vector is its characters' mean, near 境外.
    expect(lookup.wordRow('外资')).toBeUndefined();
    expect(matcher.score(['境外'])[2]).toBeGreaterThan(0.5);
  });

  it('counts synonym expansions only by their best match, below a question word', () => {
    const plain = matcher.score(['罚款']);
    const expanded = matcher.score(['罚款'], ['补贴', '补助']);
    expect(plain[2]).toBe(0);
    expect(expanded[2]).toBeGreaterThan(0);
    expect(expanded[2]).toBeLessThanOrEqual(0.45 + 1e-9);
    expect(expanded[1]).toBe(plain[1]);
  });

  it('compares whole texts as well, and refuses lists of another model', () => {
    const similarity = matcher.similarity!(['补贴'])!;
    expect(similarity[2]).toBeGreaterThan(similarity[1]!);
    const other = { ...neighbours, header: { ...neighbours.header, vectorsChecksum: 'another' } };
    expect(() => createSoftMatcher({ lookup, neighbours: other, tokenizer: words, texts: ['补贴'] })).toThrow(KnowledgeError);
  });

  it('is offered by the word vector embedder only with lists of its own model', () => {
    const withLists = createWordVectorEmbedder({ tokenizer: words, model, neighbours });
    expect(withLists.createSoftMatcher?.(['补贴'])).toBeDefined();
    expect(createWordVectorEmbedder({ tokenizer: words, model, neighbours: false }).createSoftMatcher?.(['补贴'])).toBeUndefined();
    // The shipped lists belong to the shipped model, not to this one.
    expect(createWordVectorEmbedder({ tokenizer: words, model }).createSoftMatcher?.(['补贴'])).toBeUndefined();
  });
});

describe('the shipped law word vectors', () => {
  const model = readWordVectors();
  const embedder = createWordVectorEmbedder({ tokenizer, model });
  const embed = async (text: string) => (await embedder.embed([text]))[0]!;

  it('loads: a vocabulary of words and characters, and an id naming its checksum', () => {
    expect(model.header.words).toBeGreaterThan(10_000);
    expect(model.header.characters).toBeGreaterThan(1_000);
    expect(embedder.dimensions).toBe(model.header.dimensions);
    expect(embedder.id).toContain(model.checksum.slice(0, 12));
  });

  it('is deterministic: the same text, the same unit vector, from every load', async () => {
    const again = createWordVectorEmbedder({ tokenizer: createTokenizer({ words: [], synonyms: [] }), model: readWordVectors() });
    const text = '中小企业划型标准由国务院有关部门制定';
    const [a, b] = [await embed(text), (await again.embed([text]))[0]!];
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(again.id).toBe(embedder.id);
    expect(Math.hypot(...a)).toBeCloseTo(1, 5);
  });

  it('puts a paraphrase nearer than an unrelated text, with no word in common', async () => {
    const question = await embed('公司想去国外发展');
    expect(cosine(question, await embed('支持企业赴境外投资经营'))).toBeGreaterThan(
      cosine(question, await embed('婚姻登记应当由双方亲自办理')),
    );
    const money = await embed('补贴');
    expect(cosine(money, await embed('补助'))).toBeGreaterThan(cosine(money, await embed('刑罚')));
  });

  it('embeds a word it never saw through its characters', async () => {
    const lookup = indexWordVectors(model);
    const word = '补贴款项们';
    expect(lookup.wordRow(word)).toBeUndefined();
    const sum = new Float64Array(model.header.dimensions);
    expect(lookup.addWord(sum, word, 1)).toBe(true);
    expect(sum.some((v) => v !== 0)).toBe(true);
  });
});

describe('the trainer’s linear algebra', () => {
  it('finds the eigenvalues of a symmetric matrix, largest first', () => {
    const { values, vectors } = symmetricEigen(Float64Array.from([2, 1, 1, 2]), 2);
    expect(values[0]).toBeCloseTo(3, 10);
    expect(values[1]).toBeCloseTo(1, 10);
    expect(Math.abs(vectors[0]!)).toBeCloseTo(Math.SQRT1_2, 10);
  });

  it('recovers the singular values of a sparse matrix with the randomized SVD', () => {
    // diag(5, 3, 1) padded to 4 × 3: singular values 5, 3, 1.
    const m: Csr = {
      rows: 4,
      columns: 3,
      rowStart: Uint32Array.from([0, 1, 2, 3, 3]),
      column: Uint32Array.from([0, 1, 2]),
      value: Float32Array.from([5, 3, 1]),
    };
    const { sigma } = randomizedSvd(m, 2, { oversample: 1, powerIterations: 2, seed: 7 });
    expect(sigma[0]).toBeCloseTo(5, 6);
    expect(sigma[1]).toBeCloseTo(3, 6);
  });

  it('trains the same bytes twice from the same corpus', () => {
    const corpus = mkdtempSync(path.join(tmpdir(), 'word-vectors-corpus-'));
    mkdirSync(path.join(corpus, '经济法'));
    const law = (title: string, articles: string[]) =>
      [`# ${title}`, '', '<!-- INFO END -->', '', ...articles.map((a, i) => `第${'一二三四五六'[i]}条 ${a}`)].join('\n\n');
    writeFileSync(
      path.join(corpus, '经济法', '甲法.md'),
      law('甲法', ['国家支持中小企业开拓国际市场。', '县级以上人民政府对中小企业给予财政补贴。', '中小企业可以申请贷款贴息。']),
    );
    writeFileSync(
      path.join(corpus, '乙法.md'),
      law('乙法', ['企业到境外投资应当依法备案。', '国家对出口企业给予资金补助。', '政府采购应当预留份额给中小企业。']),
    );
    const options = { ...DEFAULT_TRAIN_OPTIONS, corpus, out: 'unused', dimensions: 4, minCount: 1, oversample: 2 };
    const quiet = () => {};
    const first = train(options, quiet);
    const model = decodeWordVectors(first);
    expect(model.words).toContain('中小企业');
    expect(model.header.dimensions).toBe(4);
    expect(train(options, quiet).equals(first)).toBe(true);
  });
});
