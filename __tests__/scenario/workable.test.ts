// What cannot work is refused by the loader (loadScenario, validate and run alike), at its
// position, instead of failing late at run time: a connect with no server to reach, a waitFor of
// an event the scripted peer never emits, more descriptors than one message carries.
import { checkScenarioText } from '../../src/scenario';

const FILE = '/scenarios/workable.yaml';

describe('the loader refuses what cannot work', () => {
  it('a client that connects to the scenario socket when no server is declared', () => {
    const text = 'name: c\nclient:\n  steps:\n    - connect\n    - send: { text: hi }\n';
    expect(checkScenarioText(text, FILE).problems).toEqual([
      expect.objectContaining({ line: 4, col: 7, path: 'client.steps[0]', message: "`connect` goes to the scenario's socket, but no `server:` is declared to listen on it", hint: expect.stringContaining('expectError: ENOENT') }),
    ]);
    // declaring the failure, or another address, is a scenario that can work
    expect(checkScenarioText('name: c\nclient:\n  steps:\n    - connect: { expectError: ENOENT }\n', FILE).problems).toEqual([]);
    expect(checkScenarioText('name: c\nclient:\n  steps:\n    - connect: { to: /tmp/elsewhere.sock, expectError: ECONNREFUSED }\n', FILE).problems).toEqual([]);
    // an external client may do anything
    expect(checkScenarioText('name: c\nclient: { run: [prog] }\n', FILE).problems).toEqual([]);
  });

  it('a waitFor of an event the scripted peer can never emit, with the nearest one', () => {
    const text = ['name: w', 'server: { steps: [listen, accept, close] }', 'client:', '  steps:', '    - waitFor: { peer: server, event: acept }', '    - waitFor: { peer: server, event: done }', '    - connect', ''].join('\n');
    expect(checkScenarioText(text, FILE).problems).toEqual([
      expect.objectContaining({ line: 5, col: 39, path: 'client.steps[0].waitFor.event', message: "`server` never emits `acept`: its events are its steps' names and the fixed ones", hint: 'did you mean `accept`?' }),
    ]);
    // the events of a `run:` peer are unknowable: anything is accepted
    expect(checkScenarioText('name: w\nserver: { run: [srv] }\nclient: { steps: [ { waitFor: { peer: server, event: whatever } }, connect ] }\n', FILE).problems).toEqual([]);
    // a group: client-2's events are the group's steps
    const group = 'name: g\nserver: { steps: [ { waitFor: { peer: client-2, event: sent } } ] }\nclients: { count: 2, steps: [ { send: { text: x, to: server } } ] }\nsocket: dgram\n';
    expect(checkScenarioText(group, FILE).problems).toEqual([expect.objectContaining({ path: 'server.steps[0].waitFor.event', hint: 'did you mean `send`?' })]);
  });

  it('a misspelt event a few letters off still gets the nearest (`listning`: `listen`); a word near none gets the list', () => {
    const waiting = (event: string) => `name: w\nserver: { steps: [listen, accept, close] }\nclient: { steps: [ { waitFor: { peer: server, event: ${event} } }, connect ] }\n`;
    expect(checkScenarioText(waiting('listning'), FILE).problems).toEqual([expect.objectContaining({ path: 'client.steps[0].waitFor.event', hint: 'did you mean `listen`?' })]);
    expect(checkScenarioText(waiting('banana'), FILE).problems).toEqual([expect.objectContaining({ hint: expect.stringMatching(/^`server` emits `listen`, `accept`, `close`, `start`/) as unknown as string })]);
  });

  it('a `run:` peer may emit any event, but one a few letters off a known event is a warning with the nearest', () => {
    const waiting = (event: string) => `name: w\nserver: { run: [srv] }\nclient: { steps: [ { waitFor: { peer: server, event: ${event} } }, connect ] }\n`;
    const near = checkScenarioText(waiting('listning'), FILE);
    expect(near.problems).toEqual([]);
    expect(near.scenario?.warnings).toEqual([
      expect.objectContaining({ severity: 'warning', line: 3, col: 54, path: 'client.steps[0].waitFor.event', hint: 'did you mean `listen`? (if `server` reports `listning` itself, this is as meant)' }),
    ]);
    expect(checkScenarioText(waiting('listen'), FILE).scenario?.warnings).toBeUndefined();
    expect(checkScenarioText(waiting('migrated'), FILE).scenario?.warnings).toBeUndefined();
  });

  it('sendFds naming more than 253 descriptors', () => {
    const names = Array.from({ length: 253 }, (_, i) => `f${i}`);
    const files = names.map((n) => `${n}: {}`).join(', ');
    const text = `name: s\nfiles: { ${files} }\nserver: { steps: [listen, accept, { recvFds: { count: 253 } }] }\nclient: { steps: [connect, { sendFds: { files: [${names.join(', ')}], pipe: true } }] }\n`;
    expect(checkScenarioText(text, FILE).problems).toEqual([
      expect.objectContaining({ line: 4, path: 'client.steps[1].sendFds.files', message: '`sendFds` names 254 descriptors; one message carries at most 253 (SCM_MAX_FD)' }),
    ]);
    expect(checkScenarioText(text.replace(', pipe: true', ''), FILE).problems).toEqual([]);
  });
});
