/**
 * Frames: how a knowledge base writes the ways people state something, as data.
 *
 * A frame is a phrase made of groups of alternatives, all of which must occur in one clause of a message,
 * in any order and close together: `省里|省级|省财政 + 补贴|补助 + 拿|领|获得`. A frame with one group is a
 * plain list of synonyms (`小巨人|国家级专精特新`). Frames are matched on normalised text (Simplified,
 * half-width, lower-case Latin letters).
 */

/** A parsed frame: every group must match; a group matches when one of its alternatives occurs. */
export interface Frame {
  /** As written in the YAML, for messages. */
  source: string;
  groups: string[][];
}

/** How far apart (in characters, first to last matched character) the groups of a frame may be. */
export const DEFAULT_FRAME_SPAN = 24;

/** Why a frame string cannot be used, or undefined when it is fine. */
export function frameProblem(source: string): string | undefined {
  const groups = source.split('+').map((g) => g.split('|').map((a) => a.trim()));
  if (groups.some((g) => g.some((a) => a === ''))) return `"${source}" has an empty alternative (check "+" and "|")`;
  if (groups.length > 4) return `"${source}" has more than 4 groups`;
  return undefined;
}

/** Parses `a|b + c|d` (validated with `frameProblem` at load time). Latin letters are matched lower-case. */
export function parseFrame(source: string): Frame {
  const problem = frameProblem(source);
  if (problem) throw new Error(`invalid frame: ${problem}`);
  return { source, groups: source.split('+').map((g) => g.split('|').map((a) => a.trim().toLowerCase())) };
}

/** Where a frame matched: the span from the first to the last matched character, and each group's hit. */
export interface FrameMatch {
  frame: Frame;
  start: number;
  end: number;
  hits: { start: number; end: number; text: string }[];
}

/** Every occurrence of one alternative in the text. */
function occurrences(text: string, word: string): number[] {
  const out: number[] = [];
  for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) out.push(at);
  return out;
}

/**
 * The tightest match of a frame in `text` (a clause), or undefined. `blocked` marks characters already
 * taken by a longer, more specific phrase, which a group may not reuse (省级专精特新 is a status, so its
 * 省级 is not the 省级 of a provincial subsidy).
 */
export function matchFrame(
  text: string,
  frame: Frame,
  options: { maxSpan?: number; blocked?: (start: number, end: number) => boolean } = {},
): FrameMatch | undefined {
  const maxSpan = options.maxSpan ?? DEFAULT_FRAME_SPAN;
  const perGroup = frame.groups.map((group) =>
    group
      .flatMap((word) => occurrences(text, word).map((start) => ({ start, end: start + word.length, text: word })))
      .filter((hit) => !options.blocked?.(hit.start, hit.end))
      // Longest alternative first at one position, so 省财政 wins over 省.
      .sort((a, b) => a.start - b.start || b.end - a.end),
  );
  if (perGroup.some((hits) => hits.length === 0)) return undefined;
  if (perGroup.length === 1) {
    const hit = perGroup[0]!.reduce((best, h) => (h.end - h.start > best.end - best.start ? h : best));
    return { frame, start: hit.start, end: hit.end, hits: [hit] };
  }
  // Few groups and few hits per clause: trying every combination is cheap and finds the tightest one.
  let best: FrameMatch | undefined;
  const choose = (g: number, chosen: FrameMatch['hits']): void => {
    if (g === perGroup.length) {
      // Two groups may not claim overlapping characters.
      const sorted = [...chosen].sort((a, b) => a.start - b.start);
      for (let i = 1; i < sorted.length; i++) if (sorted[i]!.start < sorted[i - 1]!.end) return;
      const start = sorted[0]!.start;
      const end = Math.max(...sorted.map((h) => h.end));
      // English words are longer than Chinese ones: a frame with an English word may spread three times as far.
      const limit = chosen.some((h) => /[a-z]/.test(h.text)) ? maxSpan * 3 : maxSpan;
      if (end - start > limit) return;
      // The tightest match (least text between the words); on a tie the longest words (省级专精特新 over 省级专精).
      const covered = chosen.reduce((n, h) => n + h.end - h.start, 0);
      const gap = end - start - covered;
      const bestCovered = best ? best.hits.reduce((n, h) => n + h.end - h.start, 0) : 0;
      const bestGap = best ? best.end - best.start - bestCovered : Infinity;
      if (!best || gap < bestGap || (gap === bestGap && covered > bestCovered)) best = { frame, start, end, hits: chosen.slice() };
      return;
    }
    for (const hit of perGroup[g]!) {
      chosen.push(hit);
      choose(g + 1, chosen);
      chosen.pop();
    }
  };
  choose(0, []);
  return best;
}

/** The tightest match of any of the frames, preferring the longest matched text on ties. */
export function matchAnyFrame(text: string, frames: readonly Frame[], options?: Parameters<typeof matchFrame>[2]): FrameMatch | undefined {
  let best: FrameMatch | undefined;
  for (const frame of frames) {
    const m = matchFrame(text, frame, options);
    if (!m) continue;
    const length = (x: FrameMatch) => x.hits.reduce((n, h) => n + h.end - h.start, 0);
    if (!best || length(m) > length(best) || (length(m) === length(best) && m.start < best.start)) best = m;
  }
  return best;
}
