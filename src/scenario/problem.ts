// One thing wrong (or, as a warning, suspicious) in a scenario, where it was written, and what to
// write instead. A leaf module: the scenario types refer to it, and they import nothing else.

export interface Problem {
  /** the scenario file; absent for inline scenarios */
  file?: string;
  /** 1-based; absent when the position is unknown (inline scenarios name `path` instead) */
  line?: number;
  col?: number;
  /** JSON path of the offending value, like `server.steps[2].send`; empty for the whole file */
  path: string;
  message: string;
  hint?: string;
  /** the text of `line`, so a problem can be shown with a caret without rereading the file */
  source?: string;
  /** `warning`: valid input that is probably not what was meant; the scenario still loads */
  severity?: 'warning';
}
