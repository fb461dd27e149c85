import type { KnowledgeBase } from '../../../knowledge/knowledge-base.js';
import { parseFrame } from '../../../knowledge/rules/frames.js';
import { englishGlossary, language } from '../language/language.js';
import { compileBaseTerms } from './base-terms.js';
import type { ReadingContext } from './understand.js';

/**
 * What reading a message needs from a knowledge base: the language data, the base's terms compiled from its
 * rules, its lexicon (English glossary, places, words, not-covered frames) and its references and names.
 */
export function readingContextOf(knowledge: KnowledgeBase): ReadingContext {
  return {
    lang: language(),
    terms: compileBaseTerms(knowledge.ruleSets),
    glossary: englishGlossary(knowledge.lexicon.english),
    places: knowledge.lexicon.places,
    baseWords: [
      ...knowledge.lexicon.words.map((w) => w.toLowerCase()),
      ...knowledge.documents.flatMap((d) => [d.meta.title, d.meta.shortTitle ?? d.meta.title]),
    ],
    notCovered: knowledge.lexicon.notCovered.map(parseFrame),
    baseText: knowledge.clauses.map((c) => c.text.toLowerCase()).join('\n'),
    references: (text) => knowledge.retriever.resolveReferences(text),
    documentsNamed: (text) => knowledge.retriever.documentsNamed(text),
  };
}
