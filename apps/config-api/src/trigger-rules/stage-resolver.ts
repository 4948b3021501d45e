import type { LeverStage } from '@lever-assess/lever-client';
import type { FieldError } from '../shared/errors/api.errors';

export type StageResolution = { stage: LeverStage } | { error: FieldError };

const describe = (stages: LeverStage[]) =>
  stages.length ? `stages in Lever: ${stages.map((s) => `"${s.text}" (${s.id})`).join(', ')}` : 'Lever has no stages';

/**
 * Finds the stage a rule names, by id, or by name ignoring case and surrounding spaces. Unknown
 * or ambiguous names answer with the stages that exist, so the admin can pick one.
 */
export function resolveStage(stages: LeverStage[], input: { stageId?: string; stageName?: string }): StageResolution {
  if (input.stageId !== undefined && input.stageName !== undefined) {
    return { error: { field: 'stageId', messages: ['give stageId or stageName, not both'] } };
  }
  if (input.stageId !== undefined) {
    const stage = stages.find((s) => s.id === input.stageId);
    return stage ? { stage } : { error: { field: 'stageId', messages: [`no Lever stage has this id; ${describe(stages)}`] } };
  }
  if (input.stageName !== undefined) {
    const wanted = input.stageName.trim().toLowerCase();
    const matches = stages.filter((s) => s.text.trim().toLowerCase() === wanted);
    if (matches.length === 1) return { stage: matches[0] };
    const problem = matches.length ? 'several Lever stages have this name: use stageId' : 'no Lever stage has this name';
    return { error: { field: 'stageName', messages: [`${problem}; ${describe(stages)}`] } };
  }
  return { error: { field: 'stageId', messages: ['stageId or stageName is required'] } };
}
