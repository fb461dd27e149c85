/** The knowledge pipeline's one error type; `code` tells callers what went wrong without parsing text. */
export class KnowledgeError extends Error {
  constructor(
    readonly code:
      | 'manifest_invalid'
      | 'source_missing'
      | 'errata_invalid'
      | 'parse_failed'
      | 'index_corrupt'
      | 'index_stale'
      | 'rules_invalid'
      | 'embedder_failed',
    message: string,
  ) {
    super(message);
    this.name = 'KnowledgeError';
  }
}
