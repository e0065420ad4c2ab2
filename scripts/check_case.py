#!/usr/bin/env python3
"""Checks one end-to-end case: the events a listener received for a trace against the reference plugin's.

  check_case.py GOLDEN.jsonl GOLDEN.log EVENTS.json COMPARE_EVENTS.py [--ordered]

EVENTS.json is the listener's GET /testControl/v1/events answer. Every event must be valid. Where the reference
plugin raised (the ticks its runner logged in GOLDEN.log) the agent sends the event it can build: one measurement
event per such tick is set aside; the rest must equal GOLDEN.jsonl by compare_events.py's rules (when COMPARE_EVENTS.py is missing, as on a
bare clone without ../shared, only their number is checked). With --ordered the
eventIds must also arrive in increasing order. Prints one line; exit 0 when the case passes.
"""
import json, os, subprocess, sys, tempfile

def main():
    golden, log, events_path, compare = sys.argv[1:5]
    ordered = '--ordered' in sys.argv[5:]
    records = [r for r in json.load(open(events_path))['events'] if r.get('kind') == 'event']
    events = [r['event'] for r in records]
    invalid = [r for r in records if not r.get('valid')]
    crash_ticks = set()
    for line in open(log):
        if line.startswith('error: event_timer at '):
            crash_ticks.add(round(float(line.split()[3]) * 1e6))
    compared, excused = [], []
    for event in events:
        header = event.get('commonEventHeader', {})
        start = header.get('startEpochMicrosec')
        if header.get('domain') == 'measurementsForVfScaling' and start is not None and round(start) in crash_ticks:
            excused.append(event)
        else:
            compared.append(event)
    problems = []
    if invalid:
        problems.append('%d invalid, e.g. %s' % (len(invalid), json.dumps(invalid[0].get('errors'))[:200]))
    if len(excused) != len(crash_ticks):
        problems.append('%d events at the %d ticks where the plugin raised' % (len(excused), len(crash_ticks)))
    ids = [int(e['commonEventHeader']['eventId']) for e in events]
    if ordered and ids != sorted(ids):
        problems.append('eventIds out of order')
    if len(set(ids)) != len(ids):
        problems.append('an eventId arrived twice')
    if os.path.isfile(compare):
        with tempfile.NamedTemporaryFile('w', suffix='.jsonl', delete=False) as actual:
            for event in compared:
                actual.write(json.dumps(event) + '\n')
        try:
            run = subprocess.run([sys.executable, compare, golden, actual.name], capture_output=True, text=True)
        finally:
            os.unlink(actual.name)
        verdict = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else run.stderr.strip()
        if run.returncode != 0:
            problems.append('compare_events: ' + '; '.join(run.stdout.strip().splitlines()[-3:]))
    else:
        # a bare clone: the reference comparer is third-party material in ../shared; the count is still checked
        expected = sum(1 for line in open(golden) if line.strip())
        verdict = 'not compared (%s is missing), %d golden events' % (compare, expected)
        if len(compared) != expected:
            problems.append('%d events where the golden file has %d' % (len(compared), expected))
    summary = '%d events (%d valid), reference: %s' % (len(events), len(events) - len(invalid), verdict)
    if excused:
        summary += ', %d where the plugin raised' % len(excused)
    print(summary + ('' if not problems else ' -- ' + '; '.join(problems)))
    sys.exit(1 if problems else 0)

if __name__ == '__main__':
    main()
