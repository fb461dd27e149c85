import { POLICY_DOC_ID } from '../../config';
import { api, type Clause, type SearchHit } from '../../utils/api';

/** The plan's clauses in order, grouped by section, each folded; and a search over them via /v1/search. */

interface ClauseView {
  key: string;
  label: string;
  heading: string;
  text: string;
  open: boolean;
}

interface SectionView {
  key: string;
  title: string;
  clauses: ClauseView[];
}

/** Consecutive clauses under the same section path form one group; a top-level clause is its own. */
function sectionsOf(clauses: Clause[]): SectionView[] {
  const sections: SectionView[] = [];
  for (const c of clauses) {
    const title = c.path.length > 0 ? c.path.join(' · ') : c.kind === 'section' ? `${c.label}、${c.heading}` : c.label || c.heading;
    const last = sections[sections.length - 1];
    const view: ClauseView = { key: c.clauseId, label: c.label, heading: c.heading, text: c.text, open: false };
    if (last && c.path.length > 0 && last.title === title) last.clauses.push(view);
    else sections.push({ key: `s-${c.clauseId}`, title, clauses: [view] });
  }
  return sections;
}

const hitView = (h: SearchHit): ClauseView => ({
  key: `${h.docId}:${h.clauseId}`,
  label: h.label,
  heading: h.heading,
  text: h.text,
  open: true,
});

Component({
  data: {
    loading: true,
    error: '',
    title: '',
    validity: '',
    sections: [] as SectionView[],
    query: '',
    searching: false,
    searchError: '',
    hits: null as ClauseView[] | null,
  },

  lifetimes: {
    attached() {
      void this.load();
    },
  },

  methods: {
    async load() {
      const result = await api.policy(POLICY_DOC_ID);
      if (!result.ok) {
        this.setData({ loading: false, error: result.message });
        return;
      }
      const { document, clauses } = result.data;
      this.setData({
        loading: false,
        title: document.title,
        validity: `有效期：${document.validity.from} 至 ${document.validity.to ?? '长期'}`,
        sections: sectionsOf(clauses),
      });
    },

    onQueryInput(e: WechatMiniprogram.Input) {
      this.setData({ query: e.detail.value });
      if (!e.detail.value.trim()) this.setData({ hits: null, searchError: '' });
    },

    async onSearch() {
      const q = this.data.query.trim();
      if (!q) {
        this.setData({ hits: null, searchError: '' });
        return;
      }
      this.setData({ searching: true, searchError: '' });
      const result = await api.search(q, POLICY_DOC_ID);
      if (result.ok) this.setData({ searching: false, hits: result.data.hits.map(hitView) });
      else this.setData({ searching: false, hits: null, searchError: result.message });
    },

    onClearSearch() {
      this.setData({ query: '', hits: null, searchError: '' });
    },

    onToggleClause(e: WechatMiniprogram.TouchEvent) {
      const s = Number(e.currentTarget.dataset.s);
      const c = Number(e.currentTarget.dataset.c);
      const clause = this.data.sections[s]?.clauses[c];
      if (!clause) return;
      this.setData({ [`sections[${s}].clauses[${c}].open`]: !clause.open });
    },

    onToggleHit(e: WechatMiniprogram.TouchEvent) {
      const i = Number(e.currentTarget.dataset.i);
      const hit = this.data.hits?.[i];
      if (!hit) return;
      this.setData({ [`hits[${i}].open`]: !hit.open });
    },
  },
});
