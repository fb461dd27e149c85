import { describe, expect, it } from 'vitest';
import { cjkCharacters, createTokenizer } from './tokenize.js';

describe('cjkCharacters', () => {
  it('keeps the Chinese characters of a text in order, repeats included, and nothing else', () => {
    expect(cjkCharacters('产业园区，2024年 new 园区')).toEqual(['产', '业', '园', '区', '年', '园', '区']);
    expect(cjkCharacters('abc 123')).toEqual([]);
  });

  it('normalises first, as the tokenizer does (Traditional characters become Simplified)', () => {
    expect(cjkCharacters('產業')).toEqual(['产', '业']);
  });
});

describe('createTokenizer', () => {
  it('gives words and bigrams on the index side and weighs synonym expansions lower on the query side', () => {
    const tokenizer = createTokenizer({ words: ['专精特新'], synonyms: [['补贴', '补助']] });
    expect(tokenizer.terms('专精特新补贴')).toEqual(expect.arrayContaining(['专精特新', '补贴', '#专精', '#补贴']));
    const query = new Map(tokenizer.queryTerms('补贴').map((t) => [t.term, t.weight]));
    expect(query.get('补贴')).toBe(1);
    expect(query.get('补助')).toBeLessThan(1);
  });
});
