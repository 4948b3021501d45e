import { resolveStage } from './stage-resolver';

describe(resolveStage.name, () => {
  const stages = [
    { id: 's1', text: 'Recruiter Screen' },
    { id: 's2', text: 'Coding Test' },
    { id: 's3', text: 'Onsite' },
    { id: 's4', text: 'onsite' },
  ];

  it.each([
    [{ stageId: 's2' }, 's2'],
    [{ stageName: 'Coding Test' }, 's2'],
    [{ stageName: '  coding TEST ' }, 's2'],
  ])('%j resolves to %s', (input, id) => {
    expect(resolveStage(stages, input)).toEqual({ stage: stages.find((s) => s.id === id) });
  });

  it.each([
    [{ stageId: 'nope' }, 'stageId', /no Lever stage has this id; stages in Lever: "Recruiter Screen" \(s1\)/],
    [{ stageName: 'Offer' }, 'stageName', /no Lever stage has this name; stages in Lever: .*"Coding Test" \(s2\)/],
    [{ stageName: 'ONSITE' }, 'stageName', /several Lever stages have this name/],
    [{ stageId: 's1', stageName: 'Coding Test' }, 'stageId', /not both/],
    [{}, 'stageId', /required/],
  ])('%j is refused on %s', (input, field, message) => {
    const result = resolveStage(stages, input);
    expect(result).toEqual({ error: { field, messages: [expect.stringMatching(message)] } });
  });

  it('says when Lever has no stages', () => {
    expect(resolveStage([], { stageName: 'x' })).toEqual({
      error: { field: 'stageName', messages: [expect.stringContaining('Lever has no stages')] },
    });
  });
});
