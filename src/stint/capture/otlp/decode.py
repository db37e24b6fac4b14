"""OTLP/HTTP request bodies → the official `opentelemetry-proto` messages.

Accepted: `POST /v1/logs`, `/v1/metrics`, `/v1/traces` bodies in either OTLP/HTTP encoding —
binary protobuf (`application/x-protobuf`; `application/protobuf` too) or OTLP's JSON
mapping (`application/json`) — optionally compressed (`Content-Encoding: gzip`, or
`deflate`). OTLP JSON differs from protobuf's canonical JSON in two ways handled here: trace
and span ids are hex strings (not base64), and enums travel as integers; int64 values may be
strings or numbers, field names are lowerCamelCase (the proto names are accepted too) and
unknown fields are ignored, as the OTLP specification asks of receivers.

Errors: everything wrong with a body raises `OtlpDecodeError` (the route answers 400 with its
one-line message), a media type that is neither raises its subclass `UnsupportedMediaType`
(415), and a body over the limit — compressed, or once inflated, so a zip bomb is stopped
after `max_bytes` of output — raises `OtlpTooLarge` (413). All three carry `.status`.
"""

from __future__ import annotations

import base64
import json
import zlib
from typing import Any, Literal, TypeVar, cast

from google.protobuf import json_format
from google.protobuf.message import DecodeError, Message
from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import (
    ExportLogsServiceRequest,
    ExportLogsServiceResponse,
)
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import (
    ExportMetricsServiceRequest,
    ExportMetricsServiceResponse,
)
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue

Signal = Literal["logs", "metrics", "traces"]
Encoding = Literal["protobuf", "json"]
DEFAULT_MAX_BYTES = 8 * 1024 * 1024
PROTOBUF_TYPES = ("application/x-protobuf", "application/protobuf")
JSON_TYPES = ("application/json",)
_ID_FIELDS = frozenset(
    {"traceId", "spanId", "parentSpanId", "trace_id", "span_id", "parent_span_id"}
)
_REQUESTS: dict[str, type[Message]] = {
    "logs": ExportLogsServiceRequest,
    "metrics": ExportMetricsServiceRequest,
    "traces": ExportTraceServiceRequest,
}
_RESPONSES: dict[str, type[Message]] = {
    "logs": ExportLogsServiceResponse,
    "metrics": ExportMetricsServiceResponse,
    "traces": ExportTraceServiceResponse,
}
M = TypeVar("M", bound=Message)


class OtlpError(Exception):
    """Something about an OTLP request the sender must fix; `status` is the HTTP answer."""

    status = 400


class OtlpDecodeError(OtlpError):
    """The body is not a valid OTLP request of that signal in that encoding."""


class UnsupportedMediaType(OtlpDecodeError):
    status = 415


class OtlpTooLarge(OtlpError):
    status = 413


def encoding_of(content_type: str | None) -> Encoding:
    """`protobuf` or `json` from a Content-Type header (parameters such as charset are
    ignored); anything else raises `UnsupportedMediaType`."""
    media = (content_type or "").split(";", 1)[0].strip().lower()
    if media in PROTOBUF_TYPES:
        return "protobuf"
    if media in JSON_TYPES:
        return "json"
    shown = media or "none"
    raise UnsupportedMediaType(
        f"unsupported content type {shown!r}: use application/x-protobuf or application/json"
    )


def _limit_error(max_bytes: int, what: str) -> OtlpTooLarge:
    return OtlpTooLarge(f"request body {what} exceeds the limit of {max_bytes} bytes")


def _decompressed_too_large(max_bytes: int) -> OtlpTooLarge:
    return _limit_error(max_bytes, "once decompressed")


def decompress(body: bytes, content_encoding: str | None, max_bytes: int) -> bytes:
    """The body with its Content-Encoding undone (gzip, deflate, identity), never more than
    `max_bytes`: the compressed size is checked first, the inflated size while inflating."""
    if len(body) > max_bytes:
        raise _limit_error(max_bytes, f"of {len(body)} bytes")
    codings = [c.strip().lower() for c in (content_encoding or "").split(",") if c.strip()]
    for coding in reversed(codings):  # applied in the listed order, undone backwards
        if coding == "identity":
            continue
        if coding in ("gzip", "x-gzip"):
            body = _inflate(body, 16 + zlib.MAX_WBITS, max_bytes, "gzip")
        elif coding == "deflate":
            body = _inflate(body, zlib.MAX_WBITS, max_bytes, "deflate")
        else:
            raise OtlpDecodeError(f"unsupported content encoding {coding!r}: use gzip")
    return body


def _inflate(data: bytes, wbits: int, max_bytes: int, name: str) -> bytes:
    out = bytearray()
    try:
        while True:  # concatenated gzip members are one valid stream
            inflater = zlib.decompressobj(wbits)
            out += inflater.decompress(data, max_bytes + 1 - len(out))
            if len(out) > max_bytes or inflater.unconsumed_tail:
                raise _decompressed_too_large(max_bytes)
            if not inflater.eof:
                raise OtlpDecodeError(f"{name} body is truncated")
            data = inflater.unused_data
            if not data or name != "gzip":
                break
    except zlib.error as exc:
        raise OtlpDecodeError(f"{name} body is corrupt: {exc}") from None
    return bytes(out)


