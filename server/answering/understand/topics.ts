import { matchAnyFrame } from '../../../knowledge/rules/frames.js';
import type { MessageClause } from '../analyse/clauses.js';
import type { BaseTerms, CompiledTopic } from './base-terms.js';
import type { StatedFact } from './read-facts.js';

/**
 * The awards a message is about: a topic's words in any clause (hearsay included: a rumour about an award
 * is still about that award), or a fact stated that only that topic's rules read.
 */
export function findTopics(clauses: readonly MessageClause[], terms: BaseTerms, stated: readonly StatedFact[]): CompiledTopic[] {
  const readable = clauses.filter((c) => c.source !== 'hidden' && c.source !== 'other-party');
  const found = new Set<CompiledTopic>();
  for (const topic of terms.topics) {
    if (readable.some((c) => matchAnyFrame(c.text, topic.frames))) found.add(topic);
  }
  for (const fact of stated) {
    for (const topic of terms.topics) if (topic.ownFacts.has(fact.factId)) found.add(topic);
  }
  return terms.topics.filter((t) => found.has(t));
}

/** Topics a message only hints at (认定了 without saying what): several of them means asking which. */
export function hintedTopics(clauses: readonly MessageClause[], terms: BaseTerms): CompiledTopic[] {
  const readable = clauses.filter((c) => c.source !== 'hidden' && c.source !== 'other-party');
  return terms.topics.filter((t) => t.hints.length > 0 && readable.some((c) => matchAnyFrame(c.text, t.hints)));
}
