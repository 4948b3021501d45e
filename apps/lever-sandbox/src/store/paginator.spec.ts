import { LeverApiError } from '../lever-api/lever-api.error';
import { Paginator } from './paginator';

describe(Paginator.name, () => {
  const items = Array.from({ length: 7 }, (_, i) => i);

  it('pages with issued tokens until hasNext is false', () => {
    const sut = new Paginator();
    const first = sut.page(items, 'c1:stages', { limit: '3' });
    const second = sut.page(items, 'c1:stages', { limit: '3', offset: first.next });
    const third = sut.page(items, 'c1:stages', { limit: '3', offset: second.next });
    expect([first.data, second.data, third.data]).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect([first.hasNext, second.hasNext, third.hasNext]).toEqual([true, true, false]);
    expect(third.next).toBeUndefined();
  });

  it('defaults to 100 per page', () => expect(new Paginator().page(items, 's', {})).toEqual({ data: items, hasNext: false }));

  it.each([
    ['an offset it never issued', { offset: '3' }],
    ['a limit of 0', { limit: '0' }],
    ['a limit over 100', { limit: '101' }],
    ['a non-numeric limit', { limit: 'ten' }],
  ])('rejects %s with 400', (_label, query) => {
    const err = (() => {
      try {
        new Paginator().page(items, 's', query);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(LeverApiError);
    expect(err).toMatchObject({ status: 400, code: 'BadRequest' });
  });

  it('rejects a token used on another list', () => {
    const sut = new Paginator();
    const { next } = sut.page(items, 'c1:stages', { limit: '2' });
    expect(() => sut.page(items, 'c2:stages', { offset: next })).toThrow(LeverApiError);
  });
});
