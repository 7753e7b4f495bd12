export { toPretty, formatFailureDetails, formatResultLine } from './pretty';
export { toJUnit } from './junit';
export { toJsonReport, JSON_REPORT_VERSION } from './json';
export { timelineToMermaid } from './mermaid';
export { timelineToHtml } from './html';
export { toGithubSummary } from './github-summary';
export { writeReports, appendGithubSummary, type FileReporter, type WrittenReports } from './write';
export { palette, wantsColor, type Palette } from './color';
export { countResults, type RunSummary, type InvalidScenario, type Counts } from './summary';
