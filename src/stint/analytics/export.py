"""Export (json, jsonl, csv), streamed row by row, and the import that reads a json or
jsonl export back losslessly: same ids, same values, a second import changes nothing.

json:  {"format": "stint-export", "version": 1, "tables": {"sessions": [row, …], …}}
       with one row per line, so even the single document is written in constant memory.
jsonl: a header line {"format": "stint-export", "version": 1}, then {"table": …, "row": …}
       per line.
csv:   one table (default sessions); JSON-valued columns hold JSON text.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import IO, Any

from stint.model.types import StintError

FORMATS = ("json", "jsonl", "csv")
FORMAT_NAME = "stint-export"
VERSION = 1


def _plain(row: dict[str, Any], drop: tuple[str, ...] = ("org_id",)) -> dict[str, Any]:
    return {
        k: (v.isoformat() if isinstance(v, datetime) else v)
        for k, v in row.items()
        if k not in drop
    }


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def write(out: IO[str], fmt: Any, tables: Iterable[tuple[str, Iterator[dict[str, Any]]]]) -> int:
    """Write `tables` (name, rows) to `out` in `fmt` (a name of FORMATS, or a plugin's
    exporter: `fmt.write(table, rows, out)` per table); returns the number of rows."""
    if not isinstance(fmt, str):
        return sum(int(fmt.write(name, (_plain(r) for r in rows), out)) for name, rows in tables)
    if fmt not in FORMATS:
        raise StintError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    count = 0
    if fmt == "csv":
        for _name, rows in tables:
            writer: Any = None
            for row in rows:
                plain = _plain(row)
                if writer is None:
                    writer = csv.DictWriter(out, fieldnames=list(plain), lineterminator="\n")
                    writer.writeheader()
                writer.writerow(
                    {k: _dump(v) if isinstance(v, dict | list) else v for k, v in plain.items()}
                )
                count += 1
        return count
    header = {"format": FORMAT_NAME, "version": VERSION}
    if fmt == "jsonl":
        out.write(_dump(header) + "\n")
        for name, rows in tables:
            for row in rows:
                out.write(_dump({"table": name, "row": _plain(row)}) + "\n")
                count += 1
        return count
    out.write(_dump(header)[:-1] + ',"tables":{')
    for index, (name, rows) in enumerate(tables):
        out.write(("," if index else "") + f"\n{_dump(name)}:[")
        first = True
        for row in rows:
            out.write(("\n" if first else ",\n") + _dump(_plain(row)))
            first = False
            count += 1
        out.write("]")
    out.write("\n}}\n")
    return count


def read(stream: IO[str]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(table, row) pairs of a json or jsonl export, in the order written."""
    first = stream.readline()
    try:
        header = json.loads(first)
    except json.JSONDecodeError:
        header = None
    if isinstance(header, dict) and "tables" not in header:
        _check(header)
        for line in stream:
            if line.strip():
                item = json.loads(line)
                yield item["table"], item["row"]
        return
    document = json.loads(first + stream.read())
    _check(document)
    for name, table_rows in document["tables"].items():
        for row in table_rows:
            yield name, row


def _check(header: Any) -> None:
    if not isinstance(header, dict) or header.get("format") != FORMAT_NAME:
        raise StintError("not a stint export (expected a json or jsonl file from stint export)")
    if header.get("version") != VERSION:
        raise StintError(f"export version {header.get('version')} is not supported")


def batches(
    pairs: Iterator[tuple[str, dict[str, Any]]], size: int = 1000
) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """Consecutive rows of the same table, grouped into lists of at most `size`."""
    pending: list[dict[str, Any]] = []
    current: str | None = None
    for name, row in pairs:
        if name != current or len(pending) >= size:
            if current is not None and pending:
                yield current, pending
            current, pending = name, []
        pending.append(row)
    if current is not None and pending:
        yield current, pending
