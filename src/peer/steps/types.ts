import type { Step, StepName } from '../../scenario/types';
import type { StepProgress } from '../progress';
import type { PeerRuntime } from '../runtime';

export type StepOf<K extends StepName> = Extract<Step, { step: K }>;

/** Details of the event a completed step writes (the event is named after the step). */
export type StepDetails = Record<string, unknown>;

export interface StepImpl<K extends StepName> {
  run(step: StepOf<K>, peer: PeerRuntime, progress: StepProgress): Promise<StepDetails>;
  /**
   * Steps that wait by design (sleep) or end the process get no default timeout; a `timeout:`
   * written on the step still applies.
   */
  untimed?: boolean;
}

export type StepRegistry = { [K in StepName]: StepImpl<K> };
