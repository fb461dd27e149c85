import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../../server/testing/build-test-app.js';
import { loadGoldenSet } from '../golden/schema.js';
import { createHttpTarget, createInProcessTarget, filterCases, runGoldenSet, type RunReport } from './run.js';

/** A few cases of each shape, run both ways: the two targets must score them alike. */
const ALL = loadGoldenSet();
const SAMPLE_IDS = ['eq-001', 'mt-002', 'lp-001', 'oos-002', 'inj-002', 'ex-005'];
const sample = ALL.filter((c) => SAMPLE_IDS.includes(c.id));

let app: FastifyInstance;
let inProcess: RunReport;
let overHttp: RunReport;

beforeAll(async () => {
  app = await buildTestApp();
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const local = await createInProcessTarget({ knowledge: app.knowledge });
  inProcess = await runGoldenSet(sample, local);
  await local.close();
  overHttp = await runGoldenSet(sample, createHttpTarget({ url }), { concurrency: 3 });
});

afterAll(async () => {
  await app?.close();
});

describe('runner targets', () => {
  it('has the sample it means to run', () => {
    expect(sample.map((c) => c.id).sort()).toEqual([...SAMPLE_IDS].sort());
  });

  it('answers every turn of every case in process and over HTTP, in case order', () => {
    for (const report of [inProcess, overHttp]) {
      expect(report.cases.map((r) => r.id)).toEqual(sample.map((c) => c.id));
      expect(report.cases.filter((r) => r.error)).toEqual([]);
      for (const r of report.cases) expect(r.turnLatenciesMs.length).toBe(r.turns.length);
    }
  });

  it('scores the same answers the same way', () => {
    const summary = (report: RunReport) =>
      report.cases.map((r) => [r.id, r.answer?.kind, r.score.pass, r.score.foundAmounts, r.score.citationsGot]);
    expect(summary(overHttp)).toEqual(summary(inProcess));
  });

  it('uses retrieval hits in process and citations only over HTTP', () => {
    const lookupIn = inProcess.cases.find((r) => r.id === 'lp-001')!;
    const lookupHttp = overHttp.cases.find((r) => r.id === 'lp-001')!;
    expect(lookupIn.retrievedFrom).toBe('retrieval');
    expect(lookupHttp.retrievedFrom).toBe('citations');
    expect(overHttp.retrievalNote).toContain('HTTP');
    expect(overHttp.target).toMatchObject({ mode: 'http', composer: 'template' });
  });

  it('keeps each case in its own session (a multi-turn case uses its own earlier turns only)', () => {
    const mt = inProcess.cases.find((r) => r.id === 'mt-002')!;
    expect(mt.score.pass).toBe(true);
    expect(mt.answer?.calculations.map((c) => c.amountYuan)).toContain(800_000);
  });
});

describe('filterCases', () => {
  it('matches categories exactly or by prefix, and rejects unknown ones', () => {
    expect(new Set(filterCases(ALL, ['award']).map((c) => c.category))).toEqual(
      new Set(['award-equipment', 'award-contest', 'award-recognition', 'award-cluster', 'award-combined']),
    );
    expect(filterCases(ALL, ['lookup-law', 'smalltalk']).every((c) => c.category === 'lookup-law' || c.category === 'smalltalk')).toBe(
      true,
    );
    expect(filterCases(ALL, [])).toHaveLength(ALL.length);
    expect(() => filterCases(ALL, ['lookups'])).toThrow(/lookups/);
  });
});
