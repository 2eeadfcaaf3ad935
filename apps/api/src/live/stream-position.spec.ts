import { formatStreamPosition, parseStreamPosition } from './stream-position';

describe('stream positions', () => {
  it('round-trip version and position', () => {
    const id = formatStreamPosition({ version: 3, position: 1042 });
    expect(id).toBe('3:1042');
    expect(parseStreamPosition(id)).toEqual({ version: 3, position: 1042 });
    expect(parseStreamPosition(' 1:0 ')).toEqual({ version: 1, position: 0 });
  });

  it.each(['', '3', '3:', ':4', '3:-1', 'a:1', '3:1:2', '1:99999999999999999'])('refuse %j', (id) =>
    expect(parseStreamPosition(id)).toBeUndefined(),
  );
});
