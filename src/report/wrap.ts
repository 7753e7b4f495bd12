// Long text for pictures that do not wrap by themselves (SVG text, Mermaid notes): lines of a
// set width, broken at spaces where possible, so a failure is written in full, never cut.

/** characters per line of a note or failure text: the HTML text column is about 440 px wide */
export const WRAP = 60;

/** Splits text into lines of at most `width` characters, at spaces where it can; nothing is cut. */
export function wrapText(text: string, width = WRAP): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(' ')) {
      if (word === '') {
        line += ' '; // a run of spaces is kept as written
        continue;
      }
      // A word longer than a line (a path, a hex dump) is split where the line ends.
      let rest = word;
      while (rest.length > 0) {
        const room = width - (line ? line.length + 1 : 0);
        if (rest.length <= room) {
          line = line ? `${line} ${rest}` : rest;
          rest = '';
        } else if (line && rest.length <= width) {
          lines.push(line);
          line = '';
        } else {
          const take = Math.max(1, room);
          line = line ? `${line} ${rest.slice(0, take)}` : rest.slice(0, take);
          rest = rest.slice(take);
          lines.push(line);
          line = '';
        }
      }
    }
    lines.push(line);
  }
  return lines;
}
