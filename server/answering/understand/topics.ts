import { matchAnyFrame } from '../../../knowledge/rules/frames.js';
import type { MessageClause } from '../analyse/clauses.js';
import type { BaseTerms, CompiledTopic } from './base-terms.js';
import type { StatedFact } from './read-facts.js';

/**
 * The awards a message is about: a topic's words in any clause (hearsay included: a rumour about an award
 * is still about that award), or a fact stated that only that topic's rules read.
 */
export function findTopics(clauses: readonly MessageClause[], terms: BaseTerms, stated: readonly StatedFact[]): CompiledTopic[] {
  // A topic's words may span the pauses of one spoken sentence ("拿了省级资质 又拿了… 都是今年新认定的").
  const texts = sentencesOf(clauses.filter((c) => c.source !== 'hidden' && c.source !== 'other-party'));
  const found = new Set<CompiledTopic>();
  for (const topic of terms.topics) {
    if (texts.some((t) => matchAnyFrame(t, topic.frames, { maxSpan: 40 }))) found.add(topic);
  }
  for (const fact of stated) {
    for (const topic of terms.topics) if (topic.ownFacts.has(fact.factId)) found.add(topic);
  }
  return terms.topics.filter((t) => found.has(t));
}

/** Topics a message only hints at (认定了 without saying what): several of them means asking which. */
export function hintedTopics(clauses: readonly MessageClause[], terms: BaseTerms): CompiledTopic[] {
  const texts = sentencesOf(clauses.filter((c) => c.source !== 'hidden' && c.source !== 'other-party'));
  return terms.topics.filter((t) => t.hints.length > 0 && texts.some((text) => matchAnyFrame(text, t.hints)));
}

/** The clauses of each sentence joined again, with the source of each kept apart. */
function sentencesOf(clauses: readonly MessageClause[]): string[] {
  const bySentence = new Map<number, string[]>();
  for (const c of clauses) bySentence.set(c.sentence, [...(bySentence.get(c.sentence) ?? []), c.text]);
  return [...bySentence.values()].map((parts) => parts.join('，'));
}
