// Generated from server/routes/console/knowledge/schemas.ts by `npm run knowledge:api-types`; do not edit. A test fails when this file is stale.

/**
 * This interface was referenced by `KnowledgeApiTypes`'s JSON-Schema
 * via the `definition` "KnowledgeDraft".
 */
export type KnowledgeDraft = DocumentDraft | RulesDraft;

/**
 * This interface was referenced by `KnowledgeApiTypes`'s JSON-Schema
 * via the `definition` "KnowledgeStatus".
 */
export interface KnowledgeStatus {
  base: {
    name: string;
    assistantName?: string;
  };
  live: {
    generation: number;
    since: string;
    documents: number;
    clauses: number;
  };
  documents: {
    docId: string;
    title: string;
    shortTitle?: string;
    issuer: string;
    issueDate?: string;
    validFrom: string;
    validTo?: string;
    jurisdiction: string;
    format?: string;
    file: string;
    original?: string;
    primary: boolean;
    status: 'published' | 'unpublished';
    ruleSets: string[];
    clauses?: number;
  }[];
  ruleSets: {
    id: string;
    docId: string;
    title: string;
    rules: number;
    status: 'published' | 'unpublished';
  }[];
  drafts: {
    draftId: string;
    kind: 'document' | 'rules';
    fileName: string;
    title: string;
    createdAt: string;
    createdBy: string;
  }[];
  history: {
    version: number;
    basedOn?: number;
    at: string;
    who: string;
    action: string;
    actionName: string;
    summary: string;
    changes: string[];
  }[];
  rollback?: {
    toVersion: number;
    undoes: string;
  };
  formats: {
    value: string;
    name: string;
  }[];
  accepts: {
    documents: string[];
    rules: string[];
    maxBytes: number;
  };
}
/**
 * This interface was referenced by `KnowledgeApiTypes`'s JSON-Schema
 * via the `definition` "DocumentDraft".
 */
export interface DocumentDraft {
  source: {
    kind: string;
    kindName: string;
    bytes: number;
    notes: string[];
  };
  format: {
    guess: {
      format: string;
      confidence: number;
      evidence: string[];
    };
    used: string;
    usedName: string;
  };
  metadata: {
    docId: string;
    title?: string;
    shortTitle?: string;
    issuer?: string;
    issueDate?: string;
    validFrom?: string;
    validTo?: string;
    jurisdiction?: string;
  };
  inferred: {
    field: string;
    label: string;
    value: string;
    how: string;
  }[];
  missing: string[];
  clauses: {
    clauseId: string;
    kind: string;
    label: string;
    heading: string;
    path: string[];
    length: number;
    amountsYuan: number[];
    excerpt: string;
  }[];
  cleaning: {
    docId: string;
    removed: {
      kind: string;
      text: string;
    }[];
    rubyAnnotationsStripped: number;
    issues: {
      docId: string;
      kind: string;
      span: string;
      context: string;
      fixedBy?: string;
    }[];
  };
  problems: string[];
  draftId: string;
  fileName: string;
  createdAt: string;
  createdBy: string;
  kind: 'document';
}
/**
 * This interface was referenced by `KnowledgeApiTypes`'s JSON-Schema
 * via the `definition` "RulesDraft".
 */
export interface RulesDraft {
  draftId: string;
  fileName: string;
  createdAt: string;
  createdBy: string;
  kind: 'rules';
  ruleSet: {
    id: string;
    docId: string;
    title: string;
    validity: {
      from: string;
      to: string;
    };
    rules: {
      id: string;
      title: string;
      citation: {
        docId: string;
        clauseId: string;
      };
      amountKind: string;
    }[];
    facts: {
      id: string;
      type: string;
      label: string;
      question: string;
      options?: {
        value: string;
        label: string;
      }[];
    }[];
  };
  replaces: boolean;
  problems: {
    line?: number;
    path?: string;
    message: string;
  }[];
  text: string;
}
/**
 * This interface was referenced by `KnowledgeApiTypes`'s JSON-Schema
 * via the `definition` "DocumentPreview".
 */
export interface DocumentPreview {
  source: {
    kind: string;
    kindName: string;
    bytes: number;
    notes: string[];
  };
  format: {
    guess: {
      format: string;
      confidence: number;
      evidence: string[];
    };
    used: string;
    usedName: string;
  };
  metadata: {
    docId: string;
    title?: string;
    shortTitle?: string;
    issuer?: string;
    issueDate?: string;
    validFrom?: string;
    validTo?: string;
    jurisdiction?: string;
  };
  inferred: {
    field: string;
    label: string;
    value: string;
    how: string;
  }[];
  missing: string[];
  clauses: {
    clauseId: string;
    kind: string;
    label: string;
    heading: string;
    path: string[];
    length: number;
    amountsYuan: number[];
    excerpt: string;
  }[];
  cleaning: {
    docId: string;
    removed: {
      kind: string;
      text: string;
    }[];
    rubyAnnotationsStripped: number;
    issues: {
      docId: string;
      kind: string;
      span: string;
      context: string;
      fixedBy?: string;
    }[];
  };
  problems: string[];
}
/**
 * This interface was referenced by `KnowledgeApiTypes`'s JSON-Schema
 * via the `definition` "KnowledgeChange".
 */
export interface KnowledgeChange {
  version: {
    version: number;
    basedOn?: number;
    at: string;
    who: string;
    action: string;
    actionName: string;
    summary: string;
    changes: string[];
  };
  status: KnowledgeStatus;
}
/**
 * This interface was referenced by `KnowledgeApiTypes`'s JSON-Schema
 * via the `definition` "KnowledgeError".
 */
export interface KnowledgeError {
  error: {
    code: string;
    message: string;
    issues?: {
      line?: number;
      path?: string;
      message: string;
    }[];
  };
}
/**
 * This interface was referenced by `KnowledgeApiTypes`'s JSON-Schema
 * via the `definition` "MetadataInput".
 */
export interface MetadataInput {
  docId?: string;
  title?: string;
  shortTitle?: string | null;
  issuer?: string;
  issueDate?: string | null;
  validFrom?: string;
  validTo?: string | null;
  jurisdiction?: string;
  format?: 'plan-web-page' | 'plan-text' | 'law-markdown' | 'law-text';
}
/**
 * This interface was referenced by `KnowledgeApiTypes`'s JSON-Schema
 * via the `definition` "UploadRequest".
 */
export interface UploadRequest {
  fileName: string;
  contentBase64: string;
  metadata?: MetadataInput;
}
