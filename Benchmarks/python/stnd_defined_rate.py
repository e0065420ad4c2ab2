#!/usr/bin/env python3
"""The Python side of the 7.2.1 validation benchmark: one stndDefined event body checked as ONAP's collector does
it, with Python's jsonschema: the VES envelope against the official 30.2.1 file, then stndDefinedFields.data
against the OpenAPI schema its schemaReference names (found through a schema-map.json folder, YAML read with
PyYAML, references resolved with the referencing library). Prints the rate as one JSON line."""
import argparse, json, os, sys, time

import jsonschema
import referencing
import yaml


def registry_for(folder):
    """Every file the folder's schema-map.json names, under its public URL."""
    with open(os.path.join(folder, "schema-map.json")) as f:
        entries = json.load(f)
    resources = []
    for entry in entries:
        with open(os.path.join(folder, entry["localURL"])) as f:
            document = yaml.safe_load(f)
        resources.append((entry["publicURL"], referencing.Resource.from_contents(
            document, default_specification=referencing.jsonschema.DRAFT4)))
    return referencing.Registry().with_resources(resources)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--schema", required=True, help="the official VES schema file")
    parser.add_argument("--event", required=True, help="a single-event body")
    parser.add_argument("--stnd-defined", help="a schema-map.json folder: also check stndDefinedFields.data")
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    with open(args.schema) as f:
        envelope = jsonschema.Draft4Validator(json.load(f))
    with open(args.event) as f:
        raw = f.read()
    data_validator = None
    if args.stnd_defined:
        reference = json.loads(raw)["event"]["stndDefinedFields"]["schemaReference"]
        public, _, fragment = reference.partition("#")
        target = {"$ref": public + "#" + (fragment if fragment.startswith("/") else "/" + fragment)}
        data_validator = jsonschema.Draft4Validator(target, registry=registry_for(args.stnd_defined))

    def check(body):
        envelope.validate(body)
        if data_validator is not None:
            data_validator.validate(body["event"]["stndDefinedFields"]["data"])

    check(json.loads(raw))  # raises when the event is not valid
    count = 0
    start = time.perf_counter()
    deadline = start + args.seconds
    while time.perf_counter() < deadline:
        for _ in range(20):
            check(json.loads(raw))  # parse + validate, as the listener does per request
        count += 20
    elapsed = time.perf_counter() - start
    print(json.dumps({"events": count, "seconds": elapsed, "per_second": count / elapsed}))


if __name__ == "__main__":
    sys.exit(main())
