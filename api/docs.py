"""The API's documentation page, read from its OpenAPI description: every path, parameter, request body,
response and schema, so the page and /api/openapi.json can never disagree."""

from __future__ import annotations

from dataclasses import dataclass, field

METHODS = ("get", "put", "post", "patch", "delete")


@dataclass
class Parameter:
    name: str
    where: str
    required: bool
    type: str
    description: str


@dataclass
class Response:
    status: str
    description: str
    schema: str  # its schema in words, "" when it has none
    link: str = ""  # the name of the schema it refers to, for a link to it on the page


@dataclass
class Operation:
    method: str
    path: str
    summary: str
    description: str
    anchor: str
    parameters: list[Parameter]
    body: str  # the request body's schema in words, or ""
    body_link: str
    responses: list[Response]


@dataclass
class Property:
    name: str
    type: str
    required: bool
    description: str


@dataclass
class SchemaDoc:
    name: str
    description: str
    properties: list[Property] = field(default_factory=list)


def ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def type_text(schema: dict) -> str:
    """A schema's type in words: "string (date)", "list of ErrorDetail", "integer or null", "one of: red, amber"."""
    if not schema:
        return "any"
    if "$ref" in schema:
        return ref_name(schema["$ref"])
    if "const" in schema:
        return f"“{schema['const']}”"
    if "enum" in schema:
        return "one of: " + ", ".join(f"“{value}”" if value else "“” (blank)" for value in schema["enum"])
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            return " or ".join(dict.fromkeys(type_text(part) for part in schema[key]))
    kind = schema.get("type", "any")
    if kind == "array":
        return f"list of {type_text(schema.get('items', {}))}"
    words = [kind + (f" ({schema['format']})" if "format" in schema else "")]
    if "minimum" in schema:
        words.append(f"at least {schema['minimum']}")
    if "maximum" in schema and schema["maximum"] < 2**53:  # larger ones only keep ids within the database's
        words.append(f"at most {schema['maximum']}")
    if "maxLength" in schema:
        words.append(f"at most {schema['maxLength']} characters")
    if "pattern" in schema:
        words.append(f"matching {schema['pattern']}")
    return ", ".join(words)


def _parameters(operation: dict) -> list[Parameter]:
    return [
        Parameter(p["name"], p["in"], p.get("required", False), type_text(p.get("schema", {})),
                  p.get("description") or p.get("schema", {}).get("description", ""))
        for p in operation.get("parameters", [])
    ]  # fmt: skip


def _schema_of(content: dict) -> tuple[str, str]:
    """(the schema in words, the name of the schema it refers to) of a JSON body."""
    schema = content.get("application/json", {}).get("schema", {})
    return (type_text(schema), ref_name(schema["$ref"]) if "$ref" in schema else "") if schema else ("", "")


def operations(openapi: dict) -> list[Operation]:
    result = []
    for path, item in openapi["paths"].items():
        for method in METHODS:
            if method not in item:
                continue
            op = item[method]
            body, body_link = _schema_of(op.get("requestBody", {}).get("content", {}))
            responses = [Response(status, r.get("description", ""), *_schema_of(r.get("content", {})))
                         for status, r in sorted(op.get("responses", {}).items())]  # fmt: skip
            anchor = op.get("operationId", f"{method}-{path}")
            result.append(Operation(method.upper(), path, op.get("summary", ""), op.get("description", ""), anchor,
                                    _parameters(op), body, body_link, responses))  # fmt: skip
    return result


def schemas(openapi: dict) -> list[SchemaDoc]:
    result = []
    for name, schema in sorted(openapi.get("components", {}).get("schemas", {}).items()):
        required = set(schema.get("required", []))
        properties = [
            Property(prop, type_text(body), prop in required, body.get("description", ""))
            for prop, body in schema.get("properties", {}).items()
        ]
        result.append(SchemaDoc(name, schema.get("description", ""), properties))
    return result
