// Emphasis (`*`, `_`) resolved in linear time. micromark pairs each closing run with an
// opening one by walking back over every event before it, so a text with many runs that
// never pair (`*a_*a_…`) costs the square of its length (BENCHMARKS.md, Render fairness). CommonMark's reference parsers keep, for each kind of closing run, how far
// back a search already found nothing ("openers bottom"), and never look there again: that
// is what this does. Everything else is micromark's own resolver, line for line, and a
// differential test (tests/unit/emphasis.test.ts) holds the two to the same output.
//
// micromark's `attention` construct is one shared object: its text constructs and the
// resolvers that run inside link labels all refer to it, so replacing its resolver here
// reaches every place emphasis is resolved.
import { attention } from "micromark-core-commonmark";
import { push, splice } from "micromark-util-chunked";
import { resolveAll } from "micromark-util-resolve-all";
import type { Event, Point, Resolver, Token, TokenizeContext } from "micromark-util-types";

type Sequence = Token & { _open?: boolean; _close?: boolean };

const size = (token: Token) => token.end.offset - token.start.offset;

function movePoint(point: Point, offset: number): void {
  point.column += offset;
  point.offset += offset;
  point._bufferIndex += offset;
}

const resolveAllAttention: Resolver = (events: Event[], context: TokenizeContext) => {
  // For each kind of closer (marker, whether it can open, its length mod 3: what decides
  // which openers it may take), the index below which no opener for it is left.
  const bottoms = new Map<number, number>();
  let index = -1;
  while (++index < events.length) {
    const closer = events[index]![1] as Sequence;
    if (events[index]![0] !== "enter" || closer.type !== "attentionSequence" || !closer._close) continue;
    const marker = context.sliceSerialize(closer).charCodeAt(0);
    const kind = marker * 8 + (closer._open ? 4 : 0) + (size(closer) % 3);
    const bottom = bottoms.get(kind) ?? -1;
    let open = index;
    let matched = false;
    while (--open > bottom) {
      const opener = events[open]![1] as Sequence;
      if (events[open]![0] !== "exit" || opener.type !== "attentionSequence" || !opener._open) continue;
      if (context.sliceSerialize(opener).charCodeAt(0) !== marker) continue;
      // The rule of three: a run that can both open and close pairs with one whose
      // length makes a multiple of three with its own only if both are multiples of three.
      if ((opener._close || closer._open) && size(closer) % 3 && !((size(opener) + size(closer)) % 3)) continue;

      const use = size(opener) > 1 && size(closer) > 1 ? 2 : 1;
      const start = { ...opener.end };
      const end = { ...closer.start };
      movePoint(start, -use);
      movePoint(end, use);
      const openingSequence: Token = { type: use > 1 ? "strongSequence" : "emphasisSequence", start, end: { ...opener.end } };
      const closingSequence: Token = { type: use > 1 ? "strongSequence" : "emphasisSequence", start: { ...closer.start }, end };
      const text: Token = { type: use > 1 ? "strongText" : "emphasisText", start: { ...opener.end }, end: { ...closer.start } };
      const group: Token = { type: use > 1 ? "strong" : "emphasis", start: { ...openingSequence.start }, end: { ...closingSequence.end } };
      opener.end = { ...openingSequence.start };
      closer.start = { ...closingSequence.end };

      let nextEvents: Event[] = [];
      if (size(opener))
        nextEvents = push(nextEvents, [
          ["enter", opener, context],
          ["exit", opener, context],
        ]);
      nextEvents = push(nextEvents, [
        ["enter", group, context],
        ["enter", openingSequence, context],
        ["exit", openingSequence, context],
        ["enter", text, context],
      ]);
      nextEvents = push(nextEvents, resolveAll(context.parser.constructs.insideSpan.null ?? [], events.slice(open + 1, index), context));
      nextEvents = push(nextEvents, [
        ["exit", text, context],
        ["enter", closingSequence, context],
        ["exit", closingSequence, context],
        ["exit", group, context],
      ]);
      let offset = 0;
      if (size(closer)) {
        offset = 2;
        nextEvents = push(nextEvents, [
          ["enter", closer, context],
          ["exit", closer, context],
        ]);
      }
      splice(events, open - 1, index - open + 3, nextEvents);
      // Nothing between the pair can open any more; what is left of the opener (at
      // `open`, if anything) can. A bottom inside the replaced stretch moves below it.
      for (const [k, b] of bottoms) if (b >= open - 1) bottoms.set(k, open - 2);
      index = open + nextEvents.length - offset - 2;
      matched = true;
      break;
    }
    // Every opener below this closer was tried for its kind: later ones start here.
    if (!matched) bottoms.set(kind, index);
  }

  // Runs left unpaired are text.
  for (const [, token] of events) if (token.type === "attentionSequence") token.type = "data";
  return events;
};

/** micromark's own resolver, for the differential test. */
export const micromarkResolver = attention.resolveAll!;

/** Switches every emphasis resolution in this process to the linear one (or back, for a test). */
export function useLinearEmphasis(on = true): void {
  attention.resolveAll = on ? resolveAllAttention : micromarkResolver;
}

useLinearEmphasis();
