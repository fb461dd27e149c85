/**
 * The query list every engine answers in the benchmarks: the retrieval test set's questions (written the
 * way owners and hotline callers ask) plus questions generated from article headings of the law corpus
 * with a fixed seed, so the list is the same on every machine and run.
 */
import { loadRetrievalSet } from '../../eval/retrieval/retrieval-set.js';
import type { PolicyDocument } from '../../knowledge/types.js';
import { seededRandom } from './measure.js';

export interface BenchQuery {
  id: string;
  question: string;
  source: 'retrieval-set' | 'corpus-heading';
  /** Clauses that answer it: the test set's, or every corpus article with the heading the question was made from. */
  expect: { docId: string; clauseId: string }[];
}

export const HEADING_QUESTION_SEED = 20241219;

const TEMPLATES = [
  (f: string) => f,
  (f: string) => `请问${f}吗？`,
  (f: string) => `关于“${f}”是怎么规定的？`,
  (f: string) => `${f}，具体有哪些要求？`,
  (f: string) => `我想了解一下${f}`,
];

/** The part of a heading sentence a person would say: its first clause when long enough, at most 30 characters. */
function fragmentOf(heading: string): string {
  const first = heading.split('，')[0]!;
  const fragment = first.length >= 8 ? first : heading;
  return fragment.slice(0, 30);
}

/**
 * `count` questions from article headings (seeded): a fragment of the heading sentence in one of a few
 * spoken templates. They are close to verbatim, so they measure latency on realistic text and give a
 * known-item recall (did the engine find the article the words came from), not a test of paraphrase.
 */
export function headingQuestions(documents: PolicyDocument[], count = 100, seed = HEADING_QUESTION_SEED): BenchQuery[] {
  const random = seededRandom(seed);
  const articles = documents.flatMap((d) => d.clauses.filter((c) => c.kind === 'article'));
  const byFragment = new Map<string, { docId: string; clauseId: string }[]>();
  for (const clause of articles) {
    const fragment = fragmentOf(clause.heading);
    let list = byFragment.get(fragment);
    if (!list) byFragment.set(fragment, (list = []));
    list.push({ docId: clause.docId, clauseId: clause.id });
  }
  const out: BenchQuery[] = [];
  const used = new Set<string>();
  for (let tries = 0; out.length < count && tries < count * 50 && articles.length > 0; tries++) {
    const clause = articles[Math.floor(random() * articles.length)]!;
    const fragment = fragmentOf(clause.heading);
    const template = TEMPLATES[Math.floor(random() * TEMPLATES.length)]!;
    // Boilerplate (本条例自…起施行, 有下列情形之一的) recurs across laws; a question made of it has no one answer.
    const boilerplate = /^本(?:条例|法|规定|办法|决定|细则)|下列/.test(fragment) || byFragment.get(fragment)!.length > 5;
    if (fragment.length < 8 || used.has(fragment) || boilerplate) continue;
    used.add(fragment);
    out.push({
      id: `h${String(out.length + 1).padStart(3, '0')}`,
      question: template(fragment),
      source: 'corpus-heading',
      expect: byFragment.get(fragment)!,
    });
  }
  return out;
}

/** The retrieval test set's questions followed by the generated heading questions. */
export function benchQueries(corpus: PolicyDocument[], headingCount = 100): BenchQuery[] {
  const set: BenchQuery[] = loadRetrievalSet().map((q) => ({ id: q.id, question: q.question, source: 'retrieval-set', expect: q.expect }));
  return [...set, ...headingQuestions(corpus, headingCount)];
}
