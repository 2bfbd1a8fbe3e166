#!/usr/bin/python3
"""tests/cli/openapi_check.py — check one JSON answer against docs/openapi.yaml.

    openapi_check.py SPEC METHOD PATH STATUS BODYFILE

SPEC is docs/openapi.yaml, written as JSON (valid YAML 1.2) so the standard
library reads it.  PATH is the request path without the query and without
the server prefix /api/v1 ("/learners/131").  Finds the operation whose path
template matches, the response for STATUS, and checks BODYFILE against its
schema: types (including nullable type lists), required properties, enum,
array items, oneOf and $ref.  Prints what is wrong and exits 1, or exits 0.
Standard library only.
"""
import json
import re
import sys


def resolve(spec, node):
    """Follow $ref pointers ("#/components/...") until a plain object."""
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        if not ref.startswith("#/"):
            raise ValueError("only local references are supported: " + ref)
        node = spec
        for part in ref[2:].split("/"):
            node = node[part]
    return node


def type_ok(value, t):
    """Whether value has the JSON Schema type t."""
    if t == "null":
        return value is None
    if t == "boolean":
        return isinstance(value, bool)
    if t == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if t == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if t == "string":
        return isinstance(value, str)
    if t == "array":
        return isinstance(value, list)
    if t == "object":
        return isinstance(value, dict)
    raise ValueError("unknown type " + t)


def check(spec, schema, value, where, errors):
    """Append to errors every way value breaks schema."""
    schema = resolve(spec, schema)
    if "oneOf" in schema:
        matches = 0
        for option in schema["oneOf"]:
            sub = []
            check(spec, option, value, where, sub)
            matches += not sub
        if matches != 1:
            errors.append("%s: matches %d of the oneOf choices, not 1" % (where, matches))
        return
    types = schema.get("type")
    if types is not None:
        types = types if isinstance(types, list) else [types]
        if not any(type_ok(value, t) for t in types):
            errors.append("%s: %r is not of type %s" % (where, value, "/".join(types)))
            return
    if "enum" in schema and value not in schema["enum"]:
        errors.append("%s: %r is not one of %s" % (where, value, schema["enum"]))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            errors.append("%s: %r is below %r" % (where, value, schema["minimum"]))
        if "maximum" in schema and value > schema["maximum"]:
            errors.append("%s: %r is above %r" % (where, value, schema["maximum"]))
    if isinstance(value, str) and len(value) < schema.get("minLength", 0):
        errors.append("%s: %r is shorter than %r" % (where, value, schema["minLength"]))
    if isinstance(value, str) and schema.get("format") == "date":
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            errors.append("%s: %r is not a date" % (where, value))
    if isinstance(value, dict):
        for name in schema.get("required", []):
            if name not in value:
                errors.append("%s: required property %r is missing" % (where, name))
        for name, sub in schema.get("properties", {}).items():
            if name in value:
                check(spec, sub, value[name], where + "." + name, errors)
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            check(spec, schema["items"], item, "%s[%d]" % (where, i), errors)


def operation(spec, method, path):
    """The operation object for method and path, or None."""
    for template, item in spec["paths"].items():
        pattern = "^" + re.sub(r"\\\{[^}]*\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path) and method.lower() in item:
            return item[method.lower()]
    return None


def main(argv):
    if len(argv) != 6:
        print("usage: openapi_check.py SPEC METHOD PATH STATUS BODYFILE")
        return 2
    spec_file, method, path, status, body_file = argv[1:]
    with open(spec_file, encoding="utf-8") as f:
        spec = json.load(f)
    if not str(spec.get("openapi", "")).startswith("3.1"):
        print("the spec is not OpenAPI 3.1")
        return 1
    op = operation(spec, method, path)
    if op is None:
        print("no operation %s %s in the spec" % (method, path))
        return 1
    response = op["responses"].get(status)
    if response is None:
        print("%s %s: status %s is not described" % (method, path, status))
        return 1
    response = resolve(spec, response)
    media = response.get("content", {}).get("application/json")
    if media is None:
        print("%s %s %s: no application/json content described" % (method, path, status))
        return 1
    try:
        with open(body_file, encoding="utf-8") as f:
            body = json.load(f)
    except ValueError as e:
        print("%s %s %s: the body is not JSON: %s" % (method, path, status, e))
        return 1
    errors = []
    check(spec, media["schema"], body, "body", errors)
    for e in errors:
        print("%s %s %s: %s" % (method, path, status, e))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
