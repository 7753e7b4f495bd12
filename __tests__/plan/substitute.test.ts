import { substitute, type Variables } from '../../src/plan/substitute';
import { PlanError } from '../../src/plan/errors';

const vars: Variables = {
  values: { socket: '/tmp/u/r-1/s.sock', dir: '/tmp/u/r-1', 'files.log': '/tmp/u/r-1/log' },
  unavailable: { fd: 'only address: pair hands the peer a descriptor (this scenario uses address: path)' },
};

function thrown(fn: () => unknown): PlanError {
  try {
    fn();
  } catch (err) {
    return err as PlanError;
  }
  throw new Error('expected a throw');
}

describe('substitute', () => {
  it('replaces every known variable, several per string', () => {
    expect(substitute('--socket=${socket} --log ${files.log} in ${dir}', vars, 'server.run[1]')).toBe(
      '--socket=/tmp/u/r-1/s.sock --log /tmp/u/r-1/log in /tmp/u/r-1',
    );
  });

  it('leaves text without ${} alone, including a lone $', () => {
    expect(substitute('cost: $5 {x}', vars, 'server.run[1]')).toBe('cost: $5 {x}');
  });

  it('names an unknown variable, the place, and the known ones', () => {
    const err = thrown(() => substitute('${sockt}', vars, 'client.run[2]'));
    expect(err).toBeInstanceOf(PlanError);
    expect(err.code).toBe('ERR_UNKNOWN_VARIABLE');
    expect(err.value).toBe('sockt');
    expect(err.message).toBe('unknown variable ${sockt} in client.run[2]; known variables: ${socket}, ${dir}, ${files.log}, ${fd}');
  });

  it('says why a variable of the format has no value in this run', () => {
    const err = thrown(() => substitute('--fd=${fd}', vars, 'server.env.FD'));
    expect(err.code).toBe('ERR_VARIABLE_UNAVAILABLE');
    expect(err.message).toBe(
      '${fd} in server.env.FD has no value in this run: only address: pair hands the peer a descriptor (this scenario uses address: path)',
    );
  });

  it('names an undeclared file as unknown', () => {
    expect(thrown(() => substitute('${files.nope}', vars, 'server.cwd')).code).toBe('ERR_UNKNOWN_VARIABLE');
  });
});
