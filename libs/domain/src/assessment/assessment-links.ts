import { isTaggedRule } from '../rules/select-trigger-rules';
import { RuleKind } from '../types';

/** What decides the links an assessment puts on the candidate in Lever. */
export interface AssessmentLinksView {
  reportUrl: string | null;
  candidateUrl: string | null;
  interviewerUrl: string | null;
  kind: RuleKind;
  /** The rule's required tag: tagged rules (Flow B pads) share the pad links through Lever. */
  requiredTag: string | null;
}

const isWebUrl = (value: string | null): value is string => {
  if (!value) return false;
  try {
    const { protocol } = new URL(value);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
};

/**
 * Links the candidate should carry: the report once there is one; for pads (a tagged rule or a
 * live interview) also the candidate's and the interviewer's pad links. Flow A tests are emailed
 * by the platform, so their candidate link is not put in Lever. Non-web URLs are never written.
 */
export function desiredLinks(view: AssessmentLinksView): string[] {
  const isPad = isTaggedRule(view) || view.kind === RuleKind.LiveInterview;
  const links = [view.reportUrl, ...(isPad ? [view.candidateUrl, view.interviewerUrl] : [])].filter(isWebUrl);
  return [...new Set(links)];
}

/** The desired links Lever does not hold yet (Lever would store a duplicate link twice). */
export function linksToAdd(desired: readonly string[], current: readonly string[]): string[] {
  const present = new Set(current);
  return desired.filter((link) => !present.has(link));
}
