// --help text for every command, with examples.

export const HELP: Record<string, string> = {
  main: `uds-fixture — run UNIX domain socket scenarios between real processes

Usage: uds-fixture <command> [options]

Commands:
  run [files|dirs|globs]   run scenario files (a directory means its *.scenario.yaml|yml|json)
  validate [files...]      check scenario files; print every problem as file:line:col
  list [files|dirs|globs]  list the scenarios that run would select
  schema                   print the JSON Schema of the scenario format
  merge-reports DIR...     merge the JSON reports of a sharded run into one set of reports
  proxy --listen A --connect B   forward between two programs, injecting faults, printing what crosses
  timeline CAPTURE         draw a proxy's --capture file as a timeline (HTML, Mermaid)

Examples:
  uds-fixture validate fixtures
  uds-fixture run fixtures --reporter pretty --reporter junit --out reports
  uds-fixture list fixtures --tag smoke

Run 'uds-fixture <command> --help' for a command's options; 'uds-fixture --version' for the version.
Exit status: 0 all passed, 1 a scenario failed, 2 bad input or usage,
130 / 143 interrupted by SIGINT / SIGTERM (after the peers were stopped and cleaned up).`,
  run: `Usage: uds-fixture run [files|dirs|globs] [options]

Runs each scenario: spawns its peers, judges what crossed the socket, cleans up.
With no argument, runs ./fixtures if it exists, else the current directory.

Options:
  --reporter R     pretty (default), json, junit; repeat for several
  --out DIR        write reports (results.json, junit.xml, timelines/*.html|.mmd) into DIR
  --jobs N         scenarios run at once (default: number of cores); heavy scenarios
                   (many peers) run fewer at once, within 8 scripted peers per core
  --shard i/n      run only the i-th of n equal parts (for CI machines)
  --grep RE        only scenarios whose name matches RE
  --tag T          only scenarios tagged T (repeat: any of them)
  --timeout D      override every scenario's timeout, e.g. 30s
  --timelines      write timelines of passed scenarios too (needs --out)
  -h, --help       this text

Examples:
  uds-fixture run fixtures
  uds-fixture run 'tests/**/*.scenario.yaml' --jobs 4 --grep echo
  uds-fixture run fixtures --reporter pretty --reporter junit --out reports
  uds-fixture run fixtures --shard 2/4 --tag smoke

JSON and JUnit without --out go to standard output (one of them at most).`,
  proxy: `Usage: uds-fixture proxy --listen PATH --connect PATH [options]

Listens on --listen (clients connect there), connects each client to --connect (the server) and
forwards both ways, descriptors (SCM_RIGHTS) included, printing each message, descriptor,
connection and injected fault as a line on stdout. Ctrl-C or SIGTERM stops it: connections end
and the listening path it bound is removed (a path that exists is refused, never replaced).

Options:
  --type T              stream (default), dgram, seqpacket
  --capture FILE        also write every event as a JSON record to FILE (must not exist): a
                        proxy-start line first, proxy-stopped with the counters last
  -q, --quiet           no event lines on stdout; without --capture also no event per message
                        (the counters at the end still count), so a stream forwards at full speed
  --seed N              seed of the probabilistic faults (random and printed when absent)
  --direction D         which way the fault options below apply: both (default), to-server, to-client
  --chunk SIZE          stream: re-split into pieces of SIZE bytes, e.g. 1 or 1..7
  --delay D [--jitter D] hold each message, e.g. 20ms
  --delay-per chunk     with --chunk: hold each piece of the re-split instead of each message
  --drop SEL            dgram/seqpacket: drop messages; SEL is 3 or 3,5 (numbers), 10% (rate) or all
  --duplicate SEL       dgram/seqpacket: send messages twice
  --reorder SEL         dgram/seqpacket: send a message after the next one
  --corrupt N[,N]       flip the byte at offset N of the direction
  --reset N             stream/seqpacket: end the connection abruptly after N bytes
  --stall N:D           stop reading for D after N bytes, e.g. 4096:500ms
  --drop-fds SEL        forward the bytes, close the descriptors that came with them
  --truncate-fds K      forward only the first K descriptors of each message
  --faults FILE         YAML/JSON { toServer: {...}, toClient: {...}, seed } in the scenario's proxy: form

Examples:
  uds-fixture proxy --listen /tmp/app.proxy --connect /tmp/app.sock
  uds-fixture proxy --listen /tmp/p --connect /tmp/s --chunk 1 --direction to-server
  uds-fixture proxy --listen /tmp/p --connect /tmp/s --type dgram --drop 10% --seed 42 --capture out.jsonl
  uds-fixture timeline out.jsonl --html out.html     (the capture drawn as a timeline)

Exit status: 0 stopped cleanly, 2 bad options or the listening path cannot be bound.`,
  timeline: `Usage: uds-fixture timeline CAPTURE [--html FILE] [--mermaid FILE]

Draws a capture file of 'uds-fixture proxy --capture' as the timeline a scenario's report has:
the server, the proxy and each connection's client as lanes, each message an arrow into the
proxy and on, faults and connection ends as notes. A capture cut short (the proxy killed) is
drawn as far as it goes. The files are created; one that exists is refused, never replaced.

Options:
  --html FILE      write the self-contained HTML page (inline SVG, no script) to FILE
  --mermaid FILE   write the Mermaid sequence diagram to FILE
  (with neither, the Mermaid diagram goes to standard output)

Examples:
  uds-fixture timeline out.jsonl --html out.html
  uds-fixture timeline out.jsonl > out.mmd

Exit status: 0 drawn, 2 not a capture file (file:line:col says where) or a file that exists.`,
  validate: `Usage: uds-fixture validate [files|dirs|globs]

Loads and checks scenario files without running them. Every problem is printed as
file:line:col with the source line and a hint. Exit 0 when all are valid, 2 otherwise.

Examples:
  uds-fixture validate fixtures
  uds-fixture validate my.scenario.yaml`,
  'merge-reports': `Usage: uds-fixture merge-reports DIR... --out DIR

Merges the reports of a suite split with --shard: each DIR is the --out of one shard's
'run --reporter json' (or its results.json). Writes into --out one results.json, one junit.xml,
the timelines of the failed scenarios and index.html (every scenario, linking to its timeline),
and prints the failures. Exit status as for run: 0 all passed, 1 a scenario failed, 2 bad input.

Options:
  --out DIR        where the merged reports go (required)

Examples:
  uds-fixture merge-reports shard-1 shard-2 shard-3 --out merged`,
  list: `Usage: uds-fixture list [files|dirs|globs] [--grep RE] [--tag T] [--shard i/n]

Prints the scenarios that 'run' would select, one per line: file, name and tags.

Examples:
  uds-fixture list fixtures --tag smoke`,
  schema: `Usage: uds-fixture schema

Prints the JSON Schema of the scenario format. Point your editor at it:
  # yaml-language-server: $schema=./node_modules/uds-fixture/dist/scenario.schema.json

Examples:
  uds-fixture schema > scenario.schema.json`,
};
