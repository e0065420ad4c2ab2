#!/usr/bin/env python3
"""Checks what a live collectd sent through ves-agent into ves-listener against what collectd sent.

  check_collectd_run.py EVENTS.json RECORDED.jsonl INTERVAL AGENT_STATS RECORDER_SUMMARY

EVENTS.json is the listener's GET /testControl/v1/events answer; RECORDED.jsonl is the trace `ves-replay record`
made of the same datagrams (collectd sent each to both). Prints one 'PASS|FAIL check: detail' line per check.
"""
import json, re, sys

def main():
    events_path, recorded_path, interval, agent_stats, recorder_summary = sys.argv[1:6]
    interval = float(interval)
    records = [r for r in json.load(open(events_path))['events'] if r.get('kind') == 'event']
    events = [r['event'] for r in records]
    recorded = [json.loads(line) for line in open(recorded_path) if line.strip()]
    values = [r for r in recorded if 'values' in r]
    notifications = [r for r in recorded if 'severity' in r]
    checks = []

    def check(name, ok, detail):
        checks.append(ok)
        print('%s %-14s %s' % ('PASS' if ok else 'FAIL', name, detail))

    invalid = [r for r in records if not r.get('valid')]
    check('valid', not invalid and events, '%d events, %d invalid' % (len(events), len(invalid)))

    measurements = [e for e in events if e['commonEventHeader']['domain'] == 'measurementsForVfScaling']
    starts = sorted(e['commonEventHeader']['startEpochMicrosec'] / 1e6 for e in measurements)
    gaps = [b - a for a, b in zip(starts, starts[1:])]
    steady = all(abs(g - interval) < 0.5 for g in gaps)
    check('cadence', len(measurements) >= 5 and steady,
          '%d measurement events, %s s apart' % (len(measurements),
                                                   ', '.join('%.2f' % g for g in gaps[:8]) + (' ...' if len(gaps) > 8 else '')))

    ids = [int(e['commonEventHeader']['eventId']) for e in events]
    check('in order', ids == list(range(1, len(ids) + 1)), 'eventIds 1..%d, none missing or repeated' % len(ids)
          if ids == list(range(1, len(ids) + 1)) else 'eventIds %s' % ids[:20])

    faults = [e for e in events if e['commonEventHeader']['domain'] == 'fault']
    check('faults', len(faults) == len(notifications) and len(faults) > 0,
          '%d threshold notifications from collectd, %d fault events' % (len(notifications), len(faults)))

    # the numbers in the events are collectd's numbers
    memory = {round(r['values'][0] / 1073741824.0, 3) for r in values
              if r['plugin'] == 'memory' and r.get('type_instance') == 'used'}
    loads = {tuple(float(v) for v in r['values']) for r in values if r['plugin'] == 'load'}
    # cpu-aggregation's system and user values
    system = [(r['time'], r['values'][0]) for r in values
              if r['plugin'] == 'cpu-aggregation' and r.get('type_instance') == 'system']
    user = [(r['time'], r['values'][0]) for r in values
            if r['plugin'] == 'cpu-aggregation' and r.get('type_instance') == 'user']
    # (a datagram may carry one interval's system and the next one's user: the agent, like the plugin, adds the
    # latest of each)
    aggregates = {round(s + u, 2) for ts, s in system for tu, u in user if abs(ts - tu) < 2.5}
    # when the first of them reached the recorder (and so the agent): an event built before has no aggregate yet
    def first_arrival(instance):
        return min([r.get('recv_time', r['time']) for r in values
                    if r['plugin'] == 'cpu-aggregation' and r.get('type_instance') == instance] or [float('inf')])
    first_aggregate = max(first_arrival('system'), first_arrival('user'))
    wrong = []
    for e in measurements:
        fields = e['measurementsForVfScalingFields']
        if fields['memoryUsed'] not in memory:
            wrong.append('memoryUsed %r' % fields['memoryUsed'])
        start = e['commonEventHeader']['startEpochMicrosec'] / 1e6
        before_first = fields['aggregateCpuUsage'] == 0 and start < first_aggregate
        if not before_first and not any(abs(fields['aggregateCpuUsage'] - a) < 0.011 for a in aggregates):
            wrong.append('aggregateCpuUsage %r' % fields['aggregateCpuUsage'])
        for group in fields['additionalMeasurements']:
            if group['name'] == 'load':
                triple = tuple(float(m['value']) for m in group['measurements'])
                if not any(all(abs(a - b) <= 1e-9 * max(1, abs(b)) for a, b in zip(triple, t)) for t in loads):
                    wrong.append('load %r' % (triple,))
    check('values', not wrong, 'memoryUsed, aggregateCpuUsage and load of %d events are collectd\'s' % len(measurements)
          if not wrong else '; '.join(wrong[:5]))

    received = re.search(r'(\d+) value lists, (\d+) notifications', agent_stats)
    bad = re.search(r'\((\d+) bad\)', agent_stats)
    dropped = re.search(r'(\d+) dropped', agent_stats)
    got = (int(received.group(1)), int(received.group(2))) if received else None
    sent = (len(values), len(notifications))
    check('nothing lost', got == sent and bad and bad.group(1) == '0' and dropped and dropped.group(1) == '0',
          'collectd sent %d value lists and %d notifications; the agent received %s, %s bad datagrams, %s events dropped'
          % (sent[0], sent[1], got, bad.group(1) if bad else '?', dropped.group(1) if dropped else '?'))
    sys.exit(0 if all(checks) else 1)

if __name__ == '__main__':
    main()
