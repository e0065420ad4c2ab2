#!/usr/bin/env python3
"""Validate one event body against a draft-04 schema with Python's jsonschema, as fast as it goes,
and print the rate: the Python side of the listener's validation benchmark."""
import argparse, json, sys, time

import jsonschema


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--schema", required=True)
    parser.add_argument("--event", required=True)
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    schema = json.load(open(args.schema))
    raw = open(args.event).read()
    validator = jsonschema.Draft4Validator(schema)
    if not validator.is_valid(json.loads(raw)):
        sys.exit("the event is not valid under the schema")
    count = 0
    start = time.perf_counter()
    deadline = start + args.seconds
    while time.perf_counter() < deadline:
        for _ in range(100):
            # parse + validate, as the listener does per request
            validator.validate(json.loads(raw))
        count += 100
    elapsed = time.perf_counter() - start
    print(json.dumps({"events": count, "seconds": elapsed, "per_second": count / elapsed}))


if __name__ == "__main__":
    main()
