/**
 * Cases per fuzz property: sized so the whole suite stays within its time on 2 cores.
 * FUZZ_SCALE multiplies every count for a longer hunt (FUZZ_SCALE=10 before a release);
 * the seeds stay fixed, so a longer run covers the default cases and then more.
 */
export function fuzzRuns(cases: number): number {
  const scale = Number(process.env['FUZZ_SCALE'] ?? 1)
  return Math.max(1, Math.round(cases * (Number.isFinite(scale) && scale > 0 ? scale : 1)))
}