def _hex_ids(node: Any) -> Any:
    """OTLP JSON writes ids as hex; protobuf's JSON parser wants base64 for bytes."""
    if isinstance(node, dict):
        fixed: dict[str, Any] = {}
        for key, value in node.items():
            if key in _ID_FIELDS and isinstance(value, str):
                try:
                    raw = bytes.fromhex(value)
                except ValueError:
                    raise OtlpDecodeError(f"{key} is not a hex string: {value[:40]!r}") from None
                fixed[key] = base64.b64encode(raw).decode("ascii")
            else:
                fixed[key] = _hex_ids(value)
        return fixed
    if isinstance(node, list):
        return [_hex_ids(item) for item in node]
    return node


def _parse_json(body: bytes, message: M, signal: str) -> M:
    try:
        data = json.loads(body)
    except UnicodeDecodeError:
        raise OtlpDecodeError("JSON body is not UTF-8") from None
    except json.JSONDecodeError as exc:
        raise OtlpDecodeError(f"body is not JSON: {exc}") from None
    except RecursionError:
        raise OtlpDecodeError("JSON body is nested too deeply") from None
    if not isinstance(data, dict):
        raise OtlpDecodeError(f"JSON body must be an object, got {type(data).__name__}")
    try:
        json_format.ParseDict(_hex_ids(data), message, ignore_unknown_fields=True)
    except json_format.ParseError as exc:
        line = str(exc).splitlines()[0] if str(exc) else "invalid field"
        raise OtlpDecodeError(f"not an OTLP {signal} request: {line}") from None
    except RecursionError:
        raise OtlpDecodeError("JSON body is nested too deeply") from None
    return message


def decode(
    signal: Signal,
    body: bytes,
    content_type: str | None,
    content_encoding: str | None = None,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Message:
    """One OTLP/HTTP request body → its `Export*ServiceRequest` message."""
    if signal not in _REQUESTS:
        raise OtlpDecodeError(f"unknown signal {signal!r}")
    encoding = encoding_of(content_type)
    raw = decompress(bytes(body), content_encoding, max_bytes)
    message = _REQUESTS[signal]()
    if encoding == "json":
        return _parse_json(raw, message, signal)
    try:
        message.ParseFromString(raw)
    except (DecodeError, RuntimeError, ValueError) as exc:
        line = str(exc).splitlines()[0] if str(exc) else "malformed protobuf"
        raise OtlpDecodeError(f"not an OTLP {signal} protobuf request: {line}") from None
    return message


def decode_logs(
    body: bytes,
    content_type: str | None,
    content_encoding: str | None = None,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> ExportLogsServiceRequest:
    found = decode("logs", body, content_type, content_encoding, max_bytes=max_bytes)
    return cast(ExportLogsServiceRequest, found)


def decode_metrics(
    body: bytes,
    content_type: str | None,
    content_encoding: str | None = None,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> ExportMetricsServiceRequest:
    found = decode("metrics", body, content_type, content_encoding, max_bytes=max_bytes)
    return cast(ExportMetricsServiceRequest, found)


def decode_traces(
    body: bytes,
    content_type: str | None,
    content_encoding: str | None = None,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> ExportTraceServiceRequest:
    found = decode("traces", body, content_type, content_encoding, max_bytes=max_bytes)
    return cast(ExportTraceServiceRequest, found)


def _base64_to_hex(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            key: (
                base64.b64decode(value).hex()
                if key in _ID_FIELDS and isinstance(value, str)
                else _base64_to_hex(value)
            )
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_base64_to_hex(item) for item in node]
    return node


def to_otlp_json(message: Message) -> bytes:
    """A message in OTLP's JSON encoding: camelCase, hex ids, integer enums, int64 as
    strings (what an `http/json` exporter sends)."""
    data = json_format.MessageToDict(message, use_integers_for_enums=True)
    return json.dumps(_base64_to_hex(data), separators=(",", ":")).encode("utf-8")


def response_body(
    signal: Signal,
    encoding: Encoding,
    rejected: int = 0,
    error_message: str = "",
) -> bytes:
    """The success answer for a request, in the request's encoding; `rejected` items and
    their reason become OTLP's `partial_success`."""
    response = _RESPONSES[signal]()
    if rejected or error_message:
        part = cast(Any, response).partial_success
        field = {
            "logs": "rejected_log_records",
            "metrics": "rejected_data_points",
            "traces": "rejected_spans",
        }[signal]
        setattr(part, field, rejected)
        part.error_message = error_message
    if encoding == "json":
        return to_otlp_json(response)
    return bytes(response.SerializeToString())


def value_of(value: AnyValue) -> Any:
    """An OTLP AnyValue as plain Python: str, bool, int, float, bytes, list or dict (None
    when unset)."""
    kind = value.WhichOneof("value")
    if kind is None:
        return None
    if kind == "array_value":
        return [value_of(v) for v in value.array_value.values]
    if kind == "kvlist_value":
        return attributes(value.kvlist_value.values)
    return getattr(value, kind)


def attributes(pairs: Any) -> dict[str, Any]:
    """Repeated KeyValue → dict (a repeated key keeps its last value)."""
    found: dict[str, Any] = {}
    for pair in cast("list[KeyValue]", pairs):
        found[pair.key] = value_of(pair.value)
    return found
